from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.utils.http import parse_etags
from django.views.decorators.http import require_GET

from gongjian import clock
from gongjian.campaigns.models import Campaign
from gongjian.cockpit.document import cockpit_document
from gongjian.org.access import get_or_404, require, sees_everything


def _default_campaign() -> Campaign | None:
    campaigns = Campaign.objects.order_by("routine", "-year", "-id")
    return campaigns.filter(year__lte=clock.today().year).first() or campaigns.first()


def _campaign(request) -> Campaign | None:
    pk = request.GET.get("campaign")
    if pk:
        return get_or_404(Campaign.objects.all(), pk)
    return _default_campaign()


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
    pk = request.GET.get("campaign")
    if not pk:
        campaign = _default_campaign()
        if campaign is None:
            return JsonResponse({"campaign": None})
        pk = campaign.pk
    try:
        document = cockpit_document(request.user, int(pk), clock.today())
    except (TypeError, ValueError):
        document = None
    if document is None:
        raise Http404
    # private: the leader's own part differs per viewer; no-cache: revalidate every time, the figures move daily.
    headers = {"ETag": document.etag, "Cache-Control": "private, no-cache"}
    if document.etag in parse_etags(request.headers.get("If-None-Match", "")):
        return HttpResponseNotModified(headers=headers)
    return HttpResponse(document.body, content_type="application/json", headers=headers)
