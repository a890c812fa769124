"""Appending to and verifying the audit chain. `record()` is called inside every write service's transaction."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import models, transaction

from gongjian import clock
from gongjian.audit.context import current_ip
from gongjian.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64
SECRET_KEYS = {"password", "password1", "password2", "old_password", "new_password", "token", "session_key", "id_number"}


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): ("***" if str(k) in SECRET_KEYS else _jsonable(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "", "actor_unit": ""}
    person = getattr(actor, "person", None)
    unit = person.unit.name if person is not None and person.unit_id else ""
    return {"actor": actor, "actor_name": actor.get_username(), "actor_unit": unit}


def record(
    *,
    actor,
    event: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    success: bool = True,
    changes: dict | None = None,
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction (atomic makes it one if not)."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        fields = _actor_fields(actor)
        if actor_name and not fields["actor_name"]:
            fields["actor_name"] = actor_name[:150]
        if obj is not None:
            object_type = object_type or obj._meta.label_lower
            object_id = obj.pk
        event_row = AuditEvent(
            seq=head.seq + 1,
            # UTC, as the database returns it: the hash covers the timestamp's text.
            at=clock.now().astimezone(UTC),
            ip=ip if ip is not None else current_ip.get(),
            event=event,
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            object_repr=str(obj)[:200] if obj is not None else "",
            success=success,
            changes=_jsonable(changes or {}),
            prev_hash=head.hash,
            **fields,
        )
        event_row.hash = event_row.compute_hash()
        event_row.save()
        AuditHead.objects.filter(pk=1).update(seq=event_row.seq, hash=event_row.hash)
        return event_row


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    message: str


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first row whose hash, link or sequence number is wrong."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, f"第{expected_seq}条审计记录缺失（下一条为第{event.seq}条）")
        if event.prev_hash != expected_prev:
            return VerifyResult(False, checked, f"第{event.seq}条审计记录的前序哈希不符，链条在此断开")
        if event.compute_hash() != event.hash:
            return VerifyResult(False, checked, f"第{event.seq}条审计记录内容被篡改（哈希不符）")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return VerifyResult(False, checked, f"审计链末尾缺失：应有{head.seq}条，实有{checked}条")
    return VerifyResult(True, checked, f"审计链完整，共{checked}条")
