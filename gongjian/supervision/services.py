"""Writes of the supervision office and the units it supervises: overrides, blockers, notices, rules."""

import uuid
from datetime import date

from django.db import transaction

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch.models import ProgressReport
from gongjian.dispatch.periods import month_bounds
from gongjian.errors import UserError
from gongjian.messaging.services import mark_signed, unit_notify
from gongjian.org.models import Unit
from gongjian.supervision import registry
from gongjian.supervision.messages import notice_key, send_notices, sign_hours
from gongjian.supervision.models import Blocker, CardOverride, Color, Notice, Rule
from gongjian.supervision.rules import office_params, validate_params
from gongjian.types import User
from gongjian.validate import clean_text as _text
from gongjian.workdays import days

# Who clears which kind of blocker by default (Minhe county's guarantee groups); the raiser may name another unit.
RESPONSIBLE_BY_CATEGORY = {
    "land": "自然资源局", "planning": "自然资源局", "environment": "生态环境分局", "approval": "行政审批服务局",
    "bidding": "发改局", "construction_permit": "住建局", "funding": "财政局", "energy": "发改局",
    "labour": "人社局",
}


def card_override_set(*, actor: User, task: Task, color: str, reason: str) -> CardOverride:
    """The office lights a card by hand; it holds until the next reporting period starts."""
    if color not in Color.values:
        raise UserError("亮牌颜色只能是红、黄、绿", "invalid", field="color")
    reason = _text(reason, "reason", "理由", 500)
    today = clock.today()
    # Until the period ends — but at least through the next daily run, which may fall in the next month.
    valid_until = max(month_bounds(today)[1], days.add(today, 1))
    with transaction.atomic():
        override = CardOverride.objects.create(task=task, color=color, reason=reason, valid_from=today,
                                               valid_until=valid_until, created_by=actor)
        record(actor=actor, event="card.override", obj=task,
               changes={"color": color, "reason": reason, "valid_until": valid_until})
    return override


def blocker_raise(*, actor: User, task: Task, category: str, description: str, responsible_unit: Unit | None = None,
                  due_on: date | None = None, report: ProgressReport | None = None) -> Blocker:
    if category not in Blocker.Category.values:
        raise UserError(f"未知的问题类别：{category}", "invalid", field="category")
    description = _text(description, "description", "问题描述", 1000)
    if responsible_unit is None:
        name = RESPONSIBLE_BY_CATEGORY.get(category)
        responsible_unit = Unit.objects.filter(name=name).first() if name else None
        responsible_unit = responsible_unit or task.task_force or task.lead_unit
    today = clock.today()
    due_on = due_on or days.add(today, office_params("blocker")["due_days"])
    if due_on < today:
        raise UserError("办理时限不能早于今天", "invalid", field="due_on")
    person = getattr(actor, "person", None)
    with transaction.atomic():
        blocker = Blocker.objects.create(
            task=task, category=category, description=description, responsible_unit=responsible_unit,
            raised_by=actor, raised_unit=person.unit if person else None, raised_on=today, due_on=due_on,
            report=report,
        )
        record(actor=actor, event="blocker.raise", obj=blocker,
               changes={"task": task.pk, "category": category, "responsible_unit": responsible_unit.name,
                        "due_on": due_on})
        unit_notify(unit=responsible_unit, key=f"supervision.blocker:{blocker.pk}",
                    title=f"【要素保障】{blocker.get_category_display()}：{task.title}"[:200],
                    body=f"{description}\n办理时限：{due_on:%Y-%m-%d}", link=f"/blockers/{blocker.pk}/",
                    sign_hours=sign_hours())
    return blocker


def blocker_resolve(*, actor: User, blocker: Blocker, resolution: str) -> Blocker:
    resolution = _text(resolution, "resolution", "办理情况", 2000)
    with transaction.atomic():
        blocker = Blocker.objects.select_for_update().get(pk=blocker.pk)
        if blocker.state != Blocker.State.OPEN:
            raise UserError(f"该事项当前为“{blocker.get_state_display()}”", "bad_transition", status=409)
        blocker.state, blocker.resolution, blocker.resolved_on = Blocker.State.RESOLVED, resolution, clock.today()
        blocker.save(update_fields=["state", "resolution", "resolved_on"])
        record(actor=actor, event="blocker.resolve", obj=blocker, changes={"state": ["open", "resolved"]})
    return blocker


def blocker_sign_off(*, actor: User, blocker: Blocker, accept: bool, note: str = "") -> Blocker:
    """销号 by whoever raised it (or the office): accept closes it; refuse sends it back to the responsible unit."""
    with transaction.atomic():
        blocker = Blocker.objects.select_for_update().get(pk=blocker.pk)
        if blocker.state != Blocker.State.RESOLVED:
            raise UserError("只有已办结的事项才能销号", "bad_transition", status=409)
        if not accept and not (note or "").strip():
            raise UserError("退回须说明理由", "required", field="note")
        old = blocker.state
        if accept:
            blocker.state, blocker.closed_on = Blocker.State.CLOSED, clock.today()
        else:
            blocker.state, blocker.resolution = Blocker.State.OPEN, f"{blocker.resolution}\n（未销号：{note.strip()}）"
        blocker.save(update_fields=["state", "closed_on", "resolution"])
        record(actor=actor, event="blocker.sign_off" if accept else "blocker.reopen", obj=blocker,
               changes={"state": [old, blocker.state], "note": note})
    return blocker


def notice_issue(*, actor: User, task: Task, kind: str, reason: str) -> Notice:
    """A notice issued by hand — a leader's instruction may start at any step of the ladder."""
    if kind not in Notice.Kind.values:
        raise UserError("未知的通知类型", "invalid", field="kind")
    reason = _text(reason, "reason", "事由", 1000)
    with transaction.atomic():
        notice = Notice.objects.create(kind=kind, task=task, unit=task.lead_unit, leader=task.lead_leader,
                                       rule="manual", reason=reason, issued_on=clock.today(), created_by=actor,
                                       key=f"manual:{task.pk}:{uuid.uuid4().hex}")
        record(actor=actor, event="notice.issue", obj=notice, changes={"kind": kind, "task": task.pk})
        send_notices([notice])
    return notice


def notice_acknowledge(*, actor: User, notice: Notice, from_message: bool = False) -> Notice:
    """`from_message`: signed with one tap in a message, which already stopped the message's climb."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.state != Notice.State.OPEN:
            raise UserError("该通知已签收", "bad_transition", status=409)
        notice.state, notice.acknowledged_at = Notice.State.ACKNOWLEDGED, clock.now()
        notice.save(update_fields=["state", "acknowledged_at"])
        record(actor=actor, event="notice.acknowledge", obj=notice, changes={"via": "message"} if from_message else None)
        if not from_message:
            mark_signed(notice_key=notice_key(notice), person=getattr(actor, "person", None))
    return notice


def notice_reply(*, actor: User, notice: Notice, reply: str) -> Notice:
    reply = _text(reply, "reply", "回复", 3000)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.state in (Notice.State.REPLIED, Notice.State.CLOSED):
            raise UserError("该通知已回复", "bad_transition", status=409)
        notice.state, notice.reply, notice.replied_at = Notice.State.REPLIED, reply, clock.now()
        notice.acknowledged_at = notice.acknowledged_at or notice.replied_at
        notice.save(update_fields=["state", "reply", "replied_at", "acknowledged_at"])
        record(actor=actor, event="notice.reply", obj=notice)
    return notice


def interview_record(*, actor: User, notice: Notice, held_on: date, held_with: str, notes: str) -> Notice:
    if notice.kind != Notice.Kind.INTERVIEW:
        raise UserError("只有约谈通知需要登记约谈情况", "invalid", status=409)
    if held_on > clock.today():
        raise UserError("约谈日期不能晚于今天", "invalid", field="held_on")
    held_with = _text(held_with, "held_with", "约谈对象", 200)
    notes = _text(notes, "notes", "约谈情况", 3000)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        notice.interview_held_on, notice.interview_with, notice.interview_notes = held_on, held_with, notes
        notice.state = Notice.State.CLOSED
        notice.save(update_fields=["interview_held_on", "interview_with", "interview_notes", "state"])
        record(actor=actor, event="notice.interview", obj=notice, changes={"held_on": held_on, "with": held_with})
    return notice


def rule_set(*, actor: User, code: str, campaign: Campaign | None, params: dict, enabled: bool = True,
             task_kind: str = "") -> Rule:
    if registry.rule(code) is None:
        raise UserError(f"未知规则：{code}", "invalid", field="code")
    try:
        cleaned = validate_params(code, params or {})
    except ValueError as exc:
        raise UserError(str(exc), "invalid", field="params") from None
    with transaction.atomic():
        rule, _ = Rule.objects.update_or_create(code=code, campaign=campaign, task_kind=task_kind,
                                                defaults={"params": cleaned, "enabled": enabled})
        record(actor=actor, event="rule.set", obj=rule,
               changes={"campaign": campaign.pk if campaign else None, "params": cleaned, "enabled": enabled})
    return rule


def blockers_from_report(*, report: ProgressReport, actor: User) -> list[Blocker]:
    """Each problem in an approved report becomes a blocker with a responsible unit and a due date."""
    return [blocker_raise(actor=actor, task=report.task, category=p["category"], description=p["description"],
                          report=report) for p in report.problems]

