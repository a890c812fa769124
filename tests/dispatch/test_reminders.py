import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from gongjian.campaigns import services as campaign_services
from gongjian.dispatch import jobs, services
from gongjian.dispatch.models import Reminder, ReportingPeriod
from gongjian.messaging.models import Delivery

pytestmark = pytest.mark.django_db


def test_march_reports_due_on_fifth_working_day_of_april(march):
    # April 2023: 3, 4 work; 5 is the Qingming holiday; 6, 7 work; 8, 9 weekend → the 5th is 2023-04-10.
    assert march.due_on == date(2023, 4, 10)


def test_remind_on_due_date_reaches_exactly_the_units_missing_once(cast, campaign, assigned_task, march):
    other = campaign_services.task_assign(actor=cast.office, task=campaign_services.task_create(
        actor=cast.office, campaign=campaign, title="发改任务", lead_unit=cast.unit_b, start=date(2023, 2, 1),
        deadline=date(2023, 12, 31)))
    services.report_submit(actor=cast.outsider_b, report=services.report_save(
        actor=cast.outsider_b, task=other, period=march, work_done="完成", percent="50"))
    out = StringIO()
    call_command("remind", "--date", "2023-04-10", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert (result["sent"], result["units"]) == (1, ["姜山镇"])
    assert Delivery.objects.filter(person__user=cast.editor_a).count() == 1
    assert not Delivery.objects.filter(person__user=cast.outsider_b).exists()
    again = jobs.remind(on=date(2023, 4, 10))
    assert again["sent"] == 0 and Reminder.objects.count() == 1


def test_reminder_before_due_date_is_its_own_kind(cast, assigned_task, march):
    assert jobs.remind(on=date(2023, 4, 6))["sent"] == 1  # two working days before 04-10: 04-07, 04-10
    assert jobs.remind(on=date(2023, 4, 10))["sent"] == 1
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"before", "due"}


def test_no_reminder_on_other_days(cast, assigned_task, march):
    assert jobs.remind(on=date(2023, 4, 7))["sent"] == 0


def test_open_periods_is_idempotent(db, settings):
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    jobs.open_periods(on=date(2023, 4, 3))
    jobs.open_periods(on=date(2023, 4, 3))
    assert sorted(ReportingPeriod.objects.values_list("label", flat=True)) == ["2023-03", "2023-04"]
