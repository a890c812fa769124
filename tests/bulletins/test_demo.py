"""The demo's annual reports and March bulletin: twelve towns, streets and the zone, each with 3–4 goals; loading
twice changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from gongjian.bulletins.models import AnnualGoal, AnnualReport, Bulletin
from gongjian.demo import bulletins, campaign, org
from gongjian.demo.management.commands.demo import DEMO_TODAY

pytestmark = pytest.mark.django_db


def test_demo_reports_and_bulletin_load_once():
    with override_settings(GONGJIAN_TODAY=DEMO_TODAY):
        org.load()
        office = get_user_model().objects.get(username="office")
        demo_campaign = campaign.load(office)
        first = bulletins.load(demo_campaign, office)
        second = bulletins.load(demo_campaign, office)
    assert first["annual_reports"] == 12 and second == {"annual_reports": 0, "goals": 0, "bulletins": 1}
    assert AnnualReport.objects.count() == 12 and AnnualGoal.objects.count() == first["goals"]
    for report in AnnualReport.objects.all():
        assert 3 <= report.goals.count() <= 4, report.unit.name
        assert report.unit.is_area
    assert not AnnualGoal.objects.filter(task__isnull=False).exists()
    bulletin = Bulletin.objects.get()
    assert bulletin.month == "2023-03" and bulletin.title == "莱西市“攻坚克难年”工作通报（2023年第3期）"
    assert not bulletin.is_published and "压紧压实责任" in bulletin.office_text
