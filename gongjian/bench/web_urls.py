"""The real URL configuration plus the floor the task API is compared with: the same 50 task rows straight from the
ORM into JSON, behind the same middleware and login, with no DRF, serializer, filter or pagination."""

from django.http import JsonResponse
from django.urls import path

from gongjian.campaigns.models import Task
from gongjian.urls import urlpatterns as app_urlpatterns

FIELDS = ["id", "title", "description", "campaign_id", "focus_area_id", "lead_leader_id", "lead_unit_id", "start",
          "deadline", "status", "progress", "version"]


def orm_tasks(request):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "login required"}, status=403)
    return JsonResponse({"results": list(Task.objects.order_by("id").values(*FIELDS)[:50])})


urlpatterns = [path("bench/orm-tasks.json", orm_tasks), *app_urlpatterns]
