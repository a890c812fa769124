"""Cards stored as spans (docs/architecture.md, "Card history"): the daily run writes only what changed, re-runs are
idempotent, a past day splits a span, the card on a day agrees with a day-by-day oracle, the ladder's unchanged
states are left alone, and migration 0006 folds daily rows into spans."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Card, CardOverride, EscalationState
from gongjian.supervision.selectors import card_history, cards_on

WEEK = [date(2023, 3, 6) + timedelta(days=i) for i in range(5)]  # Monday to Friday
TWO_WEEKS = WEEK + [d + timedelta(days=7) for d in WEEK]


@pytest.fixture
def make_task(cast, campaign):
    def make(deadline: date, title: str = "任务", start: date = date(2023, 1, 3)) -> Task:
        task = task_services.task_create(actor=cast.office, campaign=campaign, title=title, lead_unit=cast.unit_a,
                                         lead_leader=cast.leader.person, start=start, deadline=deadline)
        task = task_services.task_assign(actor=cast.office, task=task)
        Task.objects.filter(pk=task.pk).update(progress=95)
        return task

    return make


def _rows(task=None) -> list[tuple]:
    rows = Card.objects.all() if task is None else Card.objects.filter(task=task)
    return sorted(rows.values_list("task_id", "valid_from", "valid_until", "color", "findings", "overridden"))


def _override(cast, task, day: date, color: str | None) -> None:
    CardOverride.objects.filter(task=task, valid_from=day).delete()
    if color is not None:
        CardOverride.objects.create(task=task, color=color, reason="测试", valid_from=day, valid_until=day,
                                    created_by=cast.office)


@pytest.mark.django_db
def test_a_week_with_one_colour_change_is_two_rows_and_the_open_row_speaks_of_the_last_day(make_task):
    task = make_task(date(2023, 3, 14))  # green while far off, yellow once within three working days
    colors = [next(c for c, n in supervise(on=day)["colors"].items() if n) for day in WEEK]
    assert colors[0] == "green" and colors[-1] == "yellow" and sorted(colors, key=colors.index) == colors
    change = colors.index("yellow")
    assert [(r[1], r[2], r[3]) for r in _rows(task)] == [
        (WEEK[0], WEEK[change] - timedelta(days=1), "green"), (WEEK[change], None, "yellow")]
    # The deadline's countdown is reworded in place; a fresh evaluation of Friday says the same as the open row.
    friday = Card.objects.get(task=task, valid_until__isnull=True).findings
    Card.objects.filter(task=task).delete()
    supervise(on=WEEK[-1])
    assert Card.objects.get(task=task).findings == friday and "2个工作日" in friday[0]["message"]


@pytest.mark.django_db
def test_an_unchanged_day_writes_no_card_and_only_rewords_counting_messages(make_task):
    green, red = make_task(date(2023, 12, 29), "绿"), make_task(date(2023, 3, 1), "红")
    supervise(on=WEEK[0])
    summary = supervise(on=WEEK[1])
    assert summary["card_rows"] == {"created": 0, "changed": 0, "reworded": 1, "deleted": 0}  # 已超过…N个工作日
    assert Card.objects.filter(task=green).count() == Card.objects.filter(task=red).count() == 1


@pytest.mark.django_db
def test_rerunning_a_day_is_idempotent_even_the_day_a_colour_changed(make_task):
    make_task(date(2023, 3, 14))
    make_task(date(2023, 3, 1), "已逾期")
    for day in WEEK:
        supervise(on=day)
    rows = _rows()
    for day in (WEEK[-1], WEEK[3], WEEK[1]):
        supervise(on=day)
        assert _rows() == rows
    assert supervise(on=WEEK[-1])["card_rows"] == {"created": 0, "changed": 0, "reworded": 0, "deleted": 0}


@pytest.mark.django_db
def test_a_past_day_that_turns_out_different_splits_its_span_and_merges_back(cast, make_task):
    task = make_task(date(2023, 12, 29))
    for day in WEEK:
        supervise(on=day)
    assert [(r[1], r[2], r[3]) for r in _rows(task)] == [(WEEK[0], None, "green")]
    _override(cast, task, WEEK[2], "red")
    supervise(on=WEEK[2])
    assert [(r[1], r[2], r[3], r[5]) for r in _rows(task)] == [
        (WEEK[0], WEEK[1], "green", False), (WEEK[2], WEEK[2], "red", True), (WEEK[3], None, "green", False)]
    assert [cards_on(day).get(task=task).color for day in WEEK] == ["green", "green", "red", "green", "green"]
    _override(cast, task, WEEK[2], None)
    supervise(on=WEEK[2])
    assert [(r[1], r[2], r[3]) for r in _rows(task)] == [(WEEK[0], None, "green")]


@pytest.mark.django_db
def test_a_task_that_is_no_longer_open_has_its_card_closed(make_task):
    done, other = make_task(date(2023, 12, 29), "办结"), make_task(date(2023, 12, 29), "在办")
    supervise(on=WEEK[0])
    supervise(on=WEEK[1])
    Task.objects.filter(pk=done.pk).update(status=Task.Status.COMPLETED, completed_on=WEEK[2])
    supervise(on=WEEK[2])
    assert [(r[1], r[2]) for r in _rows(done)] == [(WEEK[0], WEEK[1])]
    assert [(r[1], r[2]) for r in _rows(other)] == [(WEEK[0], None)]
    assert not cards_on(WEEK[2]).filter(task=done).exists() and cards_on(WEEK[1]).filter(task=done).exists()
    assert supervise(on=WEEK[2])["card_rows"] == {"created": 0, "changed": 0, "reworded": 0, "deleted": 0}


@pytest.mark.django_db
def test_the_card_history_page_lists_the_spans_with_their_run_days(make_task):
    task = make_task(date(2023, 3, 14))
    for day in WEEK:
        supervise(on=day)
    spans = card_history(task)
    assert [(s.color, s.days) for s in spans] == [("yellow", 2), ("green", 3)]
    assert (spans[0].start, spans[0].end, spans[1].end) == (WEEK[3], WEEK[4], WEEK[2])


@pytest.mark.django_db
def test_escalation_states_are_written_only_when_they_move(make_task):
    red = make_task(date(2023, 3, 1), "红")
    green = make_task(date(2023, 12, 29), "绿")
    supervise(on=WEEK[0])
    state = EscalationState.objects.get(task=red)
    assert state.as_of == WEEK[0] and state.state["red_since"] == WEEK[0].isoformat()
    first_green = EscalationState.objects.get(task=green)
    for day in WEEK[1:]:
        supervise(on=day)
    assert EscalationState.objects.get(task=red).as_of == WEEK[0]  # still red, same month: untouched
    assert EscalationState.objects.get(task=green).as_of == first_green.as_of
    supervise(on=date(2023, 4, 3))  # a new month closes the March period: every state moves
    assert set(EscalationState.objects.values_list("as_of", flat=True)) == {date(2023, 4, 3)}
    again = list(EscalationState.objects.values_list("task_id", "as_of", "state", "before").order_by("task_id"))
    supervise(on=date(2023, 4, 3))
    assert list(EscalationState.objects.values_list("task_id", "as_of", "state", "before").order_by("task_id")) \
        == again


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(TWO_WEEKS) - 1), st.sampled_from([None, "red", "yellow", "green"])),
                min_size=1, max_size=12))
def test_the_card_on_a_day_agrees_with_a_day_by_day_oracle(cast, make_task, runs):
    """Runs in any order (forward, backward, again) with the facts of a day changing between runs: every run day's
    card is the one evaluated for it, spans never overlap and neighbours always differ."""
    with transaction.atomic():
        task = make_task(date(2023, 12, 29), "预言")
        make_task(date(2023, 12, 29), "旁观")
        expected: dict[date, tuple[str, bool]] = {}
        for index, color in runs:
            day = TWO_WEEKS[index]
            _override(cast, task, day, color)
            supervise(on=day)
            expected[day] = (color or "green", color is not None)
        for day, (color, overridden) in expected.items():
            card = cards_on(day).get(task=task)
            assert (card.color, card.overridden, card.date) == (color, overridden, day)
        spans = [(r[1], r[2], r[3], r[5]) for r in _rows(task)]
        for (_, until, *sig), (next_start, _, *next_sig) in zip(spans, spans[1:], strict=False):
            assert until is not None and until < next_start
            assert until + timedelta(days=1) < next_start or sig != next_sig
        assert spans[-1][1] is None
        transaction.set_rollback(True)


def _migrate(supervision: str | None):
    """Supervision at that migration (None: the latest), every other app at its latest; the models of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = [node if node[0] != "supervision" or supervision is None else ("supervision", supervision)
               for node in executor.loader.graph.leaf_nodes()]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_folds_daily_rows_into_spans():
    old = _migrate("0005_card_span_fields")
    try:
        unit = old.get_model("org", "Unit").objects.create(name="单位", kind="bureau")
        campaign = old.get_model("campaigns", "Campaign").objects.create(
            name="行动", year=2023, start=date(2023, 1, 1), end=date(2023, 12, 31))
        Task = old.get_model("campaigns", "Task")
        task, gone = (Task.objects.create(campaign=campaign, title=t, lead_unit=unit, start=date(2023, 1, 3),
                                          deadline=date(2023, 12, 29)) for t in ("甲", "乙"))
        Card = old.get_model("supervision", "Card")
        run_days = [date(2023, 3, 2), date(2023, 3, 3), date(2023, 3, 6), date(2023, 3, 7), date(2023, 3, 8)]
        for day in run_days:
            old.get_model("supervision", "SupervisionRun").objects.create(
                date=day, seconds=0, finished_at=datetime(2023, 3, 8, 9))

        def finding(n):
            return [{"rule": "overdue", "color": "red", "message": f"已逾期{n}个工作日", "facts": {"late_workdays": n}}]

        for n, day in enumerate(run_days):
            color, findings = ("green", []) if n < 2 else ("red", finding(n))
            Card.objects.create(task=task, date=day, color=color, findings=findings)
        Card.objects.create(task=gone, date=run_days[0], color="green", findings=[])
        Card.objects.create(task=gone, date=run_days[1], color="green", findings=[])
        new = _migrate("0007_card_spans")
        rows = sorted(new.get_model("supervision", "Card").objects.values_list(
            "task_id", "valid_from", "valid_until", "color", "findings"))
        assert rows == [
            (task.pk, date(2023, 3, 2), date(2023, 3, 5), "green", []),
            (task.pk, date(2023, 3, 6), None, "red", finding(4)),
            (gone.pk, date(2023, 3, 2), date(2023, 3, 5), "green", []),
        ]
    finally:
        _migrate(None)
