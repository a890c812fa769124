from django.urls import path

from gongjian.messaging import views

urlpatterns = [
    path("messages/", views.delivery_list, name="delivery_list"),
    path("messages/robots/", views.robot_hooks, name="robot_hooks"),
    path("messages/robots/<int:pk>/", views.robot_hooks, name="robot_hook_edit"),
    path("m/<str:token>/", views.sign, name="message_sign"),
]
