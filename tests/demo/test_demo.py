"""The demo is what every newcomer sees first: Laixi on 2023-03-31."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from gongjian.campaigns.models import Campaign
from gongjian.campaigns.speech import parse_speech
from gongjian.demo.campaign import SEED
from gongjian.demo.org import ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _counts() -> dict:
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in ("org", "campaigns", "dispatch", "supervision", "messaging")}


def test_loading_twice_changes_nothing(demo):
    before = _counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    _messages_of_march()


def _messages_of_march():
    """Notices signed (with one tap), answered and escalated, and March's delivery log."""
    from gongjian.messaging.models import Delivery, Thread
    from gongjian.supervision.models import Notice

    states = {s: Notice.objects.filter(state=s).count() for s in ("open", "acknowledged", "replied")}
    assert all(states.values()), states
    assert Thread.objects.filter(signed_via="link").count() > 10
    assert Thread.objects.filter(step__gt=0, signed_at=None).exists()
    march = Delivery.objects.filter(created_at__month=3)
    assert march.filter(state="sent", channel="wecom").count() > 20
    assert march.filter(state="failed").exists() and march.filter(channel="sms", state="sent").exists()
    office = Client()
    office.post("/login/", {"username": "office", "password": DEMO_PASSWORD})
    page = office.get("/messages/").content.decode()
    assert "政务微信" in page and "升级" in page and "发送失败" in page


LANDING = {
    "office": "/dispatch/", "jiangshan_editor": "/dispatch/", "jiangshan_viewer": "/dispatch/", "mayor": "/desk/",
    "sysadmin": "/org/units/", "secadmin": "/org/users/", "auditadmin": "/audit/", "grid_jiangshan": "/tickets/",
}


def test_each_demo_account_logs_in_and_lands_on_its_page(demo):
    # One test for all accounts: loading the demo takes seconds, so it is loaded once here.
    for username, lands_on in LANDING.items():
        client = Client()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (username, response.content.decode()[:300])
        landing = client.get("/")
        if lands_on is None:
            assert landing.status_code == 200, username
        else:
            assert landing["Location"] == lands_on, username
            assert client.get(lands_on).status_code == 200, username
    _campaign_shows_every_focus_area()


def test_every_role_has_a_demo_account():
    from gongjian.org.models import Role

    granted = {role for _, _, _, roles in ACCOUNTS for role in roles} | {Role.CITY_LEADER}
    assert granted == set(Role.values)


def _campaign_shows_every_focus_area():
    campaign = Campaign.objects.get(routine=False)
    client = Client()
    client.post("/login/", {"username": "office", "password": DEMO_PASSWORD})
    html = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    draft = parse_speech(SEED.read_text(encoding="utf-8"))
    assert len(draft.focus_areas) == 8
    for area in draft.focus_areas:
        assert area.title in html
        # Major projects and rectification items of on-site checks sit under the same focus areas; the speech's
        # own tasks are the rest.
        speech_tasks = campaign.tasks.filter(focus_area__title=area.title, project__isnull=True).exclude(
            source="rectification")
        assert speech_tasks.count() == len(area.tasks) > 0


def test_demo_people_are_named_by_post():
    from gongjian.demo.org import LEADERS

    assert all(display.endswith(("书记", "市长", "部长")) for _, display, _ in LEADERS)


def test_the_demo_month_is_one_a_supervision_office_would_publish(demo, settings):
    """On 2023-03-31 green is the largest colour; no card is yellow on a forecast alone; every red card's findings
    read as sentences."""
    from datetime import date

    from gongjian.supervision.jobs import supervise
    from gongjian.supervision.models import Card

    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    colors = supervise(on=date(2023, 3, 31))["colors"]
    assert colors["green"] > colors["yellow"] and colors["green"] > colors["red"], colors
    cards = list(Card.objects.filter(date=date(2023, 3, 31)).exclude(color="green"))
    for card in cards:
        lit = [f for f in card.findings if f["color"] == card.color]
        assert lit and {f["rule"] for f in lit} != {"forecast_late"}, card.findings
        if card.color == "red":
            assert all(len(f["message"]) >= 8 and not f["message"].isascii() for f in lit), card.findings
