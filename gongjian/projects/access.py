"""A project is a task: whoever sees or changes the task sees or changes the project (campaigns.access)."""

from django.db.models import QuerySet
from django.http import Http404

from gongjian.campaigns.access import can_write_task, task_for, tasks_visible_to
from gongjian.org.access import require, sees_everything, unit_id_of
from gongjian.projects.models import Project


def projects_visible_to(user) -> QuerySet[Project]:
    if sees_everything(user):
        return Project.objects.all()
    if unit_id_of(user) is None:
        return Project.objects.none()
    return Project.objects.filter(task_ptr_id__in=tasks_visible_to(user).values("id"))


def project_for(user, pk, *, write: str | None = None) -> Project:
    """Like task_for: 404 outside the user's scope (or when the task is not a project), 403 for a refused write."""
    task = task_for(user, pk)
    project = Project.objects.select_related("lead_unit", "campaign", "town", "lead_leader", "focus_area").filter(
        pk=task.pk).first()
    if project is None:
        raise Http404
    if write is not None:
        require(can_write_task(user, project, write))
    return project
