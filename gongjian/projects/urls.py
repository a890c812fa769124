from django.urls import path

from gongjian.projects import views

urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/attraction/", views.attraction, name="project_attraction"),
    path("projects/map/", views.project_map, name="project_map"),
    path("projects/ledger/template/", views.ledger_template, name="project_ledger_template"),
    path("projects/ledger/import/", views.ledger_import, name="project_ledger_import"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/status/", views.project_status, name="project_status"),
    path("projects/<int:pk>/plan/", views.project_plan, name="project_plan"),
    path("projects/<int:pk>/dispatch/<int:period_id>/", views.project_dispatch, name="project_dispatch"),
    path("battle/", views.battle_index, name="battle_index"),
    path("battle/deployment/", views.battle_deployment, name="battle_deployment"),
    path("battle/deployment/targets/", views.battle_targets, name="battle_targets"),
    path("battle/progress/", views.battle_progress, name="battle_progress"),
    path("battle/progress.json", views.battle_progress_json, name="battle_progress_json"),
    path("battle/guarantee/", views.battle_guarantee, name="battle_guarantee"),
]
