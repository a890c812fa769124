"""Scheduled jobs (run by `gongjian worker`); each is also a command (`gongjian open-periods`, `gongjian remind`)."""

from datetime import date, timedelta

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch import periods, selectors
from gongjian.dispatch.models import Reminder, ReportingPeriod
from gongjian.messaging.services import unit_notify
from gongjian.org.models import Unit
from gongjian.workdays import days


def open_periods(*, on: date) -> list[ReportingPeriod]:
    """Make sure this month's and last month's periods exist (last month's reports are due early this month), and
    this week's when any hot task exists. Safe to run any number of times."""
    with transaction.atomic():
        result = [periods.period_for(ReportingPeriod.Kind.MONTH, on),
                  periods.period_for(ReportingPeriod.Kind.MONTH, on.replace(day=1) - timedelta(days=1))]
        if Task.objects.filter(is_hot=True, status__in=Task.OPEN_STATUSES).exists():
            result.append(periods.period_for(ReportingPeriod.Kind.WEEK, on))
    return result


def _reminders_due(on: date):
    """(period, campaign, due date, kind) of each reminder falling on `on`: a campaign's lead time (working days)
    before its due date, and on it."""
    campaigns = list(Campaign.objects.filter(tasks__status__in=Task.OPEN_STATUSES).distinct().order_by("id"))
    # A due day is at most 20 working days after the period's end.
    for period in ReportingPeriod.objects.filter(start__lte=on, end__gte=on - timedelta(days=62)):
        for campaign in campaigns:
            due_on = periods.report_due_on(period, campaign)
            before = campaign.remind_days_before
            if on == due_on:
                yield period, campaign, due_on, Reminder.Kind.DUE
            elif before and on == days.add(due_on, -before):
                yield period, campaign, due_on, Reminder.Kind.BEFORE


def remind(*, on: date) -> dict:
    """Remind units with unsubmitted reports before the due date and on it, by each campaign's settings; once per
    kind."""
    sent, units = 0, []
    for period, campaign, due_on, kind in _reminders_due(on):
        missing = selectors.units_missing(period, Task.objects.filter(campaign=campaign))
        unit_by_id = Unit.objects.in_bulk(list(missing))
        for unit_id, count in sorted(missing.items()):
            with transaction.atomic():
                reminder, created = Reminder.objects.get_or_create(
                    period=period, campaign=campaign, unit_id=unit_id, kind=kind,
                    defaults={"sent_on": on, "missing": count},
                )
                if not created:
                    continue
                due = f"{due_on.year}年{due_on.month}月{due_on.day}日"
                title = f"{period.title}进展填报{'今日截止' if kind == Reminder.Kind.DUE else '即将截止'}"
                body = f"贵单位在“{campaign.name}”中尚有{count}项任务未提交{period.title}进展，截止时间{due}。"
                unit = unit_by_id[unit_id]
                reminder.channels = unit_notify(unit=unit, key=f"dispatch.reminder:{reminder.pk}", title=title,
                                                body=body, link="/dispatch/mine/", climb=False)
                reminder.save(update_fields=["channels"])
                record(actor=None, actor_name="system", event="reminder.send", obj=reminder,
                       changes={"period": period.label, "unit": unit.name, "kind": kind, "missing": count})
            sent += 1
            units.append(unit_by_id[unit_id].name)
    return {"date": on.isoformat(), "sent": sent, "units": units}


@db_periodic_task(crontab(minute="10", hour="0"))
def open_periods_daily():
    open_periods(on=clock.today())


@db_periodic_task(crontab(minute="30", hour="8"))
def remind_daily():
    remind(on=clock.today())
