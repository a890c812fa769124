from django.urls import path

from gongjian.matters import views

urlpatterns = [
    path("matters/meetings/", views.meeting_list, name="meeting_list"),
    path("matters/meetings/new/", views.meeting_new, name="meeting_new"),
    path("matters/subitems/<int:pk>/close/", views.subitem_close, name="subitem_close"),
    path("matters/<str:kind>/", views.item_list, name="matter_list"),
    path("matters/<str:kind>/new/", views.item_new, name="matter_new"),
    path("matters/<str:kind>/<int:pk>/", views.item_detail, name="matter_detail"),
    path("matters/<str:kind>/<int:pk>/<str:action>/", views.item_action, name="matter_action"),
]
