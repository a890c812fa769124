from django.urls import path

from gongjian.supervision import views

urlpatterns = [
    path("cards/", views.card_board, name="card_board"),
    path("cards/list/", views.card_list, name="card_list"),
    path("cards/run/", views.card_run, name="card_run"),
    path("cards/tasks/<int:task_id>/", views.task_cards, name="task_cards"),
    path("cards/tasks/<int:task_id>/override/", views.card_override, name="card_override"),
    path("cards/tasks/<int:task_id>/notices/", views.notice_issue, name="notice_issue"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("notices/<int:pk>/interview/", views.notice_interview, name="notice_interview"),
    path("blockers/", views.blocker_list, name="blocker_list"),
    path("blockers/new/", views.blocker_create, name="blocker_create"),
    path("blockers/<int:pk>/", views.blocker_detail, name="blocker_detail"),
    path("blockers/<int:pk>/resolve/", views.blocker_resolve, name="blocker_resolve"),
    path("blockers/<int:pk>/sign-off/", views.blocker_sign_off, name="blocker_sign_off"),
    path("units/<int:pk>/supervision/", views.unit_supervision, name="unit_supervision"),
    path("rules/", views.rule_list, name="rule_list"),
]
