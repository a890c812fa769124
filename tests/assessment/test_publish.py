"""Publishing makes a period immutable; only adjustments change it afterwards, and they show in the breakdown."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.assessment import services
from gongjian.assessment.models import Ranking
from gongjian.audit.models import AuditEvent
from gongjian.errors import UserError

pytestmark = pytest.mark.django_db


def events_since(seq: int) -> list[str]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("event", flat=True))


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@pytest.fixture
def published(world):
    world.task(world.town_a, deadline=date(2023, 3, 10), co=[world.dept_b])
    world.task(world.town_c, deadline=date(2023, 12, 31))
    ranking = world.compute()
    return services.ranking_publish(actor=world.office, ranking=ranking)


def test_compute_and_publish_are_audited(world):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    seq = last_seq()
    ranking = world.compute()
    services.ranking_publish(actor=world.office, ranking=ranking)
    assert events_since(seq) == ["scheme.create", "ranking.compute", "ranking.publish"]
    ranking.refresh_from_db()
    assert ranking.state == Ranking.State.PUBLISHED and ranking.published_by == world.office


def test_a_published_period_cannot_be_recomputed(world, published):
    world.task(world.town_c, deadline=date(2023, 3, 5))  # a new event after publication
    before = list(published.scores.values_list("unit_id", "total", "rank"))
    with pytest.raises(UserError) as exc:
        world.compute()
    assert exc.value.status == 409 and exc.value.code == "published"
    assert list(published.scores.values_list("unit_id", "total", "rank")) == before


def test_a_published_period_cannot_be_published_again_or_take_manual_evaluations(world, published):
    with pytest.raises(UserError) as again:
        services.ranking_publish(actor=world.office, ranking=published)
    assert again.value.status == 409
    indicator = published.scheme.indicators.get(code="leader_evaluation")
    with pytest.raises(UserError) as manual:
        services.evaluation_add(actor=world.office, ranking=published, unit=world.town_a, indicator=indicator,
                                points=3, reason="表现突出")
    assert manual.value.status == 409
    assert not published.evaluations.exists()


def test_adjustment_changes_a_published_score_and_shows_in_the_breakdown(world, published):
    seq = last_seq()
    assert world.score(published, world.town_a).rank == 2
    services.adjustment_add(actor=world.office, ranking=published, unit=world.town_a, points="6",
                            reason="复核：时限经批准延期")
    score = world.score(published, world.town_a)
    assert score.total == Decimal("101.00") and score.rank == 1
    assert world.score(published, world.town_c).rank == 2
    assert world.lines(published, world.town_a)[-1] == (Decimal("6.00"), "更正：复核：时限经批准延期")
    assert score.total == score.base + sum(p for p, _ in world.lines(published, world.town_a))
    assert events_since(seq) == ["adjustment.add"]
    published.refresh_from_db()
    assert published.is_published


@pytest.mark.parametrize(("points", "reason", "field"), [
    ("", "理由", "points"), ("abc", "理由", "points"), ("0", "理由", "points"), ("1000", "理由", "points"),
    ("1.234", "理由", "points"), ("2", "  ", "reason"), ("2", "长" * 201, "reason"),
])
def test_adjustment_input_is_checked(world, published, points, reason, field):
    with pytest.raises(UserError) as exc:
        services.adjustment_add(actor=world.office, ranking=published, unit=world.town_a, points=points, reason=reason)
    assert exc.value.field == field
    assert not published.adjustments.exists()


def test_publishing_needs_the_period_over_and_a_result_computed_after_it(world, settings):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    ranking = world.compute()
    with pytest.raises(UserError) as running:
        services.ranking_publish(actor=world.office, ranking=ranking)
    assert running.value.code == "period_not_over"
    settings.GONGJIAN_TODAY = date(2023, 3, 20)
    provisional = world.compute()
    assert provisional.as_of == date(2023, 3, 20)
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    with pytest.raises(UserError) as stale:
        services.ranking_publish(actor=world.office, ranking=provisional)
    assert stale.value.code == "stale"
    services.ranking_publish(actor=world.office, ranking=world.compute())


def test_manual_evaluation_before_publication_is_weighted_and_kept_by_recomputation(world):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    ranking = world.compute()
    indicator = ranking.scheme.indicators.get(code="leader_evaluation")
    seq = last_seq()
    services.evaluation_add(actor=world.office, ranking=ranking, unit=world.town_a, indicator=indicator, points="2.5",
                            reason="新材料产业园签约成效突出")
    assert events_since(seq) == ["evaluation.add"]
    assert world.lines(ranking, world.town_a) == [(Decimal("2.50"), "领导评价：新材料产业园签约成效突出")]
    recomputed = world.compute()
    assert world.lines(recomputed, world.town_a) == [(Decimal("2.50"), "领导评价：新材料产业园签约成效突出")]
    assert world.score(recomputed, world.town_a).total == Decimal("102.50")


def test_untrue_reporting_cannot_be_entered_by_hand_it_rests_on_a_check(world):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    ranking = world.compute()
    indicator = ranking.scheme.indicators.get(code="report_untrue")
    with pytest.raises(UserError) as exc:
        services.evaluation_add(actor=world.office, ranking=ranking, unit=world.town_a, indicator=indicator,
                                reason="2月进展所报投资额与统计数据不符")
    assert exc.value.field == "indicator"
    assert world.score(ranking, world.town_a).total == Decimal("100.00")


@pytest.mark.parametrize(("code", "points", "field"), [
    ("leader_evaluation", "6", "points"), ("leader_evaluation", None, "points"), ("task_overdue", "1", "indicator"),
])
def test_manual_evaluation_input_is_checked(world, code, points, field):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    ranking = world.compute()
    with pytest.raises(UserError) as exc:
        services.evaluation_add(actor=world.office, ranking=ranking, unit=world.town_a,
                                indicator=ranking.scheme.indicators.get(code=code), points=points, reason="理由")
    assert exc.value.field == field


def test_units_outside_the_ranking_cannot_be_adjusted(world, published):
    with pytest.raises(UserError) as exc:
        services.adjustment_add(actor=world.office, ranking=published, unit=world.cast.leadership, points=1,
                                reason="理由")
    assert exc.value.field == "unit"


def test_period_input_is_checked(world):
    scheme = services.scheme_for(actor=world.office, campaign=world.campaign, period_type="month")
    for label, code in (("2023-13", "invalid"), ("2023-Q1", "invalid"), ("2023-05", "not_started")):
        with pytest.raises(UserError) as exc:
            services.ranking_compute(actor=world.office, scheme=scheme, label=label)
        assert (exc.value.field, exc.value.code) == ("period", code)


def test_an_adjustment_before_publication_survives_recomputation(world):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    ranking = world.compute()
    services.adjustment_add(actor=world.office, ranking=ranking, unit=world.town_a, points="-1", reason="补扣")
    recomputed = world.compute()
    assert world.lines(recomputed, world.town_a) == [(Decimal("-1.00"), "更正：补扣")]
    assert world.score(recomputed, world.town_a).total == Decimal("99.00")


def test_a_second_scheme_for_the_same_period_type_is_refused(world):
    first = services.scheme_for(actor=world.office, campaign=world.campaign, period_type="month")
    with pytest.raises(UserError) as exc:
        services.scheme_create(actor=world.office, campaign=world.campaign, period_type="month")
    assert exc.value.status == 409
    assert services.scheme_for(actor=world.office, campaign=world.campaign, period_type="month") == first
