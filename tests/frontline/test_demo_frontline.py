"""The frontline demo: 2023 Q1 in Laixi, loaded twice without change, with a routing model worth its salt."""

import json
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from gongjian.campaigns.models import Campaign
from gongjian.demo import campaign as demo_campaign
from gongjian.demo import frontline, org
from gongjian.frontline.models import Idea, Ticket
from gongjian.org.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo(settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    org.load()
    office = get_user_model().objects.get(username="office")
    return demo_campaign.load(office), office


def _snapshot() -> dict:
    counts = {m._meta.label: m.objects.count() for m in apps.get_app_config("frontline").get_models()}
    counts["duty_lists"] = sorted(Unit.objects.values_list("name", "duty_list"))
    return counts


def test_demo_tickets_ideas_and_routing(demo, settings):
    campaign, office = demo
    counts = frontline.load(campaign, office)
    assert counts["tickets"] == 2000 and counts["ideas"] == 50
    before = _snapshot()
    org.load()  # the demo command reloads the org first, which resets the duty lists
    frontline.load(Campaign.objects.get(routine=False), office)
    assert _snapshot() == before

    states = dict(Ticket.objects.values_list("state").annotate(n=Count("id")))
    assert states["closed"] > 1200 and all(states.get(s, 0) > 0 for s in ("received", "assigned", "in_progress",
                                                                          "replied", "visited", "merged"))
    assert Ticket.objects.filter(received_at__date__lt=date(2023, 1, 1)).count() == 0
    assert Ticket.objects.values("town").distinct().count() == 12
    assert Ticket.objects.filter(category__code="dispute").exclude(risk_level="").exists()
    red = Ticket.objects.filter(state__in=Ticket.CLOCK_STATES, sla_color="red").count()
    assert 0 < red < 100

    out = StringIO()
    call_command("routing-eval", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["top1"] >= 0.75 and result["top3"] >= 0.9, result

    accepted = Idea.objects.filter(state="accepted").exclude(task=None)
    assert accepted.exists() and Idea.objects.filter(state="rejected").exists()
    idea = accepted.first()
    html = Client().get(f"/public/ideas/track/?code={idea.code}").content.decode()
    assert idea.task.title in html and "已采纳" in html
    body = Client().get("/open311/v2/requests.json?status=open").json()
    assert len(body) > 100 and all("phone" not in r for r in body)
