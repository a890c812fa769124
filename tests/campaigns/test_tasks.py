from datetime import date
from decimal import Decimal

import pytest

from gongjian.audit.models import AuditEvent
from gongjian.campaigns import services
from gongjian.campaigns.models import Adjustment, Task
from gongjian.errors import Conflict, UserError

pytestmark = pytest.mark.django_db


def test_new_task_starts_as_draft_and_is_audited(cast, task_a):
    assert task_a.status == Task.Status.DRAFT
    event = AuditEvent.objects.filter(object_type="campaigns.task", object_id=str(task_a.pk)).get()
    assert event.event == "task.create" and event.changes["lead_unit"] == "姜山镇"


def test_start_after_deadline_is_refused_naming_the_field(cast, campaign):
    with pytest.raises(UserError) as exc:
        services.task_create(actor=cast.office, campaign=campaign, title="x", lead_unit=cast.unit_a,
                             start=date(2023, 7, 1), deadline=date(2023, 6, 30))
    assert exc.value.field == "start"
    assert not Task.objects.exists()


def test_lead_unit_cannot_also_be_co_unit(cast, campaign):
    with pytest.raises(UserError, match="牵头单位不能同时是配合单位"):
        services.task_create(actor=cast.office, campaign=campaign, title="x", lead_unit=cast.unit_a,
                             co_units=[cast.unit_a], deadline=date(2023, 6, 30))


def test_lead_leader_must_be_a_city_leader(cast, campaign):
    with pytest.raises(UserError) as exc:
        services.task_create(actor=cast.office, campaign=campaign, title="x", lead_unit=cast.unit_a,
                             lead_leader=cast.editor_a.person, deadline=date(2023, 6, 30))
    assert exc.value.field == "lead_leader"


def test_draft_deadline_edits_freely_but_assigned_needs_adjustment(cast, task_a):
    services.task_update(actor=cast.office, task=task_a, deadline=date(2023, 7, 31))
    services.task_assign(actor=cast.office, task=task_a)
    with pytest.raises(UserError) as exc:
        services.task_update(actor=cast.office, task=task_a, deadline=date(2023, 8, 31))
    assert exc.value.code == "needs_adjustment"
    task_a.refresh_from_db()
    assert task_a.deadline == date(2023, 7, 31)


def test_adjustment_approved_changes_deadline_and_keeps_old_value(cast, task_a):
    services.task_assign(actor=cast.office, task=task_a)
    adjustment = services.adjustment_request(actor=cast.editor_a, task=task_a, changes={"deadline": date(2023, 9, 30)},
                                             reason="土地手续延后")
    services.adjustment_decide(actor=cast.office, adjustment=adjustment, approve=True)
    task_a.refresh_from_db()
    adjustment.refresh_from_db()
    assert task_a.deadline == date(2023, 9, 30)
    assert adjustment.changes == {"deadline": ["2023-06-30", "2023-09-30"]}
    assert (adjustment.status, adjustment.decided_by) == (Adjustment.Status.APPROVED, cast.office)
    events = list(AuditEvent.objects.filter(object_type="campaigns.adjustment").values_list("event", flat=True))
    assert events == ["adjustment.request", "adjustment.approve"]


def test_rejected_adjustment_needs_a_note_and_leaves_task_alone(cast, task_a):
    services.task_assign(actor=cast.office, task=task_a)
    adjustment = services.adjustment_request(actor=cast.editor_a, task=task_a, changes={"target_value": "12"},
                                             reason="目标提高")
    with pytest.raises(UserError):
        services.adjustment_decide(actor=cast.office, adjustment=adjustment, approve=False)
    services.adjustment_decide(actor=cast.office, adjustment=adjustment, approve=False, note="目标不变")
    task_a.refresh_from_db()
    assert task_a.target_value is None


def test_stale_version_gets_conflict(cast, task_a):
    services.task_update(actor=cast.office, task=task_a, expected_version=1, title="建强姜山园区（一期）")
    with pytest.raises(Conflict):
        services.task_update(actor=cast.office, task=task_a, expected_version=1, title="另一个标题")


def test_completion_refused_while_milestones_open(cast, task_a):
    services.task_assign(actor=cast.office, task=task_a)
    services.milestone_create(actor=cast.office, task=task_a, title="完成用地手续", planned_date=date(2023, 3, 31))
    with pytest.raises(UserError, match="1个节点未完成"):
        services.task_transition(actor=cast.office, task=task_a, to=Task.Status.COMPLETED)


@pytest.mark.parametrize(("start", "to"), [
    (Task.Status.DRAFT, Task.Status.COMPLETED),
    (Task.Status.DRAFT, Task.Status.IN_PROGRESS),
    (Task.Status.COMPLETED, Task.Status.IN_PROGRESS),
    (Task.Status.CANCELLED, Task.Status.ASSIGNED),
])
def test_refused_transitions(cast, task_a, start, to):
    Task.objects.filter(pk=task_a.pk).update(status=start)
    with pytest.raises(UserError) as exc:
        services.task_transition(actor=cast.office, task=task_a, to=to, reason="r")
    assert exc.value.code == "bad_transition"


def test_cancel_needs_reason(cast, task_a):
    with pytest.raises(UserError) as exc:
        services.task_transition(actor=cast.office, task=task_a, to=Task.Status.CANCELLED)
    assert exc.value.field == "reason"


def test_backward_schedule_fills_dates_on_real_calendar(cast, campaign):
    task = services.task_create(actor=cast.office, campaign=campaign, title="春节前后节点", lead_unit=cast.unit_a,
                                start=date(2023, 1, 3), deadline=date(2023, 1, 31))
    first = services.milestone_create(actor=cast.office, task=task, title="方案", duration=3)
    second = services.milestone_create(actor=cast.office, task=task, title="实施", duration=3)
    services.dependency_create(actor=cast.office, predecessor=first, successor=second)
    services.task_schedule_backward(actor=cast.office, task=task)
    first.refresh_from_db()
    second.refresh_from_db()
    # 2023-01-31, 01-30, 01-29 (make-up Sunday) for 实施; 01-28 (make-up Saturday), 01-20, 01-19 for 方案.
    assert (second.planned_start, second.planned_date) == (date(2023, 1, 29), date(2023, 1, 31))
    assert (first.planned_start, first.planned_date) == (date(2023, 1, 19), date(2023, 1, 28))
    assert first.is_critical and second.is_critical and first.total_float == 0


def test_dependency_cycle_refused_naming_milestones_and_nothing_stored(cast, task_a):
    a = services.milestone_create(actor=cast.office, task=task_a, title="设计", duration=2)
    b = services.milestone_create(actor=cast.office, task=task_a, title="施工", duration=2)
    services.dependency_create(actor=cast.office, predecessor=a, successor=b)
    with pytest.raises(UserError, match="循环依赖") as exc:
        services.dependency_create(actor=cast.office, predecessor=b, successor=a)
    assert "设计" in exc.value.message and "施工" in exc.value.message
    assert task_a.milestones.first().successor_links.count() == 1


def test_impossible_plan_refused(cast, campaign):
    task = services.task_create(actor=cast.office, campaign=campaign, title="太紧", lead_unit=cast.unit_a,
                                start=date(2023, 3, 1), deadline=date(2023, 3, 10))
    services.milestone_create(actor=cast.office, task=task, title="长工期", duration=30)
    with pytest.raises(UserError, match="计划不可行"):
        services.task_schedule_backward(actor=cast.office, task=task)


def test_overdue_never_rewrites_deadline(cast, task_a, settings):
    settings.GONGJIAN_TODAY = date(2023, 8, 1)
    services.task_assign(actor=cast.office, task=task_a)
    task_a.refresh_from_db()
    assert task_a.deadline == date(2023, 6, 30)


def test_target_value_rejects_non_numbers(cast, task_a):
    with pytest.raises(UserError) as exc:
        services.task_update(actor=cast.office, task=task_a, target_value="十")
    assert exc.value.field == "target_value"
    services.task_update(actor=cast.office, task=task_a, target_value="10.5")
    task_a.refresh_from_db()
    assert task_a.target_value == Decimal("10.50")
