from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongjian import clock
from gongjian.campaigns.models import Campaign
from gongjian.cockpit.selectors import cached_cockpit_data
from gongjian.org.access import get_or_404, require, sees_everything


def _campaign(request) -> Campaign | None:
    pk = request.GET.get("campaign")
    if pk:
        return get_or_404(Campaign.objects.all(), pk)
    campaigns = Campaign.objects.order_by("routine", "-year", "-id")
    return campaigns.filter(year__lte=clock.today().year).first() or campaigns.first()


def _allowed(request) -> None:
    require(sees_everything(request.user), "领导驾驶舱仅供市级领导和督查室使用")


@require_GET
def cockpit(request):
    _allowed(request)
    campaign = _campaign(request)
    return render(request, "cockpit/cockpit.html", {
        "campaign": campaign, "campaigns": Campaign.objects.order_by("-year", "-id"),
    })


@require_GET
def cockpit_json(request):
    _allowed(request)
    campaign = _campaign(request)
    if campaign is None:
        return JsonResponse({"campaign": None})
    return JsonResponse(cached_cockpit_data(request.user, campaign, clock.today()), json_dumps_params={"ensure_ascii": False})
