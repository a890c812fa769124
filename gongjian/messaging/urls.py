from django.urls import path

from gongjian.messaging import views

urlpatterns = [
    path("messages/", views.delivery_list, name="delivery_list"),
    path("m/<str:token>/", views.sign, name="message_sign"),
]
