"""The assessment benchmark at the hidden `tiny` scale: it scores every campaign, its naive scorer agrees with the
fast one, and it leaves the bench data as it found it."""

from datetime import date

import pytest

from gongjian.assessment import scoring, services
from gongjian.assessment.models import Ranking, Scheme
from gongjian.bench import bench_assess, data, registry
from gongjian.bench.scale import BENCH_TODAY, SCALES
from gongjian.campaigns.models import Campaign
from gongjian.workdays import days


@pytest.fixture
def generated(db, settings):
    settings.GONGJIAN_TODAY = BENCH_TODAY
    days.reset()
    yield data.generate(SCALES["tiny"], 7, lambda _: None)
    days.reset()


def test_benchmark_scores_every_campaign_and_agrees_with_the_naive_scorer(generated):
    ctx = registry.Context(scale=SCALES["tiny"], seed=7, today=BENCH_TODAY, sample=50, log=lambda _: None)
    result = bench_assess.run(ctx)
    assert result["campaigns"] == 1 and result["units"] > 0 and result["items"] > 0
    assert result["period"] == "2023-09" and result["seconds"] > 0 and result["baseline_seconds"] > 0
    assert result["agreement"] == f"naive totals equal the stored scores on all {result['sample']} sampled units"
    assert not Ranking.objects.exists() and not Scheme.objects.exists()


def test_the_naive_scorer_agrees_on_every_unit(generated):
    campaign = Campaign.objects.get()
    scheme = services.scheme_for(actor=None, campaign=campaign, period_type="month")
    ranking = services.ranking_compute(actor=None, scheme=scheme, label="2023-09")
    period = scoring.period_of(scheme, "2023-09", BENCH_TODAY)
    scores = list(ranking.scores.all())
    assert len({s.total for s in scores}) > 5
    assert [bench_assess.naive_total(s.unit_id, campaign.pk, period, s.base) for s in scores] == [
        s.total for s in scores]


def test_the_naive_scorer_charges_a_blocker_card_to_its_responsible_unit(generated):
    """A yellow card that rests only on another unit's overdue blocker costs the lead unit nothing (docs/rules.md §5):
    the naive scorer must agree with the indicator on that, or the benchmark stops on real data."""
    from gongjian.supervision.models import Card

    campaign = Campaign.objects.get()
    day = Card.objects.last_day(date.min, BENCH_TODAY)
    card = Card.objects.on(day).filter(task__campaign=campaign).select_related("task").order_by("task_id").first()
    other = campaign.tasks.exclude(lead_unit=card.task.lead_unit).values_list("lead_unit_id", flat=True).first()
    Card.objects.filter(pk=card.pk).update(color="yellow", findings=[
        {"rule": "blocker_overdue", "color": "yellow", "message": "要素保障事项超过办理时限",
         "facts": {"responsible_unit": other}}])
    scheme = services.scheme_for(actor=None, campaign=campaign, period_type="month")
    ranking = services.ranking_compute(actor=None, scheme=scheme, label="2023-09")
    period = scoring.period_of(scheme, "2023-09", BENCH_TODAY)
    score = ranking.scores.get(unit_id=card.task.lead_unit_id)
    assert bench_assess.naive_total(score.unit_id, campaign.pk, period, score.base) == score.total
