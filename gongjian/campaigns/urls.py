from django.urls import path

from gongjian.campaigns import campaign_views, views

urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path("desk/", views.leader_desk, name="leader_desk"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/settings/", campaign_views.campaign_settings, name="campaign_settings"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/transition/", views.task_transition, name="task_transition"),
    path("tasks/<int:pk>/schedule/", views.task_schedule, name="task_schedule"),
    path("tasks/<int:pk>/milestones/", views.milestone_create, name="milestone_create"),
    path("tasks/<int:pk>/dependencies/", views.dependency_create, name="dependency_create"),
    path("tasks/<int:pk>/adjustments/", views.adjustment_request, name="adjustment_request"),
    path("milestones/<int:pk>/complete/", views.milestone_complete, name="milestone_complete"),
    path("adjustments/<int:pk>/decide/", views.adjustment_decide, name="adjustment_decide"),
    path("ledger/template/", views.ledger_template, name="ledger_template"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
    path("campaigns/speech/", views.speech_import, name="speech_import"),
]
