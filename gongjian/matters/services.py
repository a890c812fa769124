"""Writes on 督办事项. Keyword-only, atomic, audited. Every item is a Task in its year's 日常督办 container campaign
(Task.campaign is required; the container keeps campaign pages, rules and assessment working unchanged)."""

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, F

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Campaign, Task
from gongjian.campaigns.speech import parse_speech
from gongjian.errors import Conflict, UserError
from gongjian.matters.models import Assignment, HandlingReport, Instruction, Meeting, MeetingItem, Proposal
from gongjian.org.access import can_edit_for_unit, is_office, unit_id_of
from gongjian.org.models import Person, Unit
from gongjian.types import User
from gongjian.workdays import days

_T = TypeVar("_T", bound=Task)

_text = task_services._text

MAX_SCAN_BYTES = 5 * 1024 * 1024
SCAN_SIGNATURES = (b"%PDF", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def instruction_default_workdays() -> int:
    """Without a deadline in the instruction, the lead unit has this many working days (督查室可在设置中调整)."""
    return settings.GONGJIAN_INSTRUCTION_WORKDAYS


def assignment_lead_workdays() -> int:
    return settings.GONGJIAN_ASSIGNMENT_LEAD_WORKDAYS


def container(year: int) -> Campaign:
    """The year's 日常督办 campaign, created on first use."""
    campaign, created = Campaign.objects.get_or_create(
        name=f"{year}年日常督办", defaults={"year": year, "start": date(year, 1, 1), "end": date(year, 12, 31),
                                         "description": "领导批示、会议议定、上级交办、建议提案等日常督办事项",
                                         "routine": True})
    if created:
        record(actor=None, event="campaign.create", obj=campaign, changes={"name": campaign.name, "year": year})
    return campaign


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _base(*, title: str, lead_unit: Unit | None, deadline: date, co_units: Iterable[Unit], source: str,
          description: str = "", start: date | None = None,
          lead_leader: Person | None = None) -> tuple[dict[str, Any], list[Unit]]:
    co_units = list(co_units)
    if deadline is None:
        raise UserError("「办结时限」不能为空", "required", field="deadline")
    start = start or min(clock.today(), deadline)
    campaign = container(start.year)  # the year it was assigned, even when it is due next year
    title = _text(title, "title", "事项名称", max_length=200)
    task_services._check_relations(campaign=campaign, focus_area=None, lead_unit=lead_unit, co_units=co_units,
                                   lead_leader=lead_leader, task_force=None)
    task_services._check_dates(start, deadline)
    return {"campaign": campaign, "title": title, "lead_unit": lead_unit, "deadline": deadline, "start": start,
            "source": source, "lead_leader": lead_leader,
            "description": _text(description, "description", "事项说明", max_length=5000, required=False)}, co_units


def _save(item: _T, co_units: Iterable[Unit], *, actor: User, event: str, changes: dict) -> _T:
    item.save()
    item.co_units.set(co_units)
    record(actor=actor, event=event, obj=item,
           changes={"title": item.title, "lead_unit": item.lead_unit.name, "deadline": item.deadline,
                    "co_units": [u.name for u in co_units], **changes})
    return item


def _day(value: date | None, field: str, label: str, *, required: bool = True) -> date | None:
    if value is None:
        if required:
            raise UserError(f"「{label}」不能为空", "required", field=field)
        return None
    if not 2000 <= value.year <= 2100:
        raise UserError(f"「{label}」超出合理范围（2000—2100年）", "invalid", field=field)
    return value


def _scan(scan: bytes | None) -> bytes | None:
    if scan is None:
        return None
    if len(scan) > MAX_SCAN_BYTES or not scan.startswith(SCAN_SIGNATURES):
        raise UserError("批示原件须为不超过5MB的PDF、PNG或JPEG文件", "invalid", field="scan")
    return scan


# ------------------------------------------------------------------------------------------------- 批示件


@transaction.atomic
def instruction_register(*, actor: User, leader: Person, instruction_text: str, received_on: date, title: str,
                         lead_unit: Unit, co_units: Iterable[Unit] = (), deadline: date | None = None,
                         report_title: str = "", proposed_handling: str = "", needs_signoff: bool = True,
                         scan: bytes | None = None, scan_name: str = "", description: str = "") -> Instruction:
    _day(received_on, "received_on", "收文日期")
    _day(deadline, "deadline", "办结时限", required=False)
    if received_on > clock.today():
        raise UserError("「收文日期」不能为空，也不能晚于今天", "invalid", field="received_on")
    if leader is None or not leader.is_city_leader:
        raise UserError("批示领导须为市级领导", "invalid", field="leader")
    deadline = deadline or days.add(received_on, instruction_default_workdays())
    base, co_units = _base(title=title, lead_unit=lead_unit, deadline=deadline, co_units=co_units,
                           source=Task.Source.INSTRUCTION, start=received_on, lead_leader=leader,
                           description=description)
    item = Instruction(
        **base, leader=leader, received_on=received_on, needs_signoff=needs_signoff,
        instruction_text=_text(instruction_text, "instruction_text", "批示内容", max_length=5000),
        report_title=_text(report_title, "report_title", "所批报告", max_length=200, required=False),
        proposed_handling=_text(proposed_handling, "proposed_handling", "拟办意见", max_length=2000, required=False),
        scan=_scan(scan), scan_name=_text(scan_name, "scan", "扫描件文件名", max_length=100, required=False),
    )
    return _save(item, co_units, actor=actor, event="instruction.register",
                 changes={"leader": leader.display_name, "received_on": received_on})


@transaction.atomic
def instruction_approve_handling(*, actor: User, instruction: Instruction, proposed_handling: str = "") -> Instruction:
    """The office head approves the 拟办意见; the item is then handed to its units (交办)."""
    item = Instruction.objects.select_for_update().get(pk=instruction.pk)
    if item.status != Task.Status.DRAFT:
        raise Conflict("该批示件已交办", "bad_transition")
    text = _text(proposed_handling or item.proposed_handling, "proposed_handling", "拟办意见", max_length=2000)
    Instruction.objects.filter(pk=item.pk).update(proposed_handling=text, handling_approved_by=actor,
                                                  handling_approved_at=clock.now())
    record(actor=actor, event="instruction.approve_handling", obj=item, changes={"proposed_handling": text})
    task_services.task_assign(actor=actor, task=item)
    return Instruction.objects.get(pk=item.pk)


@transaction.atomic
def instruction_sign_off(*, actor: User, instruction: Instruction) -> Instruction:
    """销号 by the leader who wrote the instruction, after the office has closed it."""
    item = Instruction.objects.select_for_update().get(pk=instruction.pk)
    person = getattr(actor, "person", None)
    if person is None or person.pk != item.leader_id:
        raise UserError("只有作出批示的领导可以销号", "forbidden", status=403)
    if item.status != Task.Status.COMPLETED or not item.needs_signoff or item.signed_off_at:
        raise Conflict("该批示件尚未办结，或无须销号、已销号", "bad_transition")
    item.signed_off_by, item.signed_off_at = actor, clock.now()
    Instruction.objects.filter(pk=item.pk).update(signed_off_by=actor, signed_off_at=item.signed_off_at)
    record(actor=actor, event="instruction.sign_off", obj=item, changes={"signed_off_at": item.signed_off_at})
    return Instruction.objects.get(pk=item.pk)


# ------------------------------------------------------------------------------------------------- 会议


def draft_meeting_items(minutes: str) -> dict:
    """The items the speech parser finds in the minutes (会议议定 / 会议要求 sections), for the office to check."""
    draft = parse_speech(minutes)
    units = {u.name: u.pk for u in Unit.objects.filter(is_active=True)}
    items = [{"title": t.text[:200], "sentence": t.sentence, "lead_unit": t.lead_unit,
              "lead_unit_id": units.get(t.lead_unit or "")}
             for area in draft.focus_areas for t in area.tasks]
    return {"items": items, "message": draft.message if not items else None}


@transaction.atomic
def meeting_create(*, actor: User, title: str, held_on: date, chair: str, minutes: str = "") -> Meeting:
    _day(held_on, "held_on", "会议日期")
    meeting = Meeting.objects.create(
        title=_text(title, "title", "会议名称", max_length=200), held_on=held_on,
        chair=_text(chair, "chair", "主持人", max_length=60),
        minutes=_text(minutes, "minutes", "会议纪要", max_length=100000, required=False))
    record(actor=actor, event="meeting.create", obj=meeting, changes={"title": meeting.title, "held_on": held_on})
    return meeting


@transaction.atomic
def meeting_item_create(*, actor: User, meeting: Meeting, title: str, lead_unit: Unit, deadline: date,
                        co_units: Iterable[Unit] = (), description: str = "", assign: bool = True) -> MeetingItem:
    _day(deadline, "deadline", "办结时限")
    if deadline < meeting.held_on:
        raise UserError(f"办结时限早于会议日期{meeting.held_on.isoformat()}", "invalid", field="deadline")
    base, co_units = _base(title=title, lead_unit=lead_unit, deadline=deadline, co_units=co_units,
                           source=Task.Source.MEETING, description=description,
                           start=min(meeting.held_on, deadline))
    item = _save(MeetingItem(**base, meeting=meeting, source_sentence=meeting.title), co_units, actor=actor,
                 event="meeting_item.create", changes={"meeting": meeting.title})
    if assign:
        task_services.task_assign(actor=actor, task=item)
    return MeetingItem.objects.get(pk=item.pk)


# ------------------------------------------------------------------------------------------------- 上级交办


@transaction.atomic
def assignment_create(*, actor: User, upstream_body: str, upstream_deadline: date, title: str, lead_unit: Unit,
                      co_units: Iterable[Unit] = (), upstream_number: str = "", lead_workdays: int | None = None,
                      description: str = "", assign: bool = True) -> Assignment:
    _day(upstream_deadline, "upstream_deadline", "上级时限")
    lead = assignment_lead_workdays() if lead_workdays is None else lead_workdays
    if not 0 <= lead <= 60:
        raise UserError("「提前工作日数」须在0—60之间", "invalid", field="lead_workdays")
    deadline = days.add(upstream_deadline, -lead) if lead else upstream_deadline
    if deadline < clock.today():
        raise UserError(f"按提前{lead}个工作日计算，本级时限{deadline.isoformat()}已过，请减少提前天数", "invalid",
                        field="lead_workdays")
    base, co_units = _base(title=title, lead_unit=lead_unit, deadline=deadline, co_units=co_units,
                           source=Task.Source.SUPERIOR, description=description)
    item = Assignment(**base, upstream_deadline=upstream_deadline, lead_workdays=lead,
                      upstream_body=_text(upstream_body, "upstream_body", "交办机关", max_length=100),
                      upstream_number=_text(upstream_number, "upstream_number", "来文文号", max_length=60,
                                            required=False))
    _save(item, co_units, actor=actor, event="assignment.create",
          changes={"upstream_body": item.upstream_body, "upstream_deadline": upstream_deadline})
    if assign:
        task_services.task_assign(actor=actor, task=item)
    return Assignment.objects.get(pk=item.pk)


@transaction.atomic
def assignment_reply(*, actor: User, assignment: Assignment, reply_text: str, replied_on: date | None = None) -> Assignment:
    """Record what the city reported upstream."""
    item = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if item.status in (Task.Status.DRAFT, Task.Status.CANCELLED):
        raise Conflict("该事项尚未交办或已撤销", "bad_transition")
    item.reply_text = _text(reply_text, "reply_text", "向上级报送情况", max_length=5000)
    item.replied_on = _day(replied_on, "replied_on", "报送日期", required=False) or clock.today()
    Assignment.objects.filter(pk=item.pk).update(reply_text=item.reply_text, replied_on=item.replied_on)
    record(actor=actor, event="assignment.reply", obj=item, changes={"replied_on": item.replied_on})
    return Assignment.objects.get(pk=item.pk)


# ------------------------------------------------------------------------------------------------- 建议提案


def proposal_deadline(assigned_on: date) -> date:
    """建议、提案自交办之日起三个月内办结答复."""
    return add_months(assigned_on, 3)


@transaction.atomic
def proposal_create(*, actor: User, kind: str, code: str, title: str, proposers: str, lead_unit: Unit,
                    co_units: Iterable[Unit] = (), joint_units: Iterable[Unit] = (), assigned_on: date | None = None,
                    description: str = "", assign: bool = True) -> Proposal:
    if kind not in Proposal.Kind.values:
        raise UserError("请选择类别（人大代表建议或政协提案）", "invalid", field="kind")
    assigned_on = _day(assigned_on, "assigned_on", "交办日期", required=False) or clock.today()
    joint_units = list(joint_units)
    if any(u.pk == lead_unit.pk for u in joint_units if lead_unit is not None):
        raise UserError("主办单位不能同时是会办单位", "invalid", field="joint_units")
    base, co_units = _base(title=title, lead_unit=lead_unit, deadline=proposal_deadline(assigned_on),
                           co_units=co_units, source=Task.Source.PROPOSAL, description=description,
                           start=assigned_on)
    code = _text(code, "code", "编号", max_length=30)
    if Proposal.objects.filter(kind=kind, code=code, campaign=base["campaign"]).exists():
        raise UserError(f"编号“{code}”已登记", "duplicate", field="code", status=409)
    item = Proposal(**base, kind=kind, code=code,
                    proposers=_text(proposers, "proposers", "领衔人及附议人", max_length=300))
    _save(item, co_units, actor=actor, event="proposal.create", changes={"kind": kind, "code": code})
    item.joint_units.set(joint_units)
    if assign:
        task_services.task_assign(actor=actor, task=item)
    return Proposal.objects.get(pk=item.pk)


def _lead_editor(actor: User, item: Task) -> None:
    if not can_edit_for_unit(actor, item.lead_unit_id):
        raise UserError("只有主办单位的填报员或督查室可以办理", "forbidden", status=403)


@transaction.atomic
def proposal_meet(*, actor: User, proposal: Proposal, met_on: date, note: str) -> Proposal:
    """面商: the lead unit met the proposer before answering."""
    item = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _lead_editor(actor, item)
    if not item.is_open:
        raise Conflict("该建议提案不在办理中", "bad_transition")
    _day(met_on, "met_on", "面商日期")
    if met_on > clock.today():
        raise UserError("「面商日期」不能为空，也不能晚于今天", "invalid", field="met_on")
    note = _text(note, "met_note", "面商情况", max_length=2000)
    Proposal.objects.filter(pk=item.pk).update(met_on=met_on, met_note=note)
    record(actor=actor, event="proposal.meet", obj=item, changes={"met_on": met_on})
    return Proposal.objects.get(pk=item.pk)


@transaction.atomic
def proposal_answer(*, actor: User, proposal: Proposal, answer_text: str, answer_class: str) -> Proposal:
    """办复: the written answer with its A/B/C class; answering closes the item (办结)."""
    item = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _lead_editor(actor, item)
    if not item.is_open:
        raise Conflict("该建议提案不在办理中", "bad_transition")
    if item.met_on is None:
        raise UserError("答复前须先与代表委员面商并登记", "needs_meeting", field="met_on", status=409)
    if answer_class not in Proposal.Answer.values:
        raise UserError("请选择答复类别（A、B或C）", "invalid", field="answer_class")
    text = _text(answer_text, "answer_text", "答复内容", max_length=20000)
    Proposal.objects.filter(pk=item.pk).update(answer_text=text, answer_class=answer_class,
                                               answered_on=clock.today())
    record(actor=actor, event="proposal.answer", obj=item, changes={"answer_class": answer_class})
    task_services.task_transition(actor=actor, task=item, to=Task.Status.COMPLETED)
    return Proposal.objects.get(pk=item.pk)


@transaction.atomic
def proposal_feedback(*, actor: User, proposal: Proposal, satisfaction: str) -> Proposal:
    """The office records the proposer's opinion of the answer (征询意见)."""
    item = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not is_office(actor):
        raise UserError("代表委员意见由督查室登记", "forbidden", status=403)
    if item.answered_on is None:
        raise Conflict("尚未答复，不能登记代表委员意见", "bad_transition")
    if satisfaction not in Proposal.Satisfaction.values:
        raise UserError("请选择满意、基本满意或不满意", "invalid", field="satisfaction")
    Proposal.objects.filter(pk=item.pk).update(satisfaction=satisfaction, satisfaction_on=clock.today())
    record(actor=actor, event="proposal.feedback", obj=item, changes={"satisfaction": satisfaction})
    return Proposal.objects.get(pk=item.pk)


# ------------------------------------------------------------------------------------------------- 共用


@transaction.atomic
def handling_report(*, actor: User, item: Task, text: str) -> HandlingReport:
    """A lead or co-unit reports how it handled the item; the first report starts it (推进中)."""
    unit_id = unit_id_of(actor)
    if is_office(actor):
        unit_id = item.lead_unit_id
    involved = unit_id is not None and (item.lead_unit_id == unit_id or item.co_units.filter(pk=unit_id).exists())
    if unit_id is None or not (involved and can_edit_for_unit(actor, unit_id)):
        raise UserError("只有承办单位的填报员可以报送办理情况", "forbidden", status=403)
    current = Task.objects.select_for_update().get(pk=item.pk)
    if not current.is_open:
        raise Conflict("该事项不在办理中", "bad_transition")
    report = HandlingReport.objects.create(task=item, unit_id=unit_id, created_by=actor, created_at=clock.now(),
                                           text=_text(text, "text", "办理情况", max_length=10000))
    record(actor=actor, event="matter.report", obj=item, changes={"unit": unit_id})
    if current.status == Task.Status.ASSIGNED:
        task_services.task_transition(actor=actor, task=current, to=Task.Status.IN_PROGRESS)
    return report


@transaction.atomic
def matter_close(*, actor: User, item: Task, on: date | None = None) -> Task:
    """办结, approved by the office once the units have reported (a sub-item by the unit that split it); open
    sub-items block it."""
    splitter = item.parent.lead_unit_id if item.parent else None
    if not (is_office(actor) or (splitter is not None and can_edit_for_unit(actor, splitter))):
        raise UserError("办结须经督查室审核", "forbidden", status=403)
    if Proposal.objects.filter(pk=item.pk).exists():
        raise Conflict("建议提案在答复代表委员时办结", "answer_closes")
    open_children = item.subtasks.filter(status__in=Task.OPEN_STATUSES).count()
    if open_children:
        raise Conflict(f"还有{open_children}项分解事项未办结", "open_subtasks")
    if not item.handling_reports.exists() and item.source != Task.Source.PROPOSAL and splitter is None:
        raise Conflict("承办单位尚未报送办理情况，不能办结", "no_report")
    task = task_services.task_transition(actor=actor, task=item, to=Task.Status.COMPLETED, on=on)
    _roll_up(task.parent_id)
    return task


# ------------------------------------------------------------------------------------------------- 分解 (市→镇→村)


@transaction.atomic
def matter_split(*, actor: User, item: Task, title: str, lead_unit: Unit, deadline: date) -> Task:
    """A town or department breaks an item assigned to it into sub-items for its own offices (or itself, naming the
    village in the title); each sub-item is due no later than the item."""
    if not can_edit_for_unit(actor, item.lead_unit_id):
        raise UserError("只有牵头单位的填报员可以分解事项", "forbidden", status=403)
    item = Task.objects.select_for_update().select_related("campaign").get(pk=item.pk)
    if not item.is_open:
        raise Conflict("该事项不在办理中，不能分解", "bad_transition")
    if lead_unit is None or (lead_unit.pk != item.lead_unit_id and lead_unit.parent_id != item.lead_unit_id):
        raise UserError("分解事项的承办单位须为本单位或下属单位", "invalid", field="lead_unit")
    _day(deadline, "deadline", "时限")
    if deadline > item.deadline:
        raise UserError(f"分解事项的时限不能晚于上级事项时限{item.deadline.isoformat()}", "invalid", field="deadline")
    child = task_services.task_create(actor=actor, campaign=item.campaign, title=title, lead_unit=lead_unit,
                                      deadline=deadline, start=min(clock.today(), deadline), source=item.source,
                                      parent=item, source_sentence=item.title)
    return task_services.task_assign(actor=actor, task=child)


def _roll_up(parent_id: int | None) -> None:
    """A parent's progress is the mean of its sub-items' (a completed sub-item counts 100)."""
    while parent_id is not None:
        mean = Task.objects.filter(parent_id=parent_id).exclude(status=Task.Status.CANCELLED) \
            .aggregate(m=Avg("progress"))["m"]
        parent = Task.objects.filter(pk=parent_id).values("parent_id", "status").first()
        if parent is None:
            return
        if mean is not None and parent["status"] in Task.OPEN_STATUSES:
            Task.objects.filter(pk=parent_id).update(progress=Decimal(mean).quantize(Decimal("0.01")),
                                                     version=F("version") + 1)
        parent_id = parent["parent_id"]
