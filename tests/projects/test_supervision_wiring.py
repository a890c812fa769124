"""The project rules inside the daily supervision run: projects registers them with supervision's rule registry."""

from datetime import date

import pytest

from gongjian.campaigns import services as task_services
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Card, Rule

pytestmark = pytest.mark.django_db
DAY = date(2023, 3, 31)


def _findings(task) -> dict[str, str]:
    return {f["rule"]: f["color"] for f in Card.objects.on(DAY).get(task=task).findings}


def test_the_run_lights_project_rules_on_projects_only(make_project, task_a, cast):
    project = make_project(planned_start=date(2022, 12, 1), planned_completion=date(2023, 12, 31), plan=False)
    task_services.task_assign(actor=cast.office, task=task_a)
    supervise(on=DAY)
    assert _findings(project)["not_started"] == "red"
    assert "not_started" not in _findings(task_a)


def test_a_project_rule_can_be_switched_off_for_projects(make_project):
    project = make_project(planned_start=date(2022, 12, 1), planned_completion=date(2023, 12, 31), plan=False)
    Rule.objects.create(code="not_started", campaign=None, task_kind="project", enabled=False)
    supervise(on=DAY)
    assert "not_started" not in _findings(project)
