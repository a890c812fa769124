"""倒排工期 proposes, shows the difference, and changes nothing until the office confirms; it keeps the clerk's
dates that already meet the deadline and never reorders milestones."""

from datetime import date

import pytest

from gongjian.campaigns import services
from gongjian.campaigns.models import Milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(cast, campaign):
    task = services.task_create(actor=cast.office, campaign=campaign, title="新建污水管网", lead_unit=cast.unit_a,
                                start=date(2023, 4, 3), deadline=date(2023, 9, 28))
    design = services.milestone_create(actor=cast.office, task=task, title="设计审批", duration=0,
                                       planned_date=date(2023, 5, 12))
    build = services.milestone_create(actor=cast.office, task=task, title="开工建设", duration=0,
                                      planned_date=date(2023, 9, 15))
    late = services.milestone_create(actor=cast.office, task=task, title="竣工验收", duration=0)
    return task, design, build, late


def _dates(task):
    return {m.title: m.planned_date for m in Milestone.objects.filter(task=task)}


def test_looking_at_the_proposal_changes_nothing(cast, client_for, planned):
    task, *_ = planned
    before = _dates(task)
    page = client_for(cast.office).get(f"/tasks/{task.pk}/schedule/")
    assert page.status_code == 200
    assert "确认之前不会修改任何日期" in page.content.decode()
    assert _dates(task) == before


def test_confirming_keeps_typed_dates_and_order(cast, client_for, planned):
    task, design, build, late = planned
    _, proposed = services.task_schedule_proposal(task=task)
    form = {f"m{m.pk}": m.proposed_date.isoformat() for m in proposed}
    response = client_for(cast.office).post(f"/tasks/{task.pk}/schedule/", form)
    assert response.status_code == 302
    after = _dates(task)
    assert after["设计审批"] == date(2023, 5, 12) and after["开工建设"] == date(2023, 9, 15)
    assert after["设计审批"] < after["开工建设"] <= after["竣工验收"] <= task.deadline


def test_a_stale_confirmation_changes_nothing(cast, client_for, planned):
    task, design, *_ = planned
    before = _dates(task)
    response = client_for(cast.office).post(f"/tasks/{task.pk}/schedule/", {f"m{design.pk}": "2023-01-01"})
    assert response.status_code == 302 and response["Location"].endswith("/schedule/")
    assert _dates(task) == before


def test_only_the_office_schedules(cast, client_for, planned):
    task, *_ = planned
    assert client_for(cast.leader).get(f"/tasks/{task.pk}/schedule/").status_code == 403
    assert client_for(cast.outsider_b).get(f"/tasks/{task.pk}/schedule/").status_code == 404
    assert client_for(cast.editor_a).post(f"/tasks/{task.pk}/schedule/", {}).status_code == 403
