from django.urls import path

from gongjian.bulletins import views

urlpatterns = [
    path("bulletins/", views.bulletin_index, name="bulletin_index"),
    path("bulletins/<int:campaign_id>/<str:month>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:campaign_id>/<str:month>/docx/", views.bulletin_docx, name="bulletin_docx"),
    path("bulletins/<int:campaign_id>/<str:month>/xlsx/", views.bulletin_xlsx, name="bulletin_xlsx"),
    path("bulletins/<int:campaign_id>/<str:month>/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:campaign_id>/<str:month>/document/", views.bulletin_to_document,
         name="bulletin_to_document"),
    path("annual-reports/", views.annual_report_list, name="annual_report_list"),
    path("annual-reports/<int:unit_id>/<int:year>/", views.annual_report, name="annual_report"),
    path("annual-reports/<int:unit_id>/<int:year>/goals/", views.annual_goal_add, name="annual_goal_add"),
    path("annual-reports/goals/<int:pk>/delete/", views.annual_goal_delete, name="annual_goal_delete"),
    path("annual-reports/goals/<int:pk>/task/", views.annual_goal_to_task, name="annual_goal_to_task"),
]
