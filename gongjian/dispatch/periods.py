"""Which reporting periods exist and when reports are due, on the working-day calendar."""

from datetime import date, timedelta

from django.db import transaction

from gongjian.audit.services import record
from gongjian.campaigns.models import Campaign
from gongjian.dispatch.models import ReportingPeriod
from gongjian.workdays import days


def month_bounds(on: date) -> tuple[date, date]:
    start = on.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def week_bounds(on: date) -> tuple[date, date]:
    start = on - timedelta(days=on.weekday())
    return start, start + timedelta(days=6)


DEFAULT_DUE_WORKDAY = Campaign._meta.get_field("report_due_workday").default


def month_due(end: date, workday: int = DEFAULT_DUE_WORKDAY) -> date:
    """The N-th working day of the following month."""
    return days.add(end, workday)


def report_due_on(period: ReportingPeriod, campaign: Campaign) -> date:
    """The day the period's reports of the campaign's tasks are due: a month's by the campaign's due day, as it
    stood while the period was not yet due (a later change never moves a date that has passed, nor makes a
    period overdue at once); a week's on the first working day after it, for every campaign.

    `period.due_on` is the date under the shipped default, for lists that span campaigns."""
    if period.kind != ReportingPeriod.Kind.MONTH:
        return period.due_on
    return month_report_due(period.end, campaign)


def month_report_due(end: date, campaign: Campaign) -> date:
    """report_due_on for the month ending on `end`, whether or not its period row exists yet."""
    changes = campaign.report_due_changes or []
    workday = int(changes[0]["from"]) if changes else campaign.report_due_workday
    for change in changes:
        on = date.fromisoformat(change["on"])
        if month_due(end, workday) >= on and month_due(end, int(change["to"])) >= on:
            workday = int(change["to"])
    return month_due(end, workday)


def week_due(end: date) -> date:
    """Hot tasks report weekly (一周一反馈): due on the first working day after the week."""
    return days.add(end, 1)


def period_for(kind: str, on: date) -> ReportingPeriod:
    """Get or create the period of the given kind that contains `on`."""
    if kind == ReportingPeriod.Kind.MONTH:
        start, end = month_bounds(on)
        label, due = f"{start:%Y-%m}", month_due(end)
    else:
        start, end = week_bounds(on)
        iso = start.isocalendar()
        label, due = f"{iso.year}-W{iso.week:02d}", week_due(end)
    with transaction.atomic():
        period, created = ReportingPeriod.objects.get_or_create(
            kind=kind, start=start, defaults={"label": label, "end": end, "due_on": due}
        )
        if created:
            record(actor=None, actor_name="system", event="period.open", obj=period,
                   changes={"label": label, "due_on": due})
    return period


def parse_month(text: str) -> date:
    """"2023-03" → 2023-03-01; raises ValueError with a Chinese message otherwise."""
    try:
        year, month = (int(x) for x in text.strip().split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(f"月份格式应为 YYYY-MM：{text}") from None
