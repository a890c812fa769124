"""A 督办事项 is a task: whoever sees or changes the task sees or changes the item (campaigns.access). A sub-item is
seen by whoever sees the item it was split from (the city sees the whole chain)."""

from django.db.models import QuerySet
from django.http import Http404

from gongjian.campaigns.access import can_write_task, tasks_visible_to
from gongjian.campaigns.models import Task
from gongjian.org.access import get_or_404, require, sees_everything, unit_id_of


def items_visible_to(user, model) -> QuerySet:
    if sees_everything(user):
        return model.objects.all()
    if unit_id_of(user) is None:
        return model.objects.none()
    return model.objects.filter(task_ptr_id__in=tasks_visible_to(user).values("id"))


def item_for(user, model, pk, *, write: str | None = None):
    item = get_or_404(items_visible_to(user, model).select_related("lead_unit", "campaign"), pk)
    if write is not None:
        require(can_write_task(user, item, write))
    return item


def task_in_chain_for(user, pk) -> Task:
    """A task the user sees directly, or a sub-item of one (404 otherwise)."""
    task = Task.objects.select_related("lead_unit", "parent").filter(pk=pk).first()
    node = task
    while node is not None:
        if sees_everything(user) or tasks_visible_to(user).filter(pk=node.pk).exists():
            return task
        node = node.parent
    raise Http404
