"""The daily run against the database: cards, the escalation ladder of docs/rules.md §1 (each notice once), blockers."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from gongjian.audit.models import AuditEvent
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.dispatch import periods
from gongjian.dispatch import services as report_services
from gongjian.dispatch.models import ReportingPeriod
from gongjian.supervision import services
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Blocker, Card, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_task(cast, campaign):
    def make(deadline: date, title: str = "任务", start: date = date(2023, 1, 3), progress: int = 95):
        """An assigned task; nearly done by default so that only the rule under test lights a card."""
        task = task_services.task_create(actor=cast.office, campaign=campaign, title=title, lead_unit=cast.unit_a,
                                         lead_leader=cast.leader.person, start=start, deadline=deadline)
        task = task_services.task_assign(actor=cast.office, task=task)
        Task.objects.filter(pk=task.pk).update(progress=progress)
        return task

    return make


def _notices(task) -> list[tuple[str, bool]]:
    return [(n.kind, n.leader_id is not None) for n in Notice.objects.filter(task=task).order_by("id")]


def test_run_writes_one_card_per_open_task_and_is_idempotent(cast, make_task, task_a):
    red, near = make_task(date(2023, 3, 1), "已逾期"), make_task(date(2023, 3, 3), "临近")
    first = supervise(on=date(2023, 3, 1))
    second = supervise(on=date(2023, 3, 1))
    assert first["colors"] == second["colors"] == {"red": 0, "yellow": 2, "green": 0}
    assert Card.objects.on(date(2023, 3, 1)).count() == 2  # the draft task_a gets no card
    supervise(on=date(2023, 3, 2))
    assert Card.objects.on(date(2023, 3, 2)).get(task=red).color == "red"
    assert Card.objects.on(date(2023, 3, 2)).get(task=near).findings[0]["rule"] == "deadline_near"


def test_red_card_urges_at_once_and_supervises_after_five_working_days_once(cast, make_task):
    task = make_task(date(2023, 3, 1))
    supervise(on=date(2023, 3, 2))
    assert _notices(task) == [("urge", False)]
    supervise(on=date(2023, 3, 8))  # 4 working days of red
    assert _notices(task) == [("urge", False)]
    supervise(on=date(2023, 3, 9))  # 5
    supervise(on=date(2023, 3, 9))
    supervise(on=date(2023, 3, 10))
    assert _notices(task) == [("urge", False), ("supervise", False)]


def test_two_yellow_periods_in_a_row_supervise_and_inform_leader_once(cast, make_task):
    task = make_task(date(2023, 3, 3))
    supervise(on=date(2023, 2, 28))  # February ends yellow (3 working days left): the first rung, a reminder
    assert _notices(task) == [("reminder", False)]
    supervise(on=date(2023, 3, 1))  # March yellow too: the second period in a row
    supervise(on=date(2023, 3, 2))
    assert _notices(task) == [("reminder", False), ("supervise", True)]
    notice = Notice.objects.get(task=task, kind="supervise")
    assert notice.leader == cast.leader.person and "连续2期" in notice.reason


def test_three_red_periods_in_a_row_bring_an_interview_once(cast, make_task):
    task = make_task(date(2023, 1, 10))
    for day in (date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31), date(2023, 3, 31)):
        supervise(on=day)
    kinds = [kind for kind, _ in _notices(task)]
    assert kinds.count("interview") == 1 and kinds.count("urge") == 1 and kinds.count("supervise") == 1
    assert "连续3期亮红牌" in Notice.objects.get(task=task, kind="interview").reason


def test_a_yellow_period_between_reds_restarts_the_count(cast, make_task):
    from django.test import override_settings

    task = make_task(date(2023, 1, 10))
    supervise(on=date(2023, 1, 31))
    with override_settings(GONGJIAN_TODAY=date(2023, 2, 1)):
        services.card_override_set(actor=cast.office, task=task, color="yellow", reason="已协调，延期至3月")
    supervise(on=date(2023, 2, 28))
    supervise(on=date(2023, 3, 31))
    assert Card.objects.on(date(2023, 2, 28)).get(task=task).color == "yellow"
    assert "interview" not in [kind for kind, _ in _notices(task)]


def test_missing_reports_turn_yellow_then_red(cast, make_task, settings):
    settings.GONGJIAN_TODAY = date(2023, 4, 20)
    task = make_task(date(2023, 12, 29), progress=30)
    february = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 2, 1))
    march = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 1))
    assert (february.due_on, march.due_on) == (date(2023, 3, 7), date(2023, 4, 10))
    supervise(on=date(2023, 3, 8))
    finding = {f["rule"]: f["color"] for f in Card.objects.on(date(2023, 3, 8)).get(task=task).findings}
    assert finding["report_missing"] == "yellow"
    supervise(on=date(2023, 4, 11))
    finding = {f["rule"]: f["color"] for f in Card.objects.on(date(2023, 4, 11)).get(task=task).findings}
    assert finding["report_missing"] == "red"
    report_services.report_submit(actor=cast.editor_a, report=report_services.report_save(
        actor=cast.editor_a, task=task, period=march, work_done="补报", percent="30"))
    supervise(on=date(2023, 4, 12))
    assert "report_missing" not in {f["rule"] for f in Card.objects.on(date(2023, 4, 12)).get(task=task).findings}


def test_override_lasts_until_the_period_ends(cast, make_task, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 2)
    task = make_task(date(2023, 3, 1))
    services.card_override_set(actor=cast.office, task=task, color="yellow", reason="市政府同意延期")
    supervise(on=date(2023, 3, 2))
    assert Card.objects.on(date(2023, 3, 2)).get(task=task).color == "yellow"
    supervise(on=date(2023, 4, 3))
    assert Card.objects.on(date(2023, 4, 3)).get(task=task).color == "red"
    assert AuditEvent.objects.filter(event="card.override", object_id=str(task.pk)).count() == 1


def test_overdue_blocker_climbs_a_level_with_a_notice_each_time(cast, make_task, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    task = make_task(date(2023, 12, 29))
    blocker = services.blocker_raise(actor=cast.editor_a, task=task, category="land", description="用地指标未落实")
    assert (blocker.responsible_unit.name, blocker.due_on) == ("姜山镇", date(2023, 3, 15))
    supervise(on=date(2023, 3, 15))
    blocker.refresh_from_db()
    assert blocker.level == 1
    supervise(on=date(2023, 3, 16))
    supervise(on=date(2023, 3, 16))
    blocker.refresh_from_db()
    assert blocker.level == 2 and Notice.objects.filter(blocker=blocker).count() == 1
    # The unit's due date stays; the next level gets its own ten working days.
    assert (blocker.due_on, blocker.next_escalation_on) == (date(2023, 3, 15), date(2023, 3, 30))
    supervise(on=date(2023, 3, 30))
    blocker.refresh_from_db()
    assert blocker.level == 2
    supervise(on=date(2023, 3, 31))
    blocker.refresh_from_db()
    assert blocker.level == 3 and Notice.objects.filter(blocker=blocker).count() == 2


def test_problems_in_an_approved_report_become_blockers(cast, make_task, settings):
    from gongjian.org.models import Unit

    Unit.objects.create(name="自然资源局", kind=Unit.Kind.DEPARTMENT)
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    task = make_task(date(2023, 12, 29))
    march = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 1))
    report = report_services.report_save(actor=cast.editor_a, task=task, period=march, work_done="推进中",
                                         percent="20", problems=[{"category": "land", "description": "用地指标未落实"}])
    report_services.report_approve(actor=cast.office, report=report_services.report_submit(actor=cast.editor_a,
                                                                                              report=report))
    blocker = Blocker.objects.get()
    assert (blocker.category, blocker.responsible_unit.name, blocker.report_id) == ("land", "自然资源局", report.pk)


def test_supervise_command_json_shape(cast, make_task):
    make_task(date(2023, 3, 1))
    out = StringIO()
    call_command("supervise", "--date", "2023-03-02", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"date", "colors", "rules", "notices", "card_rows", "seconds", "steps"}
    assert result["card_rows"] == {"created": 1, "changed": 0, "reworded": 0, "deleted": 0}
    assert set(result["steps"]) == {"ticket_sla"}
    assert result["colors"] == {"red": 1, "yellow": 0, "green": 0} and result["rules"] == {"overdue": 1}
    assert AuditEvent.objects.filter(event="supervision.run").count() == 1


def test_override_set_on_the_last_day_of_a_month_reaches_the_next_run(cast, make_task, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    task = make_task(date(2023, 3, 1))
    override = services.card_override_set(actor=cast.office, task=task, color="yellow", reason="已同意延期")
    assert override.valid_until == date(2023, 4, 3)
    supervise(on=date(2023, 4, 1))
    assert Card.objects.on(date(2023, 4, 1)).get(task=task).color == "yellow"
