from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from gongjian import clock
from gongjian.audit.models import AuditEvent
from gongjian.campaigns import colors as task_colors
from gongjian.campaigns.access import tasks_visible_to
from gongjian.campaigns.models import Campaign, Dependency, FocusArea, Task, task_overdue_q
from gongjian.types import User


def task_rows(queryset: QuerySet[Task]) -> QuerySet[Task]:
    """What a task list shows, loaded in a fixed number of queries whatever the page size."""
    return queryset.select_related("lead_unit", "lead_leader", "focus_area", "campaign").prefetch_related("co_units")



# The population every task total on screen counts (the cockpit, the leader's desk, the campaign page, the README):
# tasks once assigned, open or finished; drafts and cancelled tasks are not work anyone does.
COUNTED_STATUSES = (Task.Status.ASSIGNED, Task.Status.IN_PROGRESS, Task.Status.COMPLETED, Task.Status.SUSPENDED)
COLORS = ("red", "yellow", "green")


def counted_tasks(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.filter(status__in=COUNTED_STATUSES)


def task_totals(tasks: QuerySet[Task], *, on: date) -> dict[str, int]:
    """How many of `tasks` are counted, completed, overdue, and carry each card colour of the latest supervision run;
    `no_card` is the rest (completed tasks and tasks assigned after the run carry none), so the colours and
    `no_card` add up to `total`."""
    counted = counted_tasks(tasks)
    numbers = counted.aggregate(
        total=Count("id"), completed=Count("id", filter=Q(status=Task.Status.COMPLETED)),
        overdue=Count("id", filter=task_overdue_q(on)))
    by_rank = dict(task_colors.with_current_color(counted).values_list("color_rank").annotate(n=Count("id"))
                   .order_by())
    for color in COLORS:
        numbers[color] = by_rank.get(task_colors.RANK[color], 0)
    numbers["no_card"] = numbers["total"] - sum(numbers[c] for c in COLORS)
    return numbers


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

