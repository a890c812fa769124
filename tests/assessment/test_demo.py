"""The demo's assessment: February published (with a correction), March computed on 2023-03-31; believable and
every score adds up; loading twice changes nothing."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from gongjian.assessment.models import Ranking, ScoreItem
from gongjian.campaigns.models import Campaign
from gongjian.demo import assessment

pytestmark = pytest.mark.django_db


def _load():
    with override_settings(GONGJIAN_TODAY=date(2023, 3, 31)):
        campaign = Campaign.objects.get(routine=False)
        return assessment.load(campaign, get_user_model().objects.get(username="office"))


def test_demo_assessment(settings):
    call_command("demo", stdout=StringIO())
    _load()
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    feb, march = Ranking.objects.order_by("start")
    assert (feb.label, feb.state, march.label, march.state) == ("2023-02", "published", "2023-03", "computed")
    assert feb.adjustments.count() == 1 and march.as_of == date(2023, 3, 31)
    for ranking in (feb, march):
        for score in ranking.scores.prefetch_related("items"):
            assert score.total == score.base + sum((i.points for i in score.items.all()), Decimal("0"))
    for category in ("area", "department"):
        scores = list(march.scores.filter(category=category).order_by("rank"))
        assert len(scores) >= 10
        assert len({s.total for s in scores}) >= 6  # a spread, not a block of ties
        assert scores[0].total > 100 > scores[-1].total
    indicators = set(ScoreItem.objects.filter(score__ranking=march).values_list("indicator", flat=True))
    # A second month a supervision office would publish: nothing has passed its deadline unfinished yet.
    assert {"task_on_time", "cards", "report_timeliness", "report_returned", "blocker_overdue",
            "leader_evaluation", "report_untrue"} <= indicators
    before = (Ranking.objects.count(), ScoreItem.objects.count())
    assert _load()["evaluations"] == 0
    assert (Ranking.objects.count(), ScoreItem.objects.count()) == before
