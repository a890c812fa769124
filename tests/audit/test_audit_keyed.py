"""The chain is keyed (HMAC with a key outside the database) and its head is anchored in an append-only file, so
that someone with write access to the database alone can neither rewrite rows nor cut off the end unnoticed."""

import hashlib

import pytest
from django.db import connection

from gongjian.audit.models import AuditEvent, AuditHead
from gongjian.audit.services import audit_verify, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchored(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchor.log"

    def write(cast, n=5):
        for i in range(n):
            with django_capture_on_commit_callbacks(execute=True):
                record(actor=cast.office, event="test.write", object_type="x", object_id=i, changes={"n": i})
        return settings.AUDIT_ANCHOR_FILE

    return write


def _rehash_everything_without_the_key():
    """What an attacker with database access can do: recompute every hash with a plain digest, move the head."""
    prev = "0" * 64
    for event in AuditEvent.objects.order_by("seq"):
        event.prev_hash = prev
        digest = hashlib.sha256(event.payload().encode()).hexdigest()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                           [prev, digest, event.pk])
        prev = digest
    AuditHead.objects.filter(pk=1).update(hash=prev)


def test_an_edit_followed_by_a_full_rehash_is_detected(cast, anchored):
    anchored(cast)
    victim = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET event = %s WHERE id = %s", ["test.forged", victim.pk])
    _rehash_everything_without_the_key()
    result = audit_verify()
    assert not result.ok


def test_the_hash_depends_on_the_key(cast, settings):
    event = record(actor=cast.office, event="test.write")
    assert event.hash != hashlib.sha256(event.payload().encode()).hexdigest()
    settings.AUDIT_KEY = b"another key of thirty-two bytes.."
    assert not audit_verify().ok


def test_truncating_the_end_and_moving_the_head_back_is_detected(cast, anchored):
    anchor = anchored(cast)
    assert anchor.read_text().count("\n") == 5
    last_two = list(AuditEvent.objects.order_by("-seq")[:2])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [e.pk for e in last_two])
    survivor = AuditEvent.objects.order_by("-seq").first()
    AuditHead.objects.filter(pk=1).update(seq=survivor.seq, hash=survivor.hash)
    result = audit_verify()
    assert not result.ok and "锚" in result.message


def test_an_anchored_clean_chain_verifies(cast, anchored):
    anchored(cast)
    result = audit_verify()
    assert result.ok, result.message


def test_anchor_lines_are_only_appended(cast, anchored, tmp_path):
    anchor = anchored(cast, n=2)
    first = anchor.read_text()
    anchored(cast, n=1)
    assert anchor.read_text().startswith(first)
