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
    return {f["rule"]: f["color"] for f in Card.objects.get(task=task, date=on).findings}


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
