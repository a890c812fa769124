from django.urls import path, re_path

from gongjian.frontline import idea_views, open311, public_views, views

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    # Open311 first: its POSTs are the hottest path and resolve in order.
    path("open311/v2/", open311.root, name="open311_root"),
    re_path(r"^open311/v2/discovery" + FMT, open311.discovery, name="open311_discovery"),
    re_path(r"^open311/v2/services" + FMT, open311.service_list, name="open311_services"),
    re_path(r"^open311/v2/services/(?P<code>[\w-]+)" + FMT, open311.service_definition, name="open311_service"),
    re_path(r"^open311/v2/requests" + FMT, open311.requests_view, name="open311_requests"),
    re_path(r"^open311/v2/requests/(?P<request_id>[\w-]+)" + FMT, open311.request_detail, name="open311_request"),
    re_path(r"^open311/v2/tokens/(?P<token>[\w-]+)" + FMT, open311.token_detail, name="open311_token"),
    re_path(r"^open311/v2/servicerequestupdates" + FMT, open311.request_updates, name="open311_updates"),
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/queue/", views.ticket_queue, name="ticket_queue"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/grid/new/", views.ticket_grid_create, name="ticket_grid_create"),
    path("tickets/promote/", views.ticket_promote, name="ticket_promote"),
    path("tickets/rates/", views.ticket_rates_view, name="ticket_rates"),
    path("tickets/categories/", views.category_list, name="category_list"),
    path("tickets/categories/new/", views.category_edit, name="category_create"),
    path("tickets/categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("tickets/duties/", views.duty_lists, name="duty_lists"),
    path("tickets/routing/train/", views.routing_train_view, name="routing_train"),
    path("tickets/open311-keys/", views.open311_keys, name="open311_keys"),
    path("tickets/requests/<int:pk>/decide/", views.request_decide, name="ticket_request_decide"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/contact/", views.ticket_contact, name="ticket_contact"),
    path("tickets/<int:pk>/photo/", views.ticket_photo, name="ticket_photo"),
    path("tickets/<int:pk>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("ideas/", idea_views.idea_list, name="idea_list"),
    path("ideas/new/", idea_views.idea_create, name="idea_create"),
    path("ideas/points/", idea_views.idea_points, name="idea_points"),
    path("ideas/<int:pk>/", idea_views.idea_detail, name="idea_detail"),
    path("ideas/<int:pk>/<slug:action>/", idea_views.idea_action, name="idea_action"),
    path("public/", public_views.public_home, name="public_home"),
    path("public/tickets/new/", public_views.public_ticket_new, name="public_ticket_new"),
    path("public/tickets/track/", public_views.public_ticket_track, name="public_ticket_track"),
    path("public/ideas/new/", public_views.public_idea_new, name="public_idea_new"),
    path("public/ideas/track/", public_views.public_idea_track, name="public_idea_track"),
]
