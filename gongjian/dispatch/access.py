"""Who sees and changes a report: exactly who sees and changes its task (campaigns.access), plus co-units' parts."""

from django.db.models import QuerySet

from gongjian.campaigns.access import can_write_task, tasks_visible_to
from gongjian.dispatch.models import ProgressReport
from gongjian.org.access import get_or_404, is_office, require


def reports_visible_to(user) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(task__in=tasks_visible_to(user))


def report_for(user, report_id, *, write: str | None = None) -> ProgressReport:
    """`write`: "edit" (the lead unit's editor or the office), "review" (the office), "contribute" (a co-unit's
    editor or the office)."""
    report = get_or_404(reports_visible_to(user).select_related("task", "period", "unit"), report_id)
    if write == "review":
        require(is_office(user))
    elif write == "edit":
        require(can_write_task(user, report.task, "report"))
    elif write == "contribute":
        require(can_write_task(user, report.task, "contribute"))
    return report
