import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gongjian.audit.models import AuditEvent
from gongjian.audit.services import audit_verify, record

pytestmark = pytest.mark.django_db


def _three_events(cast):
    for i in range(3):
        record(actor=cast.office, event="test.write", object_type="x", object_id=i, changes={"n": [i, i + 1]})


def test_verify_passes_on_a_clean_chain(cast):
    _three_events(cast)
    result = audit_verify()
    assert result.ok and result.checked == AuditEvent.objects.count()
    call_command("audit-verify")


def test_verify_fails_on_a_modified_row(cast):
    _three_events(cast)
    victim = AuditEvent.objects.filter(event="test.write").order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET event = %s WHERE id = %s", ["test.forged", victim.pk])
    result = audit_verify()
    assert not result.ok and f"第{victim.seq}条" in result.message
    with pytest.raises(CommandError, match="篡改"):
        call_command("audit-verify")


def test_verify_fails_on_a_deleted_row(cast):
    _three_events(cast)
    victim = AuditEvent.objects.filter(event="test.write").order_by("seq")[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    result = audit_verify()
    assert not result.ok and "缺失" in result.message


def test_application_cannot_update_or_delete_audit_rows(cast):
    _three_events(cast)
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(event="x")


def test_secrets_never_reach_the_audit_payload(cast):
    event = record(actor=cast.office, event="test.write", changes={"password": "Secret#1", "token": "abc", "ok": 1})
    assert event.changes == {"password": "***", "token": "***", "ok": 1}


def test_event_records_actor_unit_and_ip(cast, client_for):
    client = client_for(cast.viewer_a)
    client.post("/logout/", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.event, event.actor_unit, event.ip) == ("logout", "姜山镇", "10.1.2.3")


def test_every_export_is_audited(cast, client_for, task_a):
    response = client_for(cast.office).get("/tasks/", {"export": "xlsx", "unit": cast.unit_a.pk})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.event, event.actor_id, event.changes["path"]) == ("export", cast.office.pk, "/tasks/")
    assert f"unit={cast.unit_a.pk}" in event.changes["query"]
