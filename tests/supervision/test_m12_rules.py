"""The rules a supervision office would sign (docs/rules.md): each misfire fixed here is driven through the daily
run where the bug was in the run."""

from datetime import date

import pytest

from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.dispatch import periods
from gongjian.dispatch import services as report_services
from gongjian.dispatch.models import ReportingPeriod
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Card

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_task(cast, campaign):
    def make(deadline: date = date(2023, 12, 29), title: str = "任务", start: date = date(2023, 1, 3),
             progress: int = 95):
        task = task_services.task_create(actor=cast.office, campaign=campaign, title=title, lead_unit=cast.unit_a,
                                         lead_leader=cast.leader.person, start=start, deadline=deadline)
        task = task_services.task_assign(actor=cast.office, task=task)
        Task.objects.filter(pk=task.pk).update(progress=progress)
        return task

    return make


def _rules(task, on: date) -> dict[str, str]:
    return {f["rule"]: f["color"] for f in Card.objects.on(on).get(task=task).findings}


def test_a_february_report_returned_twice_in_march_lights_yellow_through_the_run(cast, make_task, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 6)
    task = make_task()
    february = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 2, 1))
    periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 1))  # March's period runs while February's is due
    report = report_services.report_save(actor=cast.editor_a, task=task, period=february, work_done="二月进展",
                                         percent="95")
    for reason in ("数据不实", "仍缺佐证"):
        report = report_services.report_submit(actor=cast.editor_a, report=report)
        report = report_services.report_return(actor=cast.office, report=report, reason=reason)
    supervise(on=date(2023, 3, 6))
    assert _rules(task, date(2023, 3, 6)).get("returned_twice") == "yellow"
    supervise(on=date(2023, 3, 31))
    assert _rules(task, date(2023, 3, 31)).get("returned_twice") == "yellow"


def test_caught_up_needs_a_milestone_that_actually_lit_red(cast, make_task, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    was_red = make_task(title="曾亮红牌")
    never_red = make_task(title="从未亮红牌")
    for task in (was_red, never_red):
        task_services.milestone_create(actor=cast.office, task=task, title="完成设计", planned_date=date(2023, 2, 1))
    supervise(on=date(2023, 2, 28))  # 19 working days late: red for was_red; never_red had no run while late
    assert _rules(was_red, date(2023, 2, 28))["milestone_overdue"] == "red"
    Card.objects.filter(task=never_red).delete()
    for task in (was_red, never_red):
        task_services.milestone_complete(actor=cast.office, milestone=task.milestones.get(), done_on=date(2023, 3, 10))
    supervise(on=date(2023, 3, 20))
    assert _rules(was_red, date(2023, 3, 20)).get("caught_up") == "yellow"
    assert "caught_up" not in _rules(never_red, date(2023, 3, 20))


@pytest.fixture
def leaders(cast):
    from gongjian.org.models import Person, Role
    from gongjian.org.services import user_create

    def leader(username, name, principal=False):
        user = user_create(actor=None, username=username, password=cast.password, display_name=name,
                           unit=cast.leadership, roles=[Role.CITY_LEADER], is_city_leader=True)
        Person.objects.filter(pk=user.person.pk).update(is_principal_leader=principal)
        return Person.objects.get(pk=user.person.pk)

    return {"secretary": leader("secretary1", "市委书记", True), "mayor": leader("mayor1", "市长", True),
            "deputy": leader("deputy1", "分管自然资源的副市长")}


def test_blocker_escalations_name_the_leader_in_charge_then_the_principal_leader(cast, make_task, settings, leaders,
                                                                                   campaign):
    from gongjian.supervision import services
    from gongjian.supervision.models import Notice

    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    leaders["deputy"].oversees.add(cast.unit_a)
    task = make_task()
    blocker = services.blocker_raise(actor=cast.editor_a, task=task, category="land", description="用地指标未落实")
    supervise(on=date(2023, 3, 16))
    supervise(on=date(2023, 3, 31))
    first, second = Notice.objects.filter(blocker=blocker).order_by("id")
    assert first.leader == leaders["deputy"] and "分管领导协调，报分管自然资源的副市长" in first.reason
    assert second.leader == leaders["secretary"] and "主要领导协调，报市委书记" in second.reason


def test_interviews_go_to_the_principal_leaders_not_the_tasks_lead_leader(cast, make_task, leaders):
    from gongjian.supervision.models import Notice

    task = make_task(date(2023, 1, 10))
    for day in (date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 1)):
        supervise(on=day)
    interview = Notice.objects.get(task=task, kind="interview")
    assert interview.leader == leaders["secretary"] and interview.leader != task.lead_leader
    assert "报市委书记、市长" in interview.reason


def test_a_yellow_card_first_brings_a_reminder_once(cast, make_task):
    from gongjian.supervision.models import Notice

    task = make_task(date(2023, 3, 3))
    supervise(on=date(2023, 2, 28))
    supervise(on=date(2023, 2, 28))
    assert list(Notice.objects.filter(task=task).values_list("kind", flat=True)) == ["reminder"]
