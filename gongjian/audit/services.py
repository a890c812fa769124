"""Appending to and verifying the audit chain. `record()` is called inside every write service's transaction."""

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction

from gongjian import clock
from gongjian.audit.context import current_ip
from gongjian.audit.models import AuditEvent, AuditHead
from gongjian.bulk import insert_objects
from gongjian.types import User

GENESIS = "0" * 64
logger = logging.getLogger(__name__)
SECRET_KEYS = {"password", "password1", "password2", "old_password", "new_password", "token", "session_key", "id_number"}


def _jsonable(value: object) -> object:
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


def _actor_fields(actor: User | AnonymousUser | None) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "", "actor_unit": ""}
    person = getattr(actor, "person", None)
    unit = person.unit.name if person is not None and person.unit_id else ""
    return {"actor": actor, "actor_name": actor.get_username(), "actor_unit": unit}


def record(
    *,
    actor: User | AnonymousUser | None,
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
    # No savepoint: an append that fails must undo the caller's write as well, and SAVEPOINT plus RELEASE would be two
    # more statements on every write of the platform.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        fields = _actor_fields(actor)
        if actor_name and not fields["actor_name"]:
            fields["actor_name"] = actor_name[:150]
        if obj is not None:
            object_type = object_type or obj._meta.label_lower
            object_id = obj.pk
        event_row = AuditEvent(
            seq=head[0] + 1,
            # UTC, as the database returns it: the hash covers the timestamp's text.
            at=clock.now().astimezone(UTC),
            ip=ip if ip is not None else current_ip.get(),
            event=event,
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            object_repr=str(obj)[:200] if obj is not None else "",
            success=success,
            changes=_jsonable(changes or {}),
            prev_hash=head[1],
            **fields,
        )
        event_row.hash = event_row.compute_hash()
        event_row.save()
        _move_head(event_row.seq, event_row.hash)
        seq, digest, at = event_row.seq, event_row.hash, event_row.at.isoformat()
        transaction.on_commit(lambda: _anchor(seq, digest, at))
        return event_row


def record_many(*, actor: User | AnonymousUser | None, event: str, objects: Sequence[models.Model],
                changes: Sequence[dict], actor_name: str = "") -> int:
    """Append one event per object to the chain with one head lock and one insert: the same rows `record` would
    append one by one (a daily run's thousands of queued notices)."""
    if not objects:
        return 0
    with transaction.atomic(savepoint=False):
        seq, digest = _locked_head()
        fields = _actor_fields(actor)
        if actor_name and not fields["actor_name"]:
            fields["actor_name"] = actor_name[:150]
        at, ip = clock.now().astimezone(UTC), current_ip.get()
        rows = []
        for obj, change in zip(objects, changes, strict=True):
            row = AuditEvent(seq=seq + 1, at=at, ip=ip, event=event, object_type=obj._meta.label_lower,
                             object_id=str(obj.pk), object_repr=str(obj)[:200], success=True,
                             changes=_jsonable(change or {}), prev_hash=digest, **fields)
            row.hash = row.compute_hash()
            seq, digest = row.seq, row.hash
            rows.append(row)
        insert_objects(AuditEvent, rows)
        _move_head(seq, digest)
        last_at = at.isoformat()
        transaction.on_commit(lambda: _anchor(seq, digest, last_at))
    return len(rows)


def _locked_head() -> tuple[int, str]:
    """The chain's (seq, hash), row-locked until the transaction ends; the row is made on the first append.
    Plain SQL: the ORM spent more CPU building these two statements than the database spent running them, on
    every write of the platform."""
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {table} WHERE id = 1{lock}")  # noqa: S608 - our own table name
        row = cursor.fetchone()
    if row is not None:
        return row[0], row[1]
    created, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)  # copes with a concurrent first append
    return created.seq, created.hash


def _move_head(seq: int, digest: str) -> None:
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET seq = %s, hash = %s WHERE id = 1", [seq, digest])  # noqa: S608


def _anchor(seq: int, digest: str, at: str) -> None:
    """Append the committed head to the anchor file. O_APPEND: every line lands at the end whatever other
    processes write; a failure is logged, not raised, because the write it follows has already committed."""
    path = settings.AUDIT_ANCHOR_FILE
    if not path:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{seq} {digest} {at}\n".encode())
        finally:
            os.close(fd)
    except OSError:
        logger.exception("could not append to the audit anchor file %s", path)


def _anchored() -> dict[int, str]:
    path = settings.AUDIT_ANCHOR_FILE
    if not path or not Path(path).exists():
        return {}
    anchored = {}
    with open(path, encoding="ascii", errors="replace") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) >= 2 and parts[0].isdigit():
                anchored[int(parts[0])] = parts[1]
    return anchored


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    message: str


def audit_verify(*, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; report the first row whose hash, link or sequence number is wrong, or that differs
    from the head recorded in the anchor file; then report anchored rows missing from the end of the chain."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    anchored = _anchored()
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if anchored.pop(event.seq, event.hash) != event.hash:
            return VerifyResult(False, checked, f"第{event.seq}条审计记录与锚定文件记录的哈希不符（链条被替换或改写）")
        if event.seq != expected_seq:
            return VerifyResult(False, checked, f"第{expected_seq}条审计记录缺失（下一条为第{event.seq}条）")
        if event.prev_hash != expected_prev:
            return VerifyResult(False, checked, f"第{event.seq}条审计记录的前序哈希不符，链条在此断开")
        if event.compute_hash() != event.hash:
            return VerifyResult(False, checked, f"第{event.seq}条审计记录内容被篡改（哈希不符）")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    if anchored:
        return VerifyResult(False, checked, f"审计链末尾缺失：锚定文件记录到第{max(anchored)}条，数据库只有{checked}条")
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return VerifyResult(False, checked, f"审计链末尾缺失：应有{head.seq}条，实有{checked}条")
    return VerifyResult(True, checked, f"审计链完整，共{checked}条")
