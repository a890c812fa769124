from django.urls import path

from gongjian.cockpit import views

urlpatterns = [
    path("cockpit/", views.cockpit, name="cockpit"),
    path("cockpit/data.json", views.cockpit_json, name="cockpit_data"),
]
