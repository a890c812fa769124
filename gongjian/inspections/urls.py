from django.urls import path

from gongjian.inspections import views

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/recheck/", views.recheck_create, name="recheck_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/publish/", views.inspection_publish, name="inspection_publish"),
    path("inspections/<int:pk>/document/", views.inspection_document, name="inspection_document"),
    path("inspections/<int:pk>/report.docx", views.inspection_report, name="inspection_report"),
    path("inspections/<int:pk>/check/<int:task_id>/", views.finding_create, name="finding_create"),
    path("inspections/findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("inspections/findings/<int:pk>/rectify/", views.finding_rectify, name="finding_rectify"),
    path("inspections/findings/<int:pk>/false-report/", views.finding_false_report, name="finding_false_report"),
    path("inspections/photos/<int:pk>/", views.photo_file, name="inspection_photo"),
    path("inspections/rectifications/<int:pk>/close/", views.rectification_close, name="rectification_close"),
    path("inspections/rectifications/<int:pk>/recheck/", views.rectification_recheck, name="rectification_recheck"),
    path("inspections/rectifications/<int:pk>/evidence/", views.rectification_evidence,
         name="rectification_evidence"),
    path("tasks/<int:task_id>/inspections/", views.task_inspections, name="task_inspections"),
]
