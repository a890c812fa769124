"""Refused writes and refused reads of protected objects leave an audit row, at most one per actor, path and minute."""

import pytest
import time_machine

from gongjian.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_refused_write_by_a_read_only_user_is_audited(cast, client_for, task_a):
    client = client_for(cast.viewer_a)
    response = client.post("/dispatch/approve/", {"report": ["1"]})
    assert response.status_code == 403
    rows = AuditEvent.objects.filter(event="access.denied", actor=cast.viewer_a)
    assert rows.count() == 1
    assert rows.get().changes["path"] == "/dispatch/approve/" and rows.get().success is False


def test_refused_read_of_another_units_object_is_audited(cast, client_for, task_a):
    response = client_for(cast.outsider_b).get(f"/tasks/{task_a.pk}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(event="access.denied", actor=cast.outsider_b).count() == 1


def test_refused_api_request_is_audited(cast, api_for, task_a):
    response = api_for(cast.outsider_b).get(f"/api/v1/tasks/{task_a.pk}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(event="access.denied", actor=cast.outsider_b).count() == 1


def test_a_flood_of_refusals_makes_one_row_per_minute(cast, client_for):
    client = client_for(cast.viewer_a)
    with time_machine.travel("2026-03-02 09:00:05 +0800", tick=False) as traveller:
        for _ in range(9):
            assert client.post("/dispatch/approve/").status_code == 403
        assert AuditEvent.objects.filter(event="access.denied").count() == 1
        assert client.get("/org/users/").status_code == 403
        assert AuditEvent.objects.filter(event="access.denied").count() == 2
        traveller.shift(60)
        client.post("/dispatch/approve/")
        assert AuditEvent.objects.filter(event="access.denied").count() == 3


def test_an_unknown_address_is_not_an_audited_refusal(cast, client_for):
    assert client_for(cast.viewer_a).get("/no-such-page/").status_code == 404
    assert not AuditEvent.objects.filter(event="access.denied").exists()
