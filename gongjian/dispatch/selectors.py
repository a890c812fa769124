from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet

from gongjian import clock
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch import periods
from gongjian.dispatch.models import ProgressReport, ReportingPeriod

State = ProgressReport.State
DONE_STATES = (State.SUBMITTED, State.APPROVED)


def tasks_due(period: ReportingPeriod, tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Open tasks that owe a report for the period: monthly for all, weekly for hot tasks (一周一反馈)."""
    tasks = Task.objects.all() if tasks is None else tasks
    tasks = tasks.filter(status__in=Task.OPEN_STATUSES, start__lte=period.end)
    if period.kind == ReportingPeriod.Kind.WEEK:
        tasks = tasks.filter(is_hot=True)
    return tasks


def live_reports(period: ReportingPeriod) -> QuerySet[ProgressReport]:
    """The current report of each task: the original, or its correction once that exists."""
    return ProgressReport.objects.filter(period=period).exclude(state=State.SUPERSEDED).filter(
        Q(superseded_by__isnull=True) | ~Q(state=State.APPROVED)
    )


@dataclass
class QueueRow:
    task: Task
    report: ProgressReport | None
    status: str  # missing, draft, submitted, returned, approved
    late: bool
    previous_percent: Decimal | None
    due_on: date

    @property
    def delta(self) -> Decimal | None:
        if self.report is None or self.previous_percent is None:
            return None
        return self.report.percent - self.previous_percent


STATUS_LABELS = {"missing": "未填报", "draft": "草稿", "submitted": "待审核", "returned": "已退回", "approved": "已审核"}


def review_queue(period: ReportingPeriod, tasks: QuerySet[Task]) -> list[QueueRow]:
    today = clock.today()
    due_tasks = list(tasks_due(period, tasks).select_related("lead_unit", "campaign").order_by("lead_unit__order", "id"))
    reports = {r.task_id: r for r in live_reports(period).filter(task__in=[t.id for t in due_tasks])}
    previous_period = (ReportingPeriod.objects.filter(kind=period.kind, start__lt=period.start)
                       .order_by("-start").first())
    previous = {}
    if previous_period is not None:
        previous = dict(ProgressReport.objects.filter(period=previous_period, state=State.APPROVED)
                        .values_list("task_id", "percent"))
    rows: list[QueueRow] = []
    due_by_campaign: dict[int, date] = {}
    for task in due_tasks:
        report = reports.get(task.id)
        status = "missing" if report is None else report.state
        if report is not None and report.supersedes_id and report.state == State.DRAFT:
            status = "draft"
        submitted_on = report.submitted_at.date() if report and report.submitted_at else None
        due_on = due_by_campaign.get(task.campaign_id) or due_by_campaign.setdefault(
            task.campaign_id, periods.report_due_on(period, task.campaign))
        late = (submitted_on or today) > due_on
        rows.append(QueueRow(task, report, status, late, previous.get(task.id), due_on))
    return rows


def units_missing(period: ReportingPeriod, tasks: QuerySet[Task] | None = None) -> dict[int, int]:
    """unit id → number of tasks (of `tasks`, default all) it leads with no submitted report for the period."""
    done = live_reports(period).filter(state__in=DONE_STATES).values("task_id")
    missing: dict[int, int] = {}
    for unit_id in tasks_due(period, tasks).exclude(id__in=done).values_list("lead_unit_id", flat=True):
        missing[unit_id] = missing.get(unit_id, 0) + 1
    return missing


def current_period(kind: str = ReportingPeriod.Kind.MONTH) -> ReportingPeriod | None:
    """The period whose reports are being filled now: the earliest started one still open for some campaign in
    progress (each campaign has its own due day), else the latest started."""
    today = clock.today()
    started = list(ReportingPeriod.objects.filter(kind=kind, start__lte=today).order_by("-start")[:3])
    campaigns = list(Campaign.objects.filter(start__lte=today, end__gte=today - timedelta(days=62)))

    def still_open(period: ReportingPeriod) -> bool:
        if not campaigns:
            return period.due_on >= today
        return any(periods.report_due_on(period, campaign) >= today for campaign in campaigns)

    return next((p for p in reversed(started) if still_open(p)), started[0] if started else None)
