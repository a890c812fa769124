"""Writes on tickets, categories, duty lists and Open311 keys. Keyword-only, atomic, audited.

Ticket states (docs/architecture.md): received → assigned (派单) → signed → in_progress → replied → visited → closed;
assigned → returned (the unit asks with a reason within 2 working days, the dispatcher approves) → assigned
(reassigned); replied → visited (unsatisfied) → in_progress (redo); a held ticket may be extended once, by the
dispatcher's approval. Every step writes a timeline event and an audit event in one transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Campaign, Task
from gongjian.errors import Conflict, UserError
from gongjian.frontline import selectors, sla
from gongjian.frontline.messages import assign_key
from gongjian.frontline.models import (
    Assignment,
    Category,
    CategoryAttribute,
    Idea,
    Open311Key,
    PointsEntry,
    Ticket,
    TicketEvent,
    TicketRequest,
    Visit,
)
from gongjian.frontline.text import new_code
from gongjian.messaging.services import contact_notify, unit_notify
from gongjian.org.models import Grid, Person, Unit
from gongjian.types import User
from gongjian.validate import clean_text as _text
from gongjian.workdays import days

State = Ticket.State
MAX_TEXT = 4000
MAX_REPLY = 2000
_PHONE = re.compile(r"^\+?[\d\- ]{5,20}$")
_PHOTO_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
ASSIGNABLE_KINDS = (Unit.Kind.TOWN, Unit.Kind.STREET, Unit.Kind.ZONE, Unit.Kind.DEPARTMENT, Unit.Kind.TASK_FORCE)


# ---------------------------------------------------------------- validation helpers


def _phone(value: str, field: str = "contact_phone") -> str:
    value = (value or "").strip()
    if value and not _PHONE.match(value):
        raise UserError("「联系电话」格式不正确", "invalid", field=field)
    return value


def _email(value: str, field: str = "contact_email") -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise UserError("「电子邮箱」格式不正确", "invalid", field=field) from None
    return value


def _coordinate(value: object, field: str, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        raise UserError("「位置」坐标必须是数字", "invalid", field=field) from None
    if not low <= number <= high:
        raise UserError("「位置」坐标超出范围", "invalid", field=field)
    return number


def _media_url(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise UserError("「图片链接」不是有效的网址", "invalid", field="media_url") from None
        if len(value) > 500:
            raise UserError("「图片链接」过长", "too_long", field="media_url")
    return value


def _check_photo(upload: File) -> None:
    if upload.size > MAX_PHOTO_BYTES:
        raise UserError("照片不能超过10MB", "too_large", field="photo")
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(_PHOTO_SIGNATURES):
        raise UserError("照片只能是JPG或PNG图片", "bad_type", field="photo")


def clean_attributes(category: Category, values: Mapping[str, object],
                     attributes: Iterable[CategoryAttribute] | None = None) -> dict:
    """Check a ticket's answers against its category's attributes; unknown codes are dropped."""
    cleaned: dict[str, object] = {}
    for attribute in attributes if attributes is not None else category.attributes.all():
        raw = values.get(attribute.code)
        items = [str(v).strip() for v in raw] if isinstance(raw, list | tuple) else (
            [] if raw in (None, "") else [str(raw).strip()])
        items = [v for v in items if v]
        field = f"attribute[{attribute.code}]"
        if not items:
            if attribute.required and attribute.variable:
                raise UserError(f"「{attribute.description}」不能为空", "required", field=field)
            continue
        cleaned[attribute.code] = _attribute_value(attribute, items, field)
    return cleaned


def _attribute_value(attribute: CategoryAttribute, items: list[str], field: str) -> str | list[str]:
    kind = attribute.datatype
    if kind in (CategoryAttribute.Datatype.SINGLE, CategoryAttribute.Datatype.MULTI):
        keys = {str(v.get("key")) for v in attribute.values}
        if any(item not in keys for item in items) or (kind == CategoryAttribute.Datatype.SINGLE and len(items) > 1):
            raise UserError(f"「{attribute.description}」的选项无效", "invalid", field=field)
        return items if kind == CategoryAttribute.Datatype.MULTI else items[0]
    value = items[0]
    if kind == CategoryAttribute.Datatype.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise UserError(f"「{attribute.description}」必须是数字", "invalid", field=field) from None
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise UserError(f"「{attribute.description}」数值超出范围", "invalid", field=field)
        return str(number)
    if kind == CategoryAttribute.Datatype.DATETIME:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise UserError(f"「{attribute.description}」不是有效的日期时间", "invalid", field=field) from None
        return value
    limit = 200 if kind == CategoryAttribute.Datatype.STRING else 2000
    if len(value) > limit:
        raise UserError(f"「{attribute.description}」不能超过{limit}个字", "too_long", field=field)
    return value


# ---------------------------------------------------------------- shared plumbing


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("category", "unit").get(pk=ticket.pk)


def _require_state(ticket: Ticket, *states: str, action: str) -> None:
    if ticket.state not in states:
        raise UserError(f"工单当前状态为“{ticket.get_state_display()}”，不能{action}", "bad_transition", status=409)


def _event(ticket: Ticket, kind: str, actor: User | AnonymousUser | None, *, note: str = "", public: bool = False, unit: Unit | None = None,
           at: datetime | None = None) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=kind, at=at or clock.now(), actor=_user(actor),
                                      unit=unit, note=note, public=public)


def _user(actor: User | AnonymousUser | None) -> User | None:
    return cast(User, actor) if actor is not None and getattr(actor, "is_authenticated", False) else None


def _save(ticket: Ticket, fields: list[str]) -> Ticket:
    ticket.version = F("version") + 1
    ticket.save(update_fields=[*fields, "version"])
    ticket.refresh_from_db()
    return ticket


def _pending(ticket: Ticket) -> TicketRequest | None:
    return ticket.requests.filter(status=TicketRequest.Status.PENDING).first()


def _active_assignment(ticket: Ticket) -> Assignment | None:
    return ticket.assignments.filter(outcome=Assignment.Outcome.ACTIVE).order_by("-assigned_at", "-id").first()


def _unique_code(model: type[Idea], field: str = "code") -> str:
    for _ in range(10):
        code = new_code()
        if not model.objects.filter(**{field: code}).exists():
            return code
    raise RuntimeError("could not draw a unique code")  # 31^10 codes: unreachable in practice


# ---------------------------------------------------------------- intake


def ticket_create(
    *,
    actor: User | AnonymousUser | None,
    category: Category,
    text: str,
    source: str,
    town: Unit | None = None,
    grid: Grid | None = None,
    address: str = "",
    address_id: str = "",
    zipcode: str = "",
    lat: object = None,
    lng: object = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    device_id: str = "",
    account_id: str = "",
    attributes: Mapping[str, object] | None = None,
    media_url: str = "",
    photo: File | None = None,
    with_token: bool = False,
) -> Ticket:
    """Take in a ticket from the public form, a grid worker, a phone call (staff) or Open311."""
    if source not in Ticket.Source.values:
        raise UserError(f"未知的来源：{source}", "invalid", field="source")
    if category is None or not category.is_active:
        raise UserError("请选择有效的诉求类别", "invalid", field="category")
    text = _text(text, "text", "诉求内容", max_length=MAX_TEXT)
    if source == Ticket.Source.GRID:
        if grid is None:
            raise UserError("请选择所在网格", "required", field="grid")
        if grid.worker_id is None or actor is None or grid.worker_id != actor.pk:
            raise UserError("只能上报本人负责网格的事件", "invalid", field="grid")
        town = grid.town
    elif grid is not None and town is None:
        town = grid.town
    if town is not None and not town.is_area:
        raise UserError("「所在镇街」必须是镇、街道或功能区", "invalid", field="town")
    lat = _coordinate(lat, "lat", -90, 90)
    lng = _coordinate(lng, "long", -180, 180)
    if (lat is None) != (lng is None):
        raise UserError("「位置」须同时提供纬度和经度", "invalid", field="lat")
    values = {
        "address": _text(address, "address", "地址", max_length=200, required=False),
        "address_id": _text(address_id, "address_id", "地址编码", max_length=64, required=False),
        "zipcode": _text(zipcode, "zipcode", "邮编", max_length=10, required=False),
        "contact_name": _text(contact_name, "contact_name", "联系人", max_length=50, required=False),
        "contact_phone": _phone(contact_phone),
        "contact_email": _email(contact_email),
        "device_id": _text(device_id, "device_id", "设备编号", max_length=100, required=False),
        "account_id": _text(account_id, "account_id", "账户编号", max_length=100, required=False),
        "media_url": _media_url(media_url),
        "attributes": clean_attributes(category, attributes or {}),
    }
    if photo is not None:
        _check_photo(photo)
    attempts = 5
    while True:
        try:
            return _insert_ticket(actor, category, text, source, town, grid, lat, lng, photo, with_token, values)
        except IntegrityError:
            # A drawn code or token clashed (31^10 codes: practically never); drawing again costs less than asking
            # the database first on every intake.
            attempts -= 1
            if not attempts:
                raise


def _insert_ticket(actor: User | AnonymousUser | None, category: Category, text: str, source: str, town: Unit | None,
                   grid: Grid | None, lat: float | None, lng: float | None, photo: File | None, with_token: bool,
                   values: Mapping[str, object]) -> Ticket:
    with transaction.atomic():
        ticket = Ticket(category=category, text=text, source=source, town=town, grid=grid, lat=lat, lng=lng,
                        reporter=_user(actor), received_at=clock.now(), code=new_code(),
                        token=secrets.token_hex(16) if with_token else None, **values)
        if photo is not None:
            ticket.photo.save("photo", photo, save=False)
        ticket.save(force_insert=True)
        record(actor=actor, event="ticket.create", obj=ticket,
               changes={"code": ticket.code, "category": category.code, "source": source,
                        "town": town.name if town else "", "grid": grid.pk if grid else None})
    return ticket


# ---------------------------------------------------------------- dispatcher


def ticket_assign(*, actor: User, ticket: Ticket, unit: Unit, urgent: bool | None = None,
                  category: Category | None = None, note: str = "") -> Ticket:
    """Assign (派单) a received or returned ticket to a unit, or reassign (改派) one not yet signed. Named apart
    from the monthly reporting app (dispatch, 每月调度)."""
    if unit is None or not unit.is_active or unit.kind not in ASSIGNABLE_KINDS:
        raise UserError("请选择有效的承办单位", "invalid", field="unit")
    if category is not None and not category.is_active:
        raise UserError("请选择有效的诉求类别", "invalid", field="category")
    note = _text(note, "note", "派单意见", max_length=1000, required=False)
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.RECEIVED, State.RETURNED, State.ASSIGNED, action="派单")
        reassign = ticket.state == State.ASSIGNED
        if reassign and ticket.unit_id == unit.pk:
            raise UserError(f"工单已派给{unit.name}", "same_unit", field="unit", status=409)
        if reassign and _pending(ticket) is not None:
            raise UserError("该工单有待审批的申请，请先审批", "pending_request", status=409)
        if ticket.state == State.RETURNED and ticket.assignments.filter(
                unit=unit, outcome=Assignment.Outcome.RETURNED).exists():
            raise UserError(f"{unit.name}已退回该工单，请改派其他单位", "returned_by_unit", field="unit", status=409)
        old_unit = ticket.unit
        ticket.assignments.filter(outcome=Assignment.Outcome.ACTIVE).update(outcome=Assignment.Outcome.REASSIGNED)
        if category is not None:
            ticket.category = category
        if urgent is not None:
            ticket.urgent = urgent
        now, today = clock.now(), clock.today()
        due = sla.deadlines(assigned_on=today, sign_days=ticket.category.sign_days,
                            reply_days=ticket.category.reply_days, urgent=ticket.urgent, cal=days.calendar(),
                            params=selectors.sla_params())
        Assignment.objects.create(ticket=ticket, unit=unit, assigned_by=_user(actor), assigned_at=now,
                                  assigned_on=today, sign_due=due.sign_due)
        ticket.unit, ticket.state, ticket.assigned_at = unit, State.ASSIGNED, now
        ticket.sign_due, ticket.reply_due, ticket.extension_days, ticket.signed_at = due.sign_due, due.reply_due, 0, None
        ticket.sla_color, ticket.sla_rule = "green", sla.RULE_ON_TIME
        ticket = _save(ticket, ["category", "urgent", "unit", "state", "assigned_at", "sign_due", "reply_due",
                                "extension_days", "signed_at", "sla_color", "sla_rule"])
        kind = "assign" if ticket.assignments.count() == 1 else "reassign"
        _event(ticket, kind, actor, note=f"派至{unit.name}办理，答复时限{due.reply_due:%Y-%m-%d}" +
               (f"。{note}" if note else ""), public=True, unit=unit)
        record(actor=actor, event=f"ticket.{kind}", obj=ticket,
               changes={"unit": [old_unit.name if old_unit else None, unit.name], "urgent": ticket.urgent,
                        "category": ticket.category.code, "sign_due": due.sign_due, "reply_due": due.reply_due})
        unit_notify(unit=unit, key=assign_key(ticket.assignments.latest("id")),
                    title=f"新派工单 {ticket.code}", body=ticket.text[:200], link=f"/tickets/{ticket.pk}/")
    return ticket


def request_decide(*, actor: User, request: TicketRequest, approve: bool, note: str = "") -> TicketRequest:
    """The dispatcher approves or refuses a unit's return or extension request (a refusal needs a reason)."""
    note = _text(note, "note", "审批意见", max_length=1000, required=not approve)
    with transaction.atomic():
        request = TicketRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != TicketRequest.Status.PENDING:
            raise UserError("该申请已审批", "already_decided", status=409)
        ticket = _lock(request.ticket)
        request.status = TicketRequest.Status.APPROVED if approve else TicketRequest.Status.REJECTED
        request.decided_by, request.decided_at, request.note = _user(actor), clock.now(), note
        request.save(update_fields=["status", "decided_by", "decided_at", "note"])
        outcome = "approve" if approve else "reject"
        if request.kind == TicketRequest.Kind.RETURN:
            _require_state(ticket, State.ASSIGNED, action="审批退单")
            if approve:
                ticket.assignments.filter(outcome=Assignment.Outcome.ACTIVE).update(
                    outcome=Assignment.Outcome.RETURNED)
                ticket.state, ticket.unit, ticket.sign_due, ticket.reply_due = State.RETURNED, None, None, None
                ticket.sla_color, ticket.sla_rule = "", ""
                ticket = _save(ticket, ["state", "unit", "sign_due", "reply_due", "sla_color", "sla_rule"])
            _event(ticket, f"return_{outcome}", actor, note=note or request.reason, unit=request.unit)
        else:
            _require_state(ticket, State.SIGNED, State.IN_PROGRESS, action="审批延期")
            if approve:
                assert ticket.reply_due is not None  # a signed ticket has its reply deadline
                ticket.reply_due = sla.extended(ticket.reply_due, request.days, days.calendar())
                ticket.extension_days = request.days
                ticket = _save(ticket, ["reply_due", "extension_days"])
            _event(ticket, f"extension_{outcome}", actor, unit=request.unit, public=approve,
                   note=f"延期{request.days}个工作日，答复时限延至{ticket.reply_due:%Y-%m-%d}" if approve else note)
        record(actor=actor, event=f"ticket.{request.kind}_{outcome}", obj=ticket,
               changes={"request": request.pk, "unit": request.unit.name, "days": request.days, "note": note})
    return request


def ticket_visit(*, actor: User, ticket: Ticket, resolved: bool, satisfaction: str, note: str = "",
                 kind: str = Visit.Kind.CLOSING) -> Visit:
    """The follow-up visit (回访) after the reply: was it resolved, and is the citizen satisfied?"""
    if satisfaction not in Ticket.Satisfaction.values:
        raise UserError("请选择满意度", "required", field="satisfaction")
    if not isinstance(resolved, bool):
        raise UserError("请选择是否解决", "required", field="resolved")
    if kind not in (Visit.Kind.CLOSING, Visit.Kind.GRID):
        raise UserError("未知的回访类型", "invalid", field="kind")
    note = _text(note, "note", "回访记录", max_length=1000, required=False)
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.REPLIED, action="回访")
        visit = Visit.objects.create(ticket=ticket, kind=kind, unit=ticket.unit, on=clock.today(), by=actor,
                                     resolved=resolved, satisfaction=satisfaction, note=note)
        ticket.state, ticket.visited_at = State.VISITED, clock.now()
        ticket.resolved, ticket.satisfaction = resolved, satisfaction
        ticket = _save(ticket, ["state", "visited_at", "resolved", "satisfaction"])
        summary = f"{'已解决' if resolved else '未解决'}，{Ticket.Satisfaction(satisfaction).label}"
        _event(ticket, "visit", actor, note=f"{Visit.Kind(kind).label}：{summary}", public=True, unit=ticket.unit)
        record(actor=actor, event="ticket.visit", obj=ticket,
               changes={"kind": kind, "resolved": resolved, "satisfaction": satisfaction})
    return visit


def ticket_redo(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    """Unsatisfied or unresolved at the visit: back to the unit (重办) with a fresh reply deadline."""
    reason = _text(reason, "reason", "重办理由", max_length=1000)
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.VISITED, action="重办")
        if ticket.resolved and ticket.satisfaction != Ticket.Satisfaction.UNSATISFIED:
            raise UserError("回访结果为已解决且满意，无需重办", "not_unsatisfied", status=409)
        due = sla.deadlines(assigned_on=clock.today(), sign_days=ticket.category.sign_days,
                            reply_days=ticket.category.reply_days, urgent=ticket.urgent, cal=days.calendar(),
                            params=selectors.sla_params())
        ticket.state, ticket.reply_due, ticket.redo_count = State.IN_PROGRESS, due.reply_due, ticket.redo_count + 1
        ticket.replied_at = ticket.visited_at = ticket.resolved = None
        ticket.satisfaction, ticket.sla_color, ticket.sla_rule = "", "green", sla.RULE_ON_TIME
        ticket = _save(ticket, ["state", "reply_due", "redo_count", "replied_at", "visited_at", "resolved",
                                "satisfaction", "sla_color", "sla_rule"])
        _event(ticket, "redo", actor, note=f"重新办理：{reason}（答复时限{due.reply_due:%Y-%m-%d}）", public=True,
               unit=ticket.unit)
        record(actor=actor, event="ticket.redo", obj=ticket,
               changes={"reason": reason, "reply_due": due.reply_due, "redo_count": ticket.redo_count})
        assert ticket.unit is not None  # a visited ticket was handled by a unit
        unit_notify(unit=ticket.unit, key=f"frontline.redo:{ticket.pk}:{ticket.redo_count}",
                    title=f"工单重办 {ticket.code}", body=reason, link=f"/tickets/{ticket.pk}/")
    return ticket


def ticket_close(*, actor: User, ticket: Ticket, note: str = "") -> Ticket:
    """Close after the visit; closing despite an unresolved or unsatisfied visit needs a reason."""
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.VISITED, action="办结")
        unhappy = not ticket.resolved or ticket.satisfaction == Ticket.Satisfaction.UNSATISFIED
        note = _text(note, "note", "办结说明", max_length=1000, required=unhappy)
        ticket.state, ticket.closed_at, ticket.sla_color, ticket.sla_rule = State.CLOSED, clock.now(), "", ""
        ticket = _save(ticket, ["state", "closed_at", "sla_color", "sla_rule"])
        _event(ticket, "close", actor, note=note or "已办结", public=True, unit=ticket.unit)
        record(actor=actor, event="ticket.close", obj=ticket, changes={"note": note})
    return ticket


def ticket_merge(*, actor: User, ticket: Ticket, into: Ticket, note: str = "") -> Ticket:
    """A duplicate (疑似重复) joins the ticket it repeats; the merged one ends, the other carries on."""
    if into.pk == ticket.pk:
        raise UserError("不能与自身合并", "invalid", field="into")
    with transaction.atomic():
        ticket = _lock(ticket)
        into = _lock(into)
        _require_state(ticket, State.RECEIVED, State.ASSIGNED, State.RETURNED, action="合并")
        if not into.is_open:
            raise UserError(f"工单{into.code}已{into.get_state_display()}，不能并入", "target_closed", field="into",
                            status=409)
        if _pending(ticket) is not None:
            raise UserError("该工单有待审批的申请，请先审批", "pending_request", status=409)
        ticket.assignments.filter(outcome=Assignment.Outcome.ACTIVE).update(outcome=Assignment.Outcome.REASSIGNED)
        ticket.state, ticket.merged_into, ticket.closed_at = State.MERGED, into, clock.now()
        ticket.sla_color, ticket.sla_rule = "", ""
        ticket = _save(ticket, ["state", "merged_into", "closed_at", "sla_color", "sla_rule"])
        _event(ticket, "merge", actor, note=f"与工单{into.code}反映同一问题，合并办理" + (f"。{note}" if note else ""),
               public=True)
        _event(into, "merge", actor, note=f"并入重复工单{ticket.code}")
        record(actor=actor, event="ticket.merge", obj=ticket, changes={"into": into.code, "note": note})
    return ticket


def ticket_set_dispute(*, actor: User, ticket: Ticket, risk_level: str, responsible_leader: Person | None) -> Ticket:
    """Grade a dispute (矛盾纠纷) by its own risk scale and name the leader responsible for it (包案领导)."""
    if not ticket.category.is_dispute:
        raise UserError("只有矛盾纠纷类工单需要分级", "not_dispute", status=409)
    if risk_level not in Ticket.Risk.values:
        raise UserError("请选择风险等级", "required", field="risk_level")
    if responsible_leader is None:
        raise UserError("请选择包案领导", "required", field="responsible_leader")
    with transaction.atomic():
        ticket = _lock(ticket)
        if not ticket.is_open:
            raise UserError("工单已办结", "closed", status=409)
        old = [ticket.risk_level, ticket.responsible_leader_id]
        ticket.risk_level, ticket.responsible_leader = risk_level, responsible_leader
        ticket = _save(ticket, ["risk_level", "responsible_leader"])
        _event(ticket, "dispute", actor,
               note=f"风险等级：{Ticket.Risk(risk_level).label}；包案领导：{responsible_leader.display_name}")
        record(actor=actor, event="ticket.dispute_grade", obj=ticket,
               changes={"risk_level": [old[0], risk_level], "responsible_leader": [old[1], responsible_leader.pk]})
    return ticket


def ticket_follow_up(*, actor: User, ticket: Ticket, note: str, resolved: bool | None = None) -> Visit:
    """A dispute's follow-up visit (跟进回访), any time while it is open."""
    note = _text(note, "note", "回访情况", max_length=1000)
    with transaction.atomic():
        ticket = _lock(ticket)
        if not ticket.category.is_dispute:
            raise UserError("只有矛盾纠纷类工单需要跟进回访", "not_dispute", status=409)
        if not ticket.is_open or ticket.state == State.RECEIVED:
            raise UserError(f"工单当前状态为“{ticket.get_state_display()}”，不能跟进回访", "bad_transition", status=409)
        visit = Visit.objects.create(ticket=ticket, kind=Visit.Kind.FOLLOW_UP, unit=ticket.unit, on=clock.today(),
                                     by=actor, resolved=resolved, note=note)
        _event(ticket, "follow_up", actor, note=note, unit=ticket.unit)
        record(actor=actor, event="ticket.follow_up", obj=ticket, changes={"visit": visit.pk, "resolved": resolved})
    return visit


def ticket_contact(*, actor: User, ticket: Ticket) -> dict:
    """The citizen's full contact details, for the dispatcher only; every look is audited (PIPL)."""
    with transaction.atomic():
        record(actor=actor, event="ticket.contact_view", obj=ticket, changes={"code": ticket.code})
    return {"contact_name": ticket.contact_name, "contact_phone": ticket.contact_phone,
            "contact_email": ticket.contact_email}


def ticket_promote(*, actor: User, tickets: list[Ticket], campaign: Campaign, title: str, lead_unit: Unit,
                   deadline: date, description: str = "") -> Task:
    """A systemic problem behind one or several similar tickets becomes a supervised task (source "ticket")."""
    if not tickets:
        raise UserError("请至少选择一张工单", "required", field="tickets")
    with transaction.atomic():
        locked = [_lock(t) for t in tickets]
        linked = [t.code for t in locked if t.task_id is not None]
        if linked:
            raise UserError(f"工单{'、'.join(linked)}已转为督办任务", "already_promoted", field="tickets", status=409)
        sentence = "\n".join(f"{t.code}：{t.text[:200]}" for t in locked[:20])
        task = task_services.task_create(
            actor=actor, campaign=campaign, title=title, lead_unit=lead_unit, deadline=deadline,
            source=Task.Source.TICKET, source_sentence=sentence,
            description=description or f"由{len(locked)}件群众诉求反映的共性问题转化。")
        for ticket in locked:
            ticket.task = task
            ticket = _save(ticket, ["task"])
            _event(ticket, "promote", actor, note=f"转为督办任务“{task.title}”", public=True)
            record(actor=actor, event="ticket.promote", obj=ticket, changes={"task": task.pk})
    return task


# ---------------------------------------------------------------- the handling unit


def ticket_sign(*, actor: User, ticket: Ticket) -> Ticket:
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.ASSIGNED, action="签收")
        if _pending(ticket) is not None:
            raise UserError("已申请退单，待督查室审批，不能签收", "pending_request", status=409)
        now = clock.now()
        assignment = _active_assignment(ticket)
        assert ticket.sign_due is not None  # set when it was assigned
        on_time = clock.today() <= ticket.sign_due
        if assignment is not None:
            assignment.signed_at, assignment.signed_on_time = now, on_time
            assignment.save(update_fields=["signed_at", "signed_on_time"])
        ticket.state, ticket.signed_at = State.SIGNED, now
        ticket = _save(ticket, ["state", "signed_at"])
        assert ticket.unit is not None
        _event(ticket, "sign", actor, note=f"{ticket.unit.name}已签收", public=True, unit=ticket.unit)
        record(actor=actor, event="ticket.sign", obj=ticket, changes={"unit": ticket.unit.name, "on_time": on_time})
    return ticket


def ticket_return_request(*, actor: User, ticket: Ticket, reason: str) -> TicketRequest:
    """退单: not this unit's business; within 2 working days of dispatch, with a reason, for the dispatcher."""
    reason = _text(reason, "reason", "退单理由", max_length=1000)
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.ASSIGNED, action="退单")
        assignment = _active_assignment(ticket)
        assigned_on = assignment.assigned_on if assignment else timezone.localdate(ticket.assigned_at)
        limits = selectors.sla_params()
        last_day = sla.return_deadline(assigned_on, days.calendar(), limits)
        if clock.today() > last_day:
            raise UserError(f"退单须在派单后{limits['return_days']}个工作日内（{last_day:%Y-%m-%d}前）提出",
                            "late_return", status=409)
        request = _new_request(ticket, actor, TicketRequest.Kind.RETURN, reason)
        _event(ticket, "return_request", actor, note=reason, unit=ticket.unit)
        record(actor=actor, event="ticket.return_request", obj=ticket,
               changes={"request": request.pk, "reason": reason})
    return request


def ticket_extension_request(*, actor: User, ticket: Ticket, days_requested: int, reason: str) -> TicketRequest:
    """延期: once per ticket, up to 10 working days, approved by the dispatcher."""
    reason = _text(reason, "reason", "延期理由", max_length=1000)
    longest = selectors.sla_params()["max_extension_days"]
    if not isinstance(days_requested, int) or not 1 <= days_requested <= longest:
        raise UserError(f"延期须为1—{longest}个工作日", "invalid", field="days")
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.SIGNED, State.IN_PROGRESS, action="申请延期")
        if ticket.extension_days or ticket.requests.filter(kind=TicketRequest.Kind.EXTENSION,
                                                           status=TicketRequest.Status.APPROVED).exists():
            raise UserError("每张工单只能延期一次", "already_extended", status=409)
        request = _new_request(ticket, actor, TicketRequest.Kind.EXTENSION, reason, days_requested)
        _event(ticket, "extension_request", actor, note=f"申请延期{days_requested}个工作日：{reason}", unit=ticket.unit)
        record(actor=actor, event="ticket.extension_request", obj=ticket,
               changes={"request": request.pk, "days": days_requested, "reason": reason})
    return request


def _new_request(ticket: Ticket, actor: User, kind: str, reason: str, days_requested: int = 0) -> TicketRequest:
    if _pending(ticket) is not None:
        raise UserError("已有待审批的申请", "pending_request", status=409)
    assert ticket.unit is not None  # only the unit holding a ticket asks to return or extend it
    try:
        with transaction.atomic():
            return TicketRequest.objects.create(ticket=ticket, unit=ticket.unit, kind=kind, reason=reason,
                                                days=days_requested, requested_by=actor, requested_at=clock.now())
    except IntegrityError:
        raise Conflict("已有待审批的申请", "pending_request") from None


def ticket_progress(*, actor: User, ticket: Ticket, note: str) -> Ticket:
    """A progress note; the first one after signing puts the ticket in progress (办理中)."""
    note = _text(note, "note", "办理进展", max_length=1000)
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.SIGNED, State.IN_PROGRESS, action="记录办理进展")
        old = ticket.state
        if old == State.SIGNED:
            ticket.state = State.IN_PROGRESS
            ticket = _save(ticket, ["state"])
        _event(ticket, "progress", actor, note=note, unit=ticket.unit)
        record(actor=actor, event="ticket.progress", obj=ticket, changes={"state": [old, ticket.state]})
    return ticket


def ticket_reply(*, actor: User, ticket: Ticket, reply: str) -> Ticket:
    """The unit's answer to the citizen (public), which stops the SLA clock."""
    reply = _text(reply, "reply", "答复内容", max_length=MAX_REPLY)
    with transaction.atomic():
        ticket = _lock(ticket)
        _require_state(ticket, State.SIGNED, State.IN_PROGRESS, action="答复")
        if _pending(ticket) is not None:
            raise UserError("延期申请待审批，审批后再答复", "pending_request", status=409)
        assert ticket.reply_due is not None  # set when it was assigned
        on_time = clock.today() <= ticket.reply_due
        ticket.state, ticket.replied_at, ticket.public_reply = State.REPLIED, clock.now(), reply
        ticket.sla_color, ticket.sla_rule = "", ""
        ticket = _save(ticket, ["state", "replied_at", "public_reply", "sla_color", "sla_rule"])
        _event(ticket, "reply", actor, note=reply, public=True, unit=ticket.unit)
        assert ticket.unit is not None
        record(actor=actor, event="ticket.reply", obj=ticket, changes={"on_time": on_time, "unit": ticket.unit.name})
    return ticket


# ---------------------------------------------------------------- configuration


def category_save(*, actor: User | None, category: Category | None = None, code: str, name: str, kind: str,
                  description: str = "", group: str = "", keywords: str = "", sign_days: int | None = None,
                  reply_days: int | None = None, is_active: bool = True, order: int = 0) -> Category:
    code = _text(code, "code", "服务代码", max_length=50)
    if not re.fullmatch(r"[a-z0-9_-]+", code):
        raise UserError("「服务代码」只能包含小写字母、数字、下划线和连字符", "invalid", field="code")
    if kind not in Category.Kind.values:
        raise UserError("请选择类型", "required", field="kind")
    default_sign, default_reply = sla.DEFAULT_DAYS[kind]
    sign_days = default_sign if sign_days is None else sign_days
    reply_days = default_reply if reply_days is None else reply_days
    if not 1 <= sign_days <= 30 or not 1 <= reply_days <= 90:
        raise UserError("时限须为1—90个工作日（签收1—30）", "invalid", field="reply_days")
    clash = Category.objects.filter(code=code)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise UserError(f"服务代码“{code}”已存在", "duplicate", field="code", status=409)
    fields = {"code": code, "name": _text(name, "name", "名称", max_length=100), "kind": kind,
              "description": _text(description, "description", "说明", max_length=2000, required=False),
              "group": _text(group, "group", "分组", max_length=50, required=False),
              "keywords": _text(keywords, "keywords", "关键词", max_length=200, required=False),
              "sign_days": sign_days, "reply_days": reply_days, "is_active": is_active, "order": order}
    with transaction.atomic():
        _forget_categories()
        if category is None:
            category = Category.objects.create(**fields)
            record(actor=actor, event="category.create", obj=category, changes=fields)
        else:
            before = {k: getattr(category, k) for k in fields}
            for key, value in fields.items():
                setattr(category, key, value)
            category.save()
            record(actor=actor, event="category.update", obj=category,
                   changes={k: [before[k], v] for k, v in fields.items() if before[k] != v})
    return category


def attribute_save(*, actor: User, category: Category, code: str, description: str, datatype: str,
                   required: bool = False, values: list[dict] | None = None, order: int = 0,
                   datatype_description: str = "") -> CategoryAttribute:
    code = _text(code, "code", "代码", max_length=50)
    if not re.fullmatch(r"[a-z0-9_-]+", code):
        raise UserError("「代码」只能包含小写字母、数字、下划线和连字符", "invalid", field="code")
    if datatype not in CategoryAttribute.Datatype.values:
        raise UserError("请选择类型", "required", field="datatype")
    values = [{"key": str(v["key"]), "name": str(v["name"])} for v in values or []]
    if datatype in (CategoryAttribute.Datatype.SINGLE, CategoryAttribute.Datatype.MULTI) and not values:
        raise UserError("选择题须至少有一个选项", "required", field="values")
    with transaction.atomic():
        _forget_categories()
        attribute, created = CategoryAttribute.objects.update_or_create(
            category=category, code=code,
            defaults={"description": _text(description, "description", "问题", max_length=200),
                      "datatype": datatype, "required": required, "values": values, "order": order,
                      "datatype_description": datatype_description[:200]})
        Category.objects.filter(pk=category.pk).update(updated_at=clock.now())
        record(actor=actor, event="category.attribute_" + ("create" if created else "update"), obj=attribute,
               changes={"category": category.code, "code": code, "datatype": datatype, "required": required})
    return attribute


def duty_list_update(*, actor: User, unit: Unit, duty_list: str) -> Unit:
    """A unit's duty list (权责清单) seeds routing; editing it takes effect at the next training."""
    duty_list = _text(duty_list, "duty_list", "权责清单", max_length=5000, required=False)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        old = unit.duty_list
        unit.duty_list = duty_list
        unit.save(update_fields=["duty_list"])
        record(actor=actor, event="unit.duty_list_update", obj=unit, changes={"duty_list": [old, duty_list]})
    return unit


def _forget_categories() -> None:
    # Now for this process's next read, and again at commit so that no read in between keeps the old catalogue.
    selectors.forget_categories()
    transaction.on_commit(selectors.forget_categories)


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def open311_key_create(*, actor: User | None, name: str) -> tuple[Open311Key, str]:
    """Returns the key record and the raw key, which is shown once and never stored."""
    name = _text(name, "name", "使用方", max_length=100)
    raw = secrets.token_hex(20)
    with transaction.atomic():
        key = Open311Key.objects.create(name=name, prefix=raw[:8], key_hash=key_hash(raw), created_by=_user(actor))
        record(actor=actor, event="open311_key.create", obj=key, changes={"name": name, "prefix": key.prefix})
    return key, raw


def open311_key_revoke(*, actor: User | None, key: Open311Key) -> Open311Key:
    with transaction.atomic():
        key = Open311Key.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            raise UserError("该密钥已停用", "already_revoked", status=409)
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        selectors.forget_keys()
        record(actor=actor, event="open311_key.revoke", obj=key, changes={"name": key.name, "prefix": key.prefix})
    return key


# ---------------------------------------------------------------- golden ideas (金点子)

ACCEPT_POINTS = 10
MAX_POINTS = 1000


def proposer_key_for(*, user: User | AnonymousUser | None = None, phone: str = "") -> str:
    """Who earns an idea's points, without keeping a phone number in the ledger."""
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    digits = re.sub(r"\D", "", phone or "")
    return f"phone:{hashlib.sha256(digits.encode()).hexdigest()[:40]}" if digits else ""


def idea_submit(*, actor: User | AnonymousUser | None, title: str, text: str, category: str, town: Unit | None = None,
                proposer_name: str = "", proposer_phone: str = "", confirm_duplicate: bool = False) -> Idea:
    """Submit an idea (public or staff). A similar existing idea is pointed out first; the proposer may confirm."""
    title = _text(title, "title", "标题", max_length=100)
    text = _text(text, "text", "内容", max_length=MAX_TEXT)
    if category not in Idea.Category.values:
        raise UserError("请选择领域", "required", field="category")
    if town is not None and not town.is_area:
        raise UserError("「涉及镇街」必须是镇、街道或功能区", "invalid", field="town")
    proposer_phone = _phone(proposer_phone, "proposer_phone")
    proposer_name = _text(proposer_name, "proposer_name", "提出人", max_length=50, required=False)
    similar = selectors.similar_ideas(title, text)
    if similar and not confirm_duplicate:
        raise Conflict(f"与已有金点子“{similar[0][0].title}”相似，请查看后确认是否仍要提交", "duplicate",
                       field="confirm_duplicate")
    user = _user(actor)
    with transaction.atomic():
        idea = Idea.objects.create(
            code=_unique_code(Idea), title=title, text=text, category=category, town=town,
            proposer_name=proposer_name or (user.person.display_name if user and hasattr(user, "person") else ""),
            proposer_phone=proposer_phone, proposer_user=user,
            proposer_key=proposer_key_for(user=user, phone=proposer_phone),
            similar_to=similar[0][0] if similar else None, submitted_at=clock.now())
        record(actor=actor, event="idea.submit", obj=idea,
               changes={"code": idea.code, "category": category, "similar_to": idea.similar_to_id})
    return idea


def _lock_idea(idea: Idea) -> Idea:
    return Idea.objects.select_for_update().get(pk=idea.pk)


def _require_idea_state(idea: Idea, *states: str, action: str) -> None:
    if idea.state not in states:
        raise UserError(f"金点子当前状态为“{idea.get_state_display()}”，不能{action}", "bad_transition", status=409)


def idea_evaluate(*, actor: User, idea: Idea) -> Idea:
    with transaction.atomic():
        idea = _lock_idea(idea)
        _require_idea_state(idea, Idea.State.SUBMITTED, action="开始评估")
        idea.state, idea.evaluator = Idea.State.EVALUATING, _user(actor)
        idea.save(update_fields=["state", "evaluator"])
        record(actor=actor, event="idea.evaluate", obj=idea, changes={"state": ["submitted", "evaluating"]})
    return idea


def idea_reject(*, actor: User, idea: Idea, answer: str) -> Idea:
    answer = _text(answer, "answer", "公开答复", max_length=MAX_REPLY)
    with transaction.atomic():
        idea = _lock_idea(idea)
        _require_idea_state(idea, Idea.State.EVALUATING, action="作出评估结论")
        idea.state, idea.public_answer, idea.decided_at = Idea.State.REJECTED, answer, clock.now()
        idea.evaluator = _user(actor)
        idea.save(update_fields=["state", "public_answer", "decided_at", "evaluator"])
        record(actor=actor, event="idea.reject", obj=idea, changes={"answer": answer})
        _idea_answer_notify(idea)
    return idea


def idea_accept(*, actor: User, idea: Idea, answer: str, campaign: Campaign, lead_unit: Unit, deadline: date,
                milestones: list[tuple[str, date]], task_title: str = "", points: int = ACCEPT_POINTS,
                lead_leader: Person | None = None, indicator: str = "", indicator_unit: str = "",
                target_value: object = None) -> Idea:
    """Adopt an idea: a public answer, an assigned task (source "idea") with milestones, and reward points. The task
    is led by the named city leader, else by the leader in charge of the lead unit (分管), as the unit's other work."""
    answer = _text(answer, "answer", "公开答复", max_length=MAX_REPLY)
    if not milestones:
        raise UserError("采纳的金点子须列出至少一个推进节点", "required", field="milestones")
    if not 0 <= points <= MAX_POINTS:
        raise UserError(f"「奖励积分」须为0—{MAX_POINTS}", "invalid", field="points")
    with transaction.atomic():
        idea = _lock_idea(idea)
        _require_idea_state(idea, Idea.State.EVALUATING, action="作出评估结论")
        if lead_leader is None:
            lead_leader = Person.objects.filter(oversees=lead_unit, is_city_leader=True).order_by("id").first()
        task = task_services.task_create(
            actor=actor, campaign=campaign, title=task_title or idea.title, lead_unit=lead_unit, deadline=deadline,
            lead_leader=lead_leader, indicator=indicator, indicator_unit=indicator_unit, target_value=target_value,
            source=Task.Source.IDEA, source_sentence=idea.text[:2000],
            description=f"金点子（查询码{idea.code}）采纳转化。{answer}")
        for order, (title, planned) in enumerate(milestones, start=1):
            task_services.milestone_create(actor=actor, task=task, title=title, planned_date=planned, order=order)
        task = task_services.task_assign(actor=actor, task=task)
        idea.state, idea.public_answer, idea.decided_at = Idea.State.ACCEPTED, answer, clock.now()
        idea.task, idea.evaluator = task, _user(actor)
        idea.save(update_fields=["state", "public_answer", "decided_at", "task", "evaluator"])
        record(actor=actor, event="idea.accept", obj=idea, changes={"task": task.pk, "points": points})
        _idea_answer_notify(idea)
        unit_notify(unit=lead_unit, key=f"frontline.idea:{idea.pk}:task", climb=False,
                    title=f"金点子采纳转化任务：{task.title}"[:200], body=answer, link=f"/tasks/{task.pk}/")
        if points and idea.proposer_key:
            _award(actor, idea, points, "金点子被采纳")
    return idea


def _idea_answer_notify(idea: Idea) -> None:
    """The proposer hears of the answer where they left a contact (a citizen is no person of ours)."""
    email = idea.proposer_user.email if idea.proposer_user else ""
    contact_notify(key=f"frontline.idea:{idea.pk}:answer", phone=idea.proposer_phone, email=email,
                   title=f"您的金点子“{idea.title[:20]}”已有答复", body=idea.public_answer,
                   link=f"/public/ideas/track/?code={idea.code}")


def idea_points_award(*, actor: User, idea: Idea, points: int, reason: str) -> PointsEntry:
    """Points for an idea beyond adoption (a judging round) or a correction (negative)."""
    reason = _text(reason, "reason", "事由", max_length=200)
    if not isinstance(points, int) or points == 0 or abs(points) > MAX_POINTS:
        raise UserError(f"「积分」须为非零整数，绝对值不超过{MAX_POINTS}", "invalid", field="points")
    with transaction.atomic():
        idea = _lock_idea(idea)
        if idea.state != Idea.State.ACCEPTED:
            raise UserError("只有已采纳的金点子可以奖励积分", "not_accepted", status=409)
        if not idea.proposer_key:
            raise UserError("该金点子为匿名提交，无法记入积分", "anonymous", status=409)
        return _award(actor, idea, points, reason)


def _award(actor: User | None, idea: Idea, points: int, reason: str) -> PointsEntry:
    entry = PointsEntry.objects.create(idea=idea, proposer_key=idea.proposer_key, points=points, reason=reason,
                                       at=clock.now(), by=_user(actor))
    record(actor=actor, event="idea.points", obj=idea, changes={"points": points, "reason": reason})
    return entry
