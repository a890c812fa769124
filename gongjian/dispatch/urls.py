from django.urls import path

from gongjian.dispatch import views

urlpatterns = [
    path("dispatch/", views.queue, name="dispatch_queue"),
    path("dispatch/mine/", views.my_reports, name="dispatch_mine"),
    path("dispatch/approve/", views.approve_bulk, name="dispatch_approve_bulk"),
    path("dispatch/tasks/<int:task_id>/periods/<int:period_id>/", views.report_edit, name="report_edit"),
    path("dispatch/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("dispatch/reports/<int:pk>/edit/", views.correction_edit, name="correction_edit"),
    path("dispatch/reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("dispatch/reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("dispatch/reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("dispatch/reports/<int:pk>/correct/", views.report_correct, name="report_correct"),
    path("dispatch/reports/<int:pk>/contribute/", views.contribute, name="report_contribute"),
    path("dispatch/reports/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("dispatch/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
