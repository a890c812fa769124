from django.urls import path

from gongjian.assessment import views

urlpatterns = [
    path("assessment/", views.league, name="assessment_league"),
    path("assessment/compute/", views.compute, name="assessment_compute"),
    path("assessment/units/<int:unit_id>/", views.unit_detail, name="assessment_unit"),
    path("assessment/rankings/<int:pk>/publish/", views.publish, name="assessment_publish"),
    path("assessment/rankings/<int:pk>/units/<int:unit_id>/evaluate/", views.evaluate, name="assessment_evaluate"),
    path("assessment/rankings/<int:pk>/units/<int:unit_id>/adjust/", views.adjust, name="assessment_adjust"),
    path("assessment/schemes/<int:pk>/", views.scheme_detail, name="assessment_scheme"),
]
