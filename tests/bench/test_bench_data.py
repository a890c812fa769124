"""The bench's generator, the naive baseline's agreement check and the benchmark registry, in-process on the
test database at the hidden `tiny` scale."""

import types
from collections import Counter
from datetime import date

import pytest
from django.db.models import Max

from gongjian.audit.models import AuditEvent
from gongjian.bench import data, registry
from gongjian.bench.bench_supervise import plain_tasks
from gongjian.bench.naive import Disagreement, check_agreement, naive_card
from gongjian.bench.scale import BENCH_TODAY, SCALES
from gongjian.campaigns.models import Milestone, Task
from gongjian.dispatch.models import ProgressReport
from gongjian.supervision.jobs import open_tasks, supervise
from gongjian.supervision.models import Card
from gongjian.workdays import days

TINY = SCALES["tiny"]


@pytest.fixture
def bench_today(settings):
    settings.GONGJIAN_TODAY = BENCH_TODAY
    days.reset()
    yield BENCH_TODAY
    days.reset()


@pytest.fixture
def generated(db, bench_today):
    return data.generate(TINY, 7, lambda _: None)


def _naive_cards(on: date) -> dict[int, dict]:
    """Every open task's naive card, but a project's (its own rules add findings the naive tasks do not know)."""
    calendar = days.calendar()
    return {pk: naive_card(pk, on, calendar) for pk in plain_tasks(open_tasks(on).values_list("id", flat=True))}


def test_naive_cards_equal_the_daily_runs_cards(generated, bench_today):
    supervise(on=bench_today)
    naive = _naive_cards(bench_today)
    assert check_agreement(naive, bench_today) == len(naive) == \
        Card.objects.on(bench_today).filter(task__project__isnull=True).count()
    assert len({card["color"] for card in naive.values()}) >= 2, "an all-green sample would prove little"


def test_naive_cards_agree_on_a_milestone_caught_up_after_a_red_card(generated, bench_today):
    """caught_up reads the card history: both evaluations must see that a red card named the milestone."""
    task = open_tasks(bench_today).filter(project__isnull=True).order_by("id").first()
    milestone = Milestone.objects.create(task=task, title="赶工补齐的节点", planned_date=date(2023, 8, 28),
                                         done_on=date(2023, 9, 12), weight=1, order=99)
    Card.objects.create(task=task, valid_from=date(2023, 9, 1), valid_until=date(2023, 9, 1), color="red", findings=[
        {"rule": "milestone_overdue", "color": "red", "message": "节点逾期", "facts": {"milestone": milestone.title}}])
    supervise(on=bench_today)
    assert "caught_up" in {f["rule"] for f in Card.objects.on(bench_today).get(task=task).findings}
    naive = _naive_cards(bench_today)
    assert task.pk in naive and check_agreement(naive, bench_today) == len(naive)


def test_agreement_check_fails_when_a_card_differs(generated, bench_today):
    supervise(on=bench_today)
    naive = _naive_cards(bench_today)
    card = Card.objects.on(bench_today).filter(task_id__in=naive).order_by("task_id").first()
    Card.objects.filter(pk=card.pk).update(color="green" if card.color != "green" else "red")
    with pytest.raises(Disagreement, match=f"differ on 1 of {len(naive)} sampled tasks .*task {card.task_id}"):
        check_agreement(naive, bench_today)


def test_agreement_check_fails_when_the_run_wrote_no_card(generated, bench_today):
    naive = _naive_cards(bench_today)
    with pytest.raises(Disagreement, match="daily run None"):
        check_agreement(naive, bench_today)


def test_generation_records_one_audit_event_not_one_per_row(generated):
    # yesterday's daily run: its cards and, as one of its registered steps, the tickets' SLA colours; each notice
    # the run issued starts one message thread to the unit's people, audited as it is queued
    from gongjian.messaging.models import Thread

    events = Counter(AuditEvent.objects.values_list("event", flat=True))
    assert events.pop("message.queue", 0) == Thread.objects.count()
    assert events == {"bench.generate": 1, "supervision.run": 1, "ticket.sla_run": 1}
    stored = data.stored_generation()
    assert stored["marker"] == data.marker(TINY, 7, BENCH_TODAY)
    assert stored["counts"]["tasks"] == Task.objects.filter(project__isnull=True).count() == TINY.tasks
    assert stored["counts"]["milestones"] == Milestone.objects.filter(task__project__isnull=True).count() \
        == TINY.milestones
    assert stored["counts"]["units"] == TINY.units
    assert stored["checksum"] == data.data_checksum()


def test_generated_data_is_consistent(generated):
    tasks = Task.objects.filter(project__isnull=True)  # projects come from their own populator
    reports = ProgressReport.objects.filter(task__in=tasks)
    for task in tasks.filter(status=Task.Status.COMPLETED):
        assert task.progress == 100
        assert not task.milestones.filter(done_on__isnull=True).exists()
        assert task.completed_on <= BENCH_TODAY
    latest = {}
    for r in reports.filter(state=ProgressReport.State.APPROVED).order_by("period__end"):
        latest[r.task_id] = r.percent
    for task in tasks.filter(status=Task.Status.IN_PROGRESS):
        assert task.progress == latest[task.pk]
    assert not Milestone.objects.filter(task__in=tasks, done_on__gt=BENCH_TODAY).exists()
    assert reports.aggregate(most=Max("return_count"))["most"] == 2
    assert 0.6 * TINY.reports <= reports.count() <= 1.3 * TINY.reports


def test_ensure_data_reuses_what_it_generated(generated):
    again = data.ensure_data(TINY, 7, lambda _: None)
    assert again["reused"] is True
    assert again["checksum"] == generated["checksum"]
    assert Task.objects.filter(project__isnull=True).count() == TINY.tasks


def test_ensure_data_refuses_a_database_it_did_not_generate(cast, bench_today):
    with pytest.raises(data.BenchDataError, match="did not generate"):
        data.ensure_data(TINY, 7, lambda _: None)
    assert not Task.objects.exists()


def test_populators_run_after_the_core_data_in_name_order(db, bench_today, monkeypatch):
    calls = []

    def module(name):
        def populate(scale, seed, log):
            calls.append((name, scale.name, seed, Task.objects.count()))
            return {f"{name}_rows": 3}
        return types.SimpleNamespace(__name__=f"gongjian.bench.{name}", populate=populate, VERSION=2)

    monkeypatch.setattr(data, "populators", lambda: [module("populate_a"), module("populate_b")])
    info = data.generate(TINY, 7, lambda _: None)
    assert calls == [("populate_a", "tiny", 7, TINY.tasks), ("populate_b", "tiny", 7, TINY.tasks)]
    assert info["counts"]["populate_a_rows"] == info["counts"]["populate_b_rows"] == 3
    assert info["marker"]["populators"] == {"populate_a": 2, "populate_b": 2}


def test_populators_are_found_by_module_name(tmp_path, monkeypatch):
    package = tmp_path / "fakebench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in ("populate_zeta", "populate_alpha", "other"):
        (package / f"{name}.py").write_text("def populate(scale, seed, log):\n    return {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import fakebench

    assert [m.__name__ for m in data.populators(fakebench)] == ["fakebench.populate_alpha", "fakebench.populate_zeta"]


def test_registry_finds_the_benchmarks_in_run_order():
    assert list(registry.discover())[:3] == ["supervise", "import", "gantt"]
    assert list(registry.discover())[-1] == "dbsize"
    assert list(registry.select(["dbsize"])) == ["dbsize"]


def test_registry_refuses_an_unknown_name_and_lists_the_known_ones():
    with pytest.raises(registry.UnknownBenchmark, match=r"unknown benchmark 'nope'; available: supervise, import"):
        registry.select(["nope"])
