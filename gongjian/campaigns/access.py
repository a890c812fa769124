"""The one place that decides who sees and changes a campaign or a task (and so its milestones, reports and cards)."""

from django.db.models import Q, QuerySet

from gongjian.campaigns.models import Campaign, Task
from gongjian.org.access import can_edit_for_unit, get_or_404, is_office, require, sees_everything, unit_id_of


def tasks_visible_to(user) -> QuerySet[Task]:
    tasks = Task.objects.all()
    if sees_everything(user):
        return tasks
    unit_id = unit_id_of(user)
    if unit_id is None:
        return tasks.none()
    # A subquery rather than a join keeps one row per task without DISTINCT.
    co_task_ids = Task.co_units.through.objects.filter(unit_id=unit_id).values("task_id")
    return tasks.filter(Q(lead_unit_id=unit_id) | Q(id__in=co_task_ids))


def task_for(user, task_id, *, write: str | None = None) -> Task:
    """Fetch a task the user may see (404 otherwise); `write` names the kind of change:
    "manage" (office only: edit, assign, schedule), "report" (the lead unit's editor or the office),
    "contribute" (an editor of the lead or a co-unit, or the office)."""
    task = get_or_404(tasks_visible_to(user).select_related("lead_unit", "campaign"), task_id)
    if write is not None:
        require(can_write_task(user, task, write))
    return task


def can_write_task(user, task: Task, kind: str) -> bool:
    if is_office(user):
        return True
    if kind == "manage":
        return False
    if kind == "report":
        return can_edit_for_unit(user, task.lead_unit_id)
    if kind == "contribute":
        unit_id = unit_id_of(user)
        return can_edit_for_unit(user, unit_id) and (
            task.lead_unit_id == unit_id or task.co_units.filter(pk=unit_id).exists()
        )
    raise ValueError(kind)


def campaign_for(user, campaign_id, *, manage: bool = False) -> Campaign:
    """A campaign the user may see: the office and city leaders every one, a unit those it has tasks in (404
    otherwise). `manage` (its settings) is the office's alone: anyone else who sees it gets 403."""
    campaigns = Campaign.objects.all()
    if not sees_everything(user):
        campaigns = campaigns.filter(id__in=tasks_visible_to(user).values("campaign_id"))
    campaign = get_or_404(campaigns, campaign_id)
    if manage:
        require(is_office(user))
    return campaign
