"""Rankings: categories apart, ties share a rank, change since the last period, gap to the best, the award flag,
and every score adds up from its breakdown."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from gongjian.assessment import selectors
from gongjian.assessment.models import Score
from gongjian.assessment.scoring import competition_ranks
from gongjian.org.models import Unit
from gongjian.supervision.models import Blocker

pytestmark = pytest.mark.django_db


def test_competition_ranking_shares_ranks_on_ties():
    totals = {1: Decimal("98"), 2: Decimal("100"), 3: Decimal("100"), 4: Decimal("97.5"), 5: Decimal("98")}
    assert competition_ranks(totals) == {2: 1, 3: 1, 1: 3, 5: 3, 4: 5}


def test_towns_and_departments_are_ranked_apart_with_ties(world):
    world.task(world.town_a, deadline=date(2023, 3, 20), co=[world.dept_b])  # A −5, B −2.5
    world.task(world.town_c, deadline=date(2023, 12, 31), co=[world.dept_d])
    ranking = world.compute()
    tables = selectors.league(ranking, published_only=False)
    assert [(r.score.unit.name, r.score.rank, r.score.total) for r in tables["area"]] == [
        ("河头店镇", 1, Decimal("100.00")), ("姜山镇", 2, Decimal("95.00"))]
    assert [(r.score.unit.name, r.score.rank) for r in tables["department"]] == [("工信局", 1), ("发改局", 2)]
    assert [r.gap for r in tables["area"]] == [Decimal("0"), Decimal("5.00")]


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped(world):
    third = Unit.objects.create(name="院上镇", kind=Unit.Kind.TOWN)
    for unit in (world.town_a, world.town_c, third):
        world.task(unit, deadline=date(2023, 12, 31))
    world.task(third, deadline=date(2023, 3, 10))
    ranking = world.compute()
    ranks = {s.unit.name: s.rank for s in Score.objects.filter(ranking=ranking, category="area").select_related("unit")}
    assert ranks == {"姜山镇": 1, "河头店镇": 1, "院上镇": 3}


def test_units_without_a_part_in_the_campaign_are_not_ranked(world):
    Unit.objects.create(name="统计局", kind=Unit.Kind.DEPARTMENT)
    world.task(world.town_a, deadline=date(2023, 12, 31))
    ranking = world.compute()
    assert list(ranking.scores.values_list("unit__name", flat=True)) == ["姜山镇"]


def test_change_since_last_period_and_new_units(world):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    world.task(world.town_c, deadline=date(2023, 2, 10))  # C loses 5 in February: A first, C second
    feb = world.compute("2023-02")
    assert [r.change_text for r in selectors.league(feb, published_only=False)["area"]] == ["新", "新"]
    world.task(world.town_a, deadline=date(2023, 3, 10))  # A loses 5 in March
    third = Unit.objects.create(name="院上镇", kind=Unit.Kind.TOWN)
    world.task(third, deadline=date(2023, 12, 31))
    march = world.compute("2023-03")
    rows = {r.score.unit.name: r for r in selectors.league(march, published_only=False)["area"]}
    assert (rows["河头店镇"].score.rank, rows["河头店镇"].change_text) == (1, "↑1")
    assert (rows["院上镇"].score.rank, rows["院上镇"].change_text) == (1, "新")
    assert (rows["姜山镇"].score.rank, rows["姜山镇"].change_text, rows["姜山镇"].change) == (3, "↓2", -2)
    assert rows["姜山镇"].trend == [100.0, 95.0]


def test_unchanged_rank_shows_a_dash(world):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    world.compute("2023-02")
    rows = selectors.league(world.compute("2023-03"), published_only=False)["area"]
    assert rows[0].change_text == "—" and rows[0].change == 0


def test_two_uncompleted_tasks_in_the_year_remove_award_eligibility(world):
    world.task(world.town_a, deadline=date(2023, 2, 10))
    first = world.compute("2023-02")
    assert (world.score(first, world.town_a).uncompleted_tasks, world.score(first, world.town_a).award_eligible) == (
        1, True)
    world.task(world.town_a, deadline=date(2023, 3, 10), co=[world.dept_b])
    march = world.compute("2023-03")
    score = world.score(march, world.town_a)
    assert (score.uncompleted_tasks, score.award_eligible) == (2, False)
    assert world.score(march, world.dept_b).award_eligible  # co-units keep theirs


def test_a_task_completed_on_time_does_not_count_against_the_award(world):
    for deadline in (date(2023, 2, 10), date(2023, 3, 10)):
        task = world.task(world.town_a, deadline=deadline)
        world.complete(task, deadline - timedelta(days=1))
    assert world.score(world.compute(), world.town_a).award_eligible


EVENTS = st.lists(st.tuples(
    st.sampled_from(["late", "on_time", "early", "card_red", "card_yellow", "missing", "returned", "blocker"]),
    st.integers(min_value=0, max_value=3),  # lead unit
    st.integers(min_value=0, max_value=3),  # co-unit
    st.integers(min_value=1, max_value=28),  # day in March
), min_size=1, max_size=12)


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=EVENTS)
def test_every_score_is_base_plus_its_breakdown(world, events):
    units = [world.town_a, world.town_c, world.dept_b, world.dept_d]
    for kind, lead_i, co_i, day in events:
        lead, co = units[lead_i], units[co_i]
        on = date(2023, 3, day)
        task = world.task(lead, deadline=on if kind == "late" else date(2023, 3, 28), co=[] if co == lead else [co])
        if kind in ("on_time", "early"):
            world.complete(task, min(on, date(2023, 3, 28)) - timedelta(days=20 if kind == "early" else 0))
        elif kind.startswith("card"):
            world.card(task, date(2023, 3, 31), kind.removeprefix("card_"))
        elif kind in ("missing", "returned"):
            world.report(task, date(2023, 2, 1), submitted=date(2023, 3, 1) if kind == "returned" else None,
                         returns=day % 4 if kind == "returned" else 0, state="draft" if kind == "missing" else "returned")
        elif kind == "blocker":
            Blocker.objects.create(task=task, category="land", description="用地", responsible_unit=co,
                                   raised_by=world.office, raised_on=date(2023, 3, 1), due_on=on)
    ranking = world.compute()
    for score in ranking.scores.prefetch_related("items"):
        assert score.total == score.base + sum((i.points for i in score.items.all()), Decimal("0"))
    for category in ("area", "department"):
        scores = list(ranking.scores.filter(category=category))
        for score in scores:
            assert score.rank == 1 + sum(1 for other in scores if other.total > score.total)
