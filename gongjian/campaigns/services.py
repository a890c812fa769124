"""Writes on campaigns, tasks, milestones and dependencies. Keyword-only, atomic, audited."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns import scheduling
from gongjian.campaigns.models import Adjustment, Campaign, Dependency, FocusArea, Milestone, Task
from gongjian.errors import Conflict, UserError
from gongjian.org.models import Person, Unit
from gongjian.types import User
from gongjian.validate import clean_text as _text
from gongjian.workdays import days

# Changing these after assignment needs the supervision office's approval (调整须审批).
PROTECTED_FIELDS = ("deadline", "lead_unit", "indicator", "indicator_unit", "target_value")
EDITABLE_FIELDS = (
    "title", "description", "focus_area", "source", "source_sentence", "lead_leader", "task_force", "start",
    "is_hot", "parent", *PROTECTED_FIELDS,
)
TRANSITIONS: dict[str, set[str]] = {
    Task.Status.DRAFT: {Task.Status.ASSIGNED, Task.Status.CANCELLED},
    Task.Status.ASSIGNED: {Task.Status.IN_PROGRESS, Task.Status.COMPLETED, Task.Status.SUSPENDED, Task.Status.CANCELLED},
    Task.Status.IN_PROGRESS: {Task.Status.COMPLETED, Task.Status.SUSPENDED, Task.Status.CANCELLED},
    Task.Status.SUSPENDED: {Task.Status.IN_PROGRESS, Task.Status.CANCELLED},
    Task.Status.COMPLETED: set(),
    Task.Status.CANCELLED: set(),
}


def _decimal(value: object, field: str, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise UserError(f"「{label}」必须是数字", "invalid", field=field) from None
    if not number.is_finite() or abs(number) >= Decimal("1e16"):
        raise UserError(f"「{label}」数值超出范围", "invalid", field=field)
    return number.quantize(Decimal("0.01"))


def _check_dates(start: date, deadline: date, campaign: Campaign | None = None) -> None:
    if start > deadline:
        raise UserError(f"开始日期{start.isoformat()}晚于办结时限{deadline.isoformat()}", "invalid", field="start")
    if deadline.year > 2100 or start.year < 2000:
        raise UserError("日期超出合理范围（2000—2100年）", "invalid", field="deadline")


def _snapshot(task: Task) -> dict:
    data = {f: getattr(task, f + "_id") if f in ("focus_area", "lead_leader", "lead_unit", "task_force", "parent")
            else getattr(task, f) for f in EDITABLE_FIELDS}
    return data


def _diff(before: dict, after: dict) -> dict:
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


def campaign_create(
    *, actor: User, name: str, year: int, start: date, end: date, description: str = "", speech: str = ""
) -> Campaign:
    name = _text(name, "name", "名称", max_length=100)
    if start > end:
        raise UserError("开始日期晚于结束日期", "invalid", field="start")
    if Campaign.objects.filter(name=name).exists():
        raise UserError(f"攻坚行动“{name}”已存在", "duplicate", field="name", status=409)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name, year=year, start=start, end=end, description=description, speech=speech
        )
        record(actor=actor, event="campaign.create", obj=campaign, changes={"name": name, "year": year})
    return campaign


def _whole_number(value: object, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise UserError(f"「{label}」必须是整数", "invalid", field=field) from None
    if not low <= number <= high:
        raise UserError(f"「{label}」应在{low}到{high}之间", "invalid", field=field)
    return number


def campaign_settings_update(*, actor: User, campaign: Campaign, report_due_workday: int | str,
                             remind_days_before: int | str) -> Campaign:
    """The office's settings of one campaign. A new due day reaches only the periods not yet due today."""
    due = _whole_number(report_due_workday, "report_due_workday", "月度填报截止（次月第几个工作日）", 1, 20)
    remind = _whole_number(remind_days_before, "remind_days_before", "截止前几个工作日提醒", 0, 10)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = {"report_due_workday": campaign.report_due_workday, "remind_days_before": campaign.remind_days_before}
        after = {"report_due_workday": due, "remind_days_before": remind}
        changes = _diff(before, after)
        if not changes:
            return campaign
        if due != campaign.report_due_workday:
            campaign.report_due_changes = [*campaign.report_due_changes,
                                           {"on": clock.today().isoformat(), "from": campaign.report_due_workday,
                                            "to": due}]
        campaign.report_due_workday, campaign.remind_days_before = due, remind
        campaign.save(update_fields=["report_due_workday", "remind_days_before", "report_due_changes"])
        record(actor=actor, event="campaign.settings", obj=campaign, changes=changes)
    return campaign


def focus_area_create(*, actor: User, campaign: Campaign, title: str, sentence: str = "", order: int | None = None) -> FocusArea:
    title = _text(title, "title", "重点方向", max_length=100)
    if campaign.focus_areas.filter(title=title).exists():
        raise UserError(f"重点方向“{title}”已存在", "duplicate", field="title", status=409)
    with transaction.atomic():
        area = FocusArea.objects.create(
            campaign=campaign, title=title, sentence=sentence,
            order=order if order is not None else campaign.focus_areas.count() + 1,
        )
        record(actor=actor, event="focus_area.create", obj=area, changes={"title": title})
    return area


def _check_relations(*, campaign: Campaign, focus_area: FocusArea | None, lead_unit: Unit | None,
                     co_units: Iterable[Unit], lead_leader: Person | None, task_force: Unit | None) -> None:
    if focus_area is not None and focus_area.campaign_id != campaign.id:
        raise UserError("重点方向不属于该攻坚行动", "invalid", field="focus_area")
    if lead_unit is None:
        raise UserError("「牵头单位」不能为空", "required", field="lead_unit")
    if not lead_unit.is_active:
        raise UserError(f"牵头单位“{lead_unit.name}”已停用", "invalid", field="lead_unit")
    if any(u.pk == lead_unit.pk for u in co_units):
        raise UserError("牵头单位不能同时是配合单位", "invalid", field="co_units")
    if lead_leader is not None and not lead_leader.is_city_leader:
        raise UserError(f"“{lead_leader.display_name}”不是市级领导", "invalid", field="lead_leader")
    if task_force is not None and task_force.kind != Unit.Kind.TASK_FORCE:
        raise UserError(f"“{task_force.name}”不是专班", "invalid", field="task_force")


def task_create(
    *,
    actor: User,
    campaign: Campaign,
    title: str,
    lead_unit: Unit | None,
    deadline: date,
    start: date | None = None,
    focus_area: FocusArea | None = None,
    co_units: Iterable[Unit] = (),
    lead_leader: Person | None = None,
    task_force: Unit | None = None,
    source: str = Task.Source.CAMPAIGN,
    source_sentence: str = "",
    description: str = "",
    indicator: str = "",
    indicator_unit: str = "",
    target_value: object = None,
    is_hot: bool = False,
    parent: Task | None = None,
) -> Task:
    co_units = list(co_units)
    title = _text(title, "title", "任务名称", max_length=200)
    if source not in Task.Source.values:
        raise UserError(f"未知的任务来源：{source}", "invalid", field="source")
    _check_relations(campaign=campaign, focus_area=focus_area, lead_unit=lead_unit, co_units=co_units,
                     lead_leader=lead_leader, task_force=task_force)
    assert lead_unit is not None  # refused above without one
    start = start or max(campaign.start, min(clock.today(), deadline))
    _check_dates(start, deadline)
    with transaction.atomic():
        task = Task.objects.create(
            campaign=campaign, focus_area=focus_area, title=title, lead_unit=lead_unit, deadline=deadline,
            start=start, lead_leader=lead_leader, task_force=task_force, source=source,
            source_sentence=source_sentence, description=_text(description, "description", "任务描述",
                                                               max_length=5000, required=False),
            indicator=_text(indicator, "indicator", "量化指标", max_length=100, required=False),
            indicator_unit=_text(indicator_unit, "indicator_unit", "指标单位", max_length=20, required=False),
            target_value=_decimal(target_value, "target_value", "目标值"), is_hot=is_hot, parent=parent,
        )
        task.co_units.set(co_units)
        record(actor=actor, event="task.create", obj=task,
               changes={"title": title, "lead_unit": lead_unit.name, "deadline": deadline,
                        "co_units": [u.name for u in co_units]})
    return task


def _lock(task: Task, expected_version: int | None) -> Task:
    """Lock the row and check nobody changed it since the caller read it (one wins, the other gets 409)."""
    current = Task.objects.select_for_update().get(pk=task.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict("该任务已被他人修改，请刷新后重试", "conflict")
    return current


def task_update(*, actor: User, task: Task, expected_version: int | None = None,
                co_units: Iterable[Unit] | None = None, **fields: Any) -> Task:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise UserError(f"不能修改字段：{'、'.join(sorted(unknown))}", "invalid", field=sorted(unknown)[0])
    with transaction.atomic():
        task = _lock(task, expected_version)
        if task.status != Task.Status.DRAFT:
            blocked = [f for f in PROTECTED_FIELDS if f in fields and _value(task, f) != _value_of(fields[f])]
            if blocked:
                raise UserError("任务已交办，调整办结时限、牵头单位或目标须提交调整申请，由督查室审批", "needs_adjustment",
                                field=blocked[0], status=409)
        before = _snapshot(task)
        for name, value in fields.items():
            if name in ("title",):
                value = _text(value, name, "任务名称", max_length=200)
            if name == "target_value":
                value = _decimal(value, name, "目标值")
            setattr(task, name, value)
        new_co_units = list(co_units) if co_units is not None else list(task.co_units.all())
        _check_relations(campaign=task.campaign, focus_area=task.focus_area, lead_unit=task.lead_unit,
                         co_units=new_co_units, lead_leader=task.lead_leader, task_force=task.task_force)
        _check_dates(task.start, task.deadline)
        task.version = F("version") + 1
        task.save()
        task.refresh_from_db()
        changes = _diff(before, _snapshot(task))
        if co_units is not None:
            old = sorted(task.co_units.values_list("name", flat=True))
            task.co_units.set(new_co_units)
            new = sorted(u.name for u in new_co_units)
            if old != new:
                changes["co_units"] = [old, new]
        record(actor=actor, event="task.update", obj=task, changes=changes)
    return task


def _value(task: Task, field: str) -> object:
    return getattr(task, field + "_id") if field == "lead_unit" else getattr(task, field)


def _value_of(value: object) -> object:
    """A submitted value in the form the task stores it, so "unchanged" is not mistaken for a change."""
    if isinstance(value, Unit):
        return value.pk
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return value


def task_transition(*, actor: User, task: Task, to: str, reason: str = "", on: date | None = None) -> Task:
    with transaction.atomic():
        task = _lock(task, None)
        if to not in TRANSITIONS.get(task.status, set()):
            raise UserError(
                f"任务当前状态为“{task.get_status_display()}”，不能变更为“{Task.Status(to).label}”", "bad_transition",
                status=409,
            )
        if to == Task.Status.CANCELLED and not (reason or "").strip():
            raise UserError("撤销任务须填写理由", "required", field="reason")
        if to == Task.Status.COMPLETED:
            open_count = task.milestones.filter(done_on__isnull=True).count()
            if open_count:
                raise UserError(f"还有{open_count}个节点未完成，不能办结", "open_milestones", status=409)
            task.completed_on = on or clock.today()
            task.progress = Decimal("100")
        old = task.status
        task.status = to
        task.version = F("version") + 1
        task.save()
        task.refresh_from_db()
        record(actor=actor, event=f"task.{to}", obj=task, changes={"status": [old, to], "reason": reason})
    return task


def task_assign(*, actor: User, task: Task) -> Task:
    """Hand a draft to its lead unit (交办); from now on deadline, lead unit and target change only by adjustment."""
    return task_transition(actor=actor, task=task, to=Task.Status.ASSIGNED)


def milestone_create(
    *, actor: User, task: Task, title: str, planned_date: date | None = None, duration: int = 0,
    weight: object = Decimal("1"), order: int | None = None,
) -> Milestone:
    title = _text(title, "title", "节点名称", max_length=200)
    if duration < 0 or duration > 2000:
        raise UserError("「工期」必须是0—2000之间的工作日数", "invalid", field="duration")
    weight = _decimal(weight, "weight", "权重")
    if weight is None or weight < 0:
        raise UserError("「权重」不能为负数", "invalid", field="weight")
    if planned_date is not None and planned_date > task.deadline:
        raise UserError(
            f"节点计划完成日期{planned_date.isoformat()}晚于任务办结时限{task.deadline.isoformat()}", "invalid",
            field="planned_date",
        )
    with transaction.atomic():
        milestone = Milestone.objects.create(
            task=task, title=title, planned_date=planned_date, duration=duration, weight=weight,
            order=order if order is not None else task.milestones.count() + 1,
        )
        record(actor=actor, event="milestone.create", obj=milestone,
               changes={"task": task.pk, "title": title, "planned_date": planned_date})
    return milestone


def milestone_complete(*, actor: User, milestone: Milestone, done_on: date, evidence: str = "") -> Milestone:
    if done_on > clock.today():
        raise UserError("完成日期不能晚于今天", "invalid", field="done_on")
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.done_on is not None:
            raise UserError(f"节点“{milestone.title}”已于{milestone.done_on.isoformat()}完成", "already_done", status=409)
        milestone.done_on = done_on
        milestone.evidence = evidence
        milestone.save(update_fields=["done_on", "evidence"])
        record(actor=actor, event="milestone.complete", obj=milestone,
               changes={"task": milestone.task_id, "done_on": done_on})
    return milestone


def dependency_create(*, actor: User, predecessor: Milestone, successor: Milestone, type: str = "FS", lag: int = 0) -> Dependency:
    if predecessor.task_id != successor.task_id:
        raise UserError("依赖只能建立在同一任务的节点之间", "invalid", field="successor")
    if predecessor.pk == successor.pk:
        raise UserError("节点不能依赖自身", "invalid", field="successor")
    if type not in Dependency.Type.values:
        raise UserError(f"未知的依赖类型：{type}", "invalid", field="type")
    if abs(lag) > 1000:
        raise UserError("「间隔」超出范围", "invalid", field="lag")
    with transaction.atomic():
        if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
            raise UserError("该依赖已存在", "duplicate", status=409)
        dependency = Dependency.objects.create(predecessor=predecessor, successor=successor, type=type, lag=lag)
        _network_for(predecessor.task)  # raises ScheduleError naming the milestones when this closes a cycle
        record(actor=actor, event="dependency.create", obj=dependency,
               changes={"predecessor": predecessor.pk, "successor": successor.pk, "type": type, "lag": lag})
    return dependency


def _network_for(task: Task) -> tuple[list[scheduling.Activity], list[scheduling.Link]]:
    milestones = list(task.milestones.all())
    links = Dependency.objects.filter(predecessor__task=task)
    activities = [scheduling.Activity(key=m.pk, title=m.title, duration=m.duration) for m in milestones]
    network_links = [scheduling.Link(pred=d.predecessor_id, succ=d.successor_id, type=scheduling.DepType(d.type),
                                     lag=d.lag) for d in links]
    # Validate the network now (cycles) so that nothing unschedulable is ever stored.
    scheduling.schedule_forward(activities, network_links, start=task.start, calendar=days.calendar())
    return activities, network_links


def _propose(task: Task) -> tuple[scheduling.Schedule, list[Milestone]]:
    """Backward scheduling gives each milestone its latest date that still meets the deadline. A date the clerk
    typed that is no later than that (and not before the task starts) is kept: only dates that are missing or too
    late move, so the proposal never piles the milestones on the deadline or reorders them."""
    milestones = list(task.milestones.all())
    activities, links = _network_for(task)
    schedule = scheduling.schedule_backward(activities, links, deadline=task.deadline, calendar=days.calendar(),
                                            start=task.start)
    for m in milestones:
        slot = schedule.slots[m.pk]
        m.proposed_float, m.proposed_critical = slot.total_float, slot.critical
        if m.planned_date and task.start <= m.planned_date <= slot.late_finish:
            m.proposed_date = m.planned_date
            m.proposed_start = m.planned_start if m.planned_start and m.planned_start <= m.planned_date else (
                m.planned_date if m.duration <= 1 else max(task.start, days.add(m.planned_date, 1 - m.duration)))
        else:
            m.proposed_start, m.proposed_date = slot.late_start, slot.late_finish
    return schedule, milestones


def task_schedule_proposal(*, task: Task) -> tuple[scheduling.Schedule, list[Milestone]]:
    """倒排工期 as a proposal: the milestones with `proposed_start`/`proposed_date` beside their current plan;
    nothing is written."""
    return _propose(task)


def task_schedule_backward(*, actor: User, task: Task, expected: dict[int, str] | None = None) -> scheduling.Schedule:
    """倒排工期 confirmed: store the proposal. `expected` (milestone id → proposed finish, ISO) is what the office
    saw; if the milestones changed since, nothing is stored and the office looks again."""
    with transaction.atomic():
        task = _lock(task, None)
        schedule, milestones = _propose(task)
        if expected is not None and expected != {m.pk: m.proposed_date.isoformat() for m in milestones}:
            raise Conflict("节点在此期间有变化，请重新查看倒排结果后再确认", "stale")
        for m in milestones:
            m.planned_start, m.planned_date = m.proposed_start, m.proposed_date
            m.total_float, m.is_critical = m.proposed_float, m.proposed_critical
        Milestone.objects.bulk_update(milestones, ["planned_start", "planned_date", "total_float", "is_critical"])
        record(actor=actor, event="task.schedule_backward", obj=task,
               changes={"start": schedule.start, "finish": schedule.finish, "critical": schedule.critical_path})
    return schedule


def adjustment_request(*, actor: User, task: Task, changes: dict, reason: str) -> Adjustment:
    reason = _text(reason, "reason", "调整理由", max_length=1000)
    task = Task.objects.get(pk=task.pk)
    if task.status == Task.Status.DRAFT:
        raise UserError("草稿任务可直接修改，无需申请调整", "not_needed", status=409)
    allowed = {"deadline", "lead_unit", "target_value", "indicator", "indicator_unit"}
    if not changes or set(changes) - allowed:
        raise UserError("只能申请调整办结时限、牵头单位或目标", "invalid", field="changes")
    if task.adjustments.filter(status=Adjustment.Status.PENDING).exists():
        raise UserError("该任务已有待审批的调整申请", "duplicate", status=409)
    normalized = {}
    for field, new in changes.items():
        if field == "deadline":
            if isinstance(new, str):
                try:
                    new = date.fromisoformat(new)
                except ValueError:
                    raise UserError("「办结时限」不是有效日期", "invalid", field="deadline") from None
            _check_dates(task.start, new)
            normalized[field] = [task.deadline.isoformat(), new.isoformat()]
        elif field == "lead_unit":
            unit = new if isinstance(new, Unit) else Unit.objects.filter(pk=new).first()
            if unit is None:
                raise UserError("「牵头单位」不存在", "invalid", field="lead_unit")
            normalized[field] = [task.lead_unit_id, unit.pk]
        elif field == "target_value":
            normalized[field] = [str(task.target_value) if task.target_value is not None else None,
                                 str(_decimal(new, field, "目标值"))]
        else:
            normalized[field] = [getattr(task, field), _text(new, field, field, max_length=100, required=False)]
    with transaction.atomic():
        adjustment = Adjustment.objects.create(task=task, changes=normalized, reason=reason, requested_by=actor)
        record(actor=actor, event="adjustment.request", obj=adjustment, changes={"task": task.pk, **normalized})
    return adjustment


def adjustment_decide(*, actor: User, adjustment: Adjustment, approve: bool, note: str = "") -> Adjustment:
    if not approve and not (note or "").strip():
        raise UserError("驳回调整申请须填写意见", "required", field="note")
    with transaction.atomic():
        adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if adjustment.status != Adjustment.Status.PENDING:
            raise UserError("该调整申请已审批", "already_decided", status=409)
        task = _lock(adjustment.task, None)
        if approve:
            for field, (_, new) in adjustment.changes.items():
                if field == "deadline":
                    task.deadline = date.fromisoformat(new)
                elif field == "lead_unit":
                    task.lead_unit_id = new
                elif field == "target_value":
                    task.target_value = Decimal(new) if new not in (None, "None") else None
                else:
                    setattr(task, field, new)
            task.version = F("version") + 1
            task.save()
        adjustment.status = Adjustment.Status.APPROVED if approve else Adjustment.Status.REJECTED
        adjustment.decided_by = actor
        adjustment.decided_at = clock.now()
        adjustment.decision_note = note
        adjustment.save()
        record(actor=actor, event="adjustment.approve" if approve else "adjustment.reject", obj=adjustment,
               changes={"task": task.pk, **(adjustment.changes if approve else {}), "note": note})
    return adjustment


def campaign_accept_draft(*, actor: User, campaign: Campaign, areas: list[dict], deadline: date) -> list[Task]:
    """Turn an edited speech draft into focus areas and draft tasks, keeping each task's source sentence.

    `areas`: [{"title", "sentence", "tasks": [{"text", "sentence", "lead_unit": Unit, "lead_leader": Person|None}]}].
    All or nothing: one bad item leaves the campaign untouched."""
    if not any(area["tasks"] for area in areas):
        raise UserError("没有要导入的任务", "empty")
    created = []
    with transaction.atomic():
        existing = {a.title: a for a in campaign.focus_areas.all()}
        for area in areas:
            title = _text(area["title"], "title", "重点方向", max_length=100)
            focus = existing.get(title) or focus_area_create(actor=actor, campaign=campaign, title=title,
                                                             sentence=area.get("sentence", ""))
            existing[title] = focus
            for item in area["tasks"]:
                text = _text(item["text"], "text", "任务内容", max_length=5000)
                created.append(task_create(
                    actor=actor, campaign=campaign, focus_area=focus, title=text[:200], description=text,
                    source_sentence=item.get("sentence", ""), lead_unit=item["lead_unit"],
                    lead_leader=item.get("lead_leader"), deadline=min(deadline, campaign.end),
                ))
    return created
