from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from gongjian import clock
from gongjian.audit.models import AuditEvent
from gongjian.campaigns.access import tasks_visible_to
from gongjian.campaigns.models import Campaign, Dependency, FocusArea, Task
from gongjian.types import User


def task_rows(queryset: QuerySet[Task]) -> QuerySet[Task]:
    """What a task list shows, loaded in a fixed number of queries whatever the page size."""
    return queryset.select_related("lead_unit", "lead_leader", "focus_area", "campaign").prefetch_related("co_units")



def campaign_overview(*, campaign: Campaign, user: User | AnonymousUser) -> list[dict]:
    tasks = task_rows(tasks_visible_to(user).filter(campaign=campaign)).order_by("focus_area__order", "id")
    by_area: dict[int | None, list[Task]] = {}
    for task in tasks:
        by_area.setdefault(task.focus_area_id, []).append(task)
    areas = [{"area": a, "tasks": by_area.get(a.id, [])} for a in FocusArea.objects.filter(campaign=campaign)]
    if by_area.get(None):
        areas.append({"area": None, "tasks": by_area[None]})
    return areas


def task_history(task: Task) -> QuerySet[AuditEvent]:
    milestone_ids = [str(pk) for pk in task.milestones.values_list("id", flat=True)]
    adjustment_ids = [str(pk) for pk in task.adjustments.values_list("id", flat=True)]
    return AuditEvent.objects.filter(
        Q(object_type="campaigns.task", object_id=str(task.pk))
        | Q(object_type="campaigns.milestone", object_id__in=milestone_ids)
        | Q(object_type="campaigns.adjustment", object_id__in=adjustment_ids)
    ).select_related("actor__person").order_by("-seq")


def task_detail(task: Task) -> dict:
    milestones = list(task.milestones.all())
    dependencies = list(
        Dependency.objects.filter(successor__task=task).select_related("predecessor", "successor")
    )
    return {
        "task": task,
        "milestones": milestones,
        "dependencies": dependencies,
        "co_units": list(task.co_units.all()),
        "adjustments": list(task.adjustments.select_related("requested_by", "decided_by")),
        "history": task_history(task)[:100],
        "today": clock.today(),
        "overdue": task.is_overdue(clock.today()),
    }

