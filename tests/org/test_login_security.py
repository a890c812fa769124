from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from gongjian.audit.models import AuditEvent
from gongjian.errors import UserError
from gongjian.org.models import Role
from gongjian.org.services import password_change, role_grant, user_create, user_disable

pytestmark = pytest.mark.django_db
PAGE = "/tasks/"


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_correct_password_logs_in_and_audits(cast):
    client = Client()
    response = _login(client, "editor_a", cast.password)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event="login", actor=cast.editor_a).count() == 1


def test_sixth_attempt_with_right_password_refused_after_five_failures(cast):
    client = Client()
    for _ in range(5):
        assert _login(client, "editor_a", "wrong-Pass1").status_code == 400
    response = _login(client, "editor_a", cast.password)
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()
    events = list(AuditEvent.objects.filter(object_id=str(cast.editor_a.pk)).values_list("event", flat=True))
    assert events[-7:] == ["login.failed"] * 5 + ["login.locked", "login.locked_refused"]


def test_lock_lifts_after_thirty_minutes(cast):
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        for _ in range(5):
            _login(client, "editor_a", "wrong-Pass1")
        traveller.shift(timedelta(minutes=29))
        assert _login(client, "editor_a", cast.password).status_code == 400
        traveller.shift(timedelta(minutes=2))
        assert _login(client, "editor_a", cast.password).status_code == 302


def test_failures_spread_beyond_window_do_not_lock(cast):
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        for _ in range(4):
            _login(client, "editor_a", "wrong-Pass1")
        traveller.shift(timedelta(minutes=16))
        _login(client, "editor_a", "wrong-Pass1")
        assert _login(client, "editor_a", cast.password).status_code == 302


def test_unknown_user_gets_same_message_as_wrong_password(cast):
    unknown = _login(Client(), "nobody", cast.password).content.decode()
    wrong = _login(Client(), "editor_a", "wrong-Pass1").content.decode()
    assert "用户名或密码错误" in unknown and "用户名或密码错误" in wrong


def test_session_key_rotates_at_login(cast):
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    _login(client, "editor_a", cast.password)
    assert client.session.session_key != before


def test_idle_session_expires_after_thirty_minutes(cast):
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        _login(client, "viewer_a", cast.password)
        assert client.get(PAGE).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(PAGE).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(PAGE)
        assert response.status_code == 302 and "expired=1" in response["Location"]


def test_administrator_idle_limit_is_fifteen_minutes(cast):
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        _login(client, "auditadmin1", cast.password)
        traveller.shift(timedelta(minutes=16))
        assert client.get(reverse("audit_list")).status_code == 302


def test_absolute_session_limit_twelve_hours(cast):
    client = Client()
    with time_machine.travel("2026-03-02 08:00 +0800", tick=False) as traveller:
        _login(client, "viewer_a", cast.password)
        for _ in range(25):
            traveller.shift(timedelta(minutes=28))
            assert client.get(PAGE).status_code == 200
        traveller.shift(timedelta(minutes=28))
        assert "expired=1" in client.get(PAGE)["Location"]


def test_disabling_a_user_ends_all_sessions(cast):
    first, second = Client(), Client()
    _login(first, "editor_a", cast.password)
    _login(second, "editor_a", cast.password)
    user_disable(actor=cast.security_admin, user=cast.editor_a)
    assert not Session.objects.filter(session_key__in=[first.session.session_key, second.session.session_key]).exists()
    assert first.get(PAGE)["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "password",
    ["short1A", "alllowercaseletters", "password123", "12345678901", "a" * 120 + "A1!aaaaaaaaa"],
)
def test_weak_passwords_refused(cast, password):
    with pytest.raises(UserError) as exc:
        user_create(actor=cast.security_admin, username="newbie", password=password, display_name="新人")
    assert exc.value.field == "password"


def test_password_reuse_of_last_five_refused(cast):
    user = cast.viewer_a
    old = cast.password
    for i in range(5):
        new = f"Rotate#{i}Pass2023"
        password_change(actor=user, user=user, old_password=old, new_password=new)
        old = new
    with pytest.raises(UserError, match="最近5次"):
        password_change(actor=user, user=user, old_password=old, new_password="Rotate#1Pass2023")


def test_expired_password_forces_change(cast):
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        password_change(actor=cast.viewer_a, user=cast.viewer_a, old_password=cast.password, new_password="Fresh#Pass2026")
        traveller.shift(timedelta(days=91))
        _login(client, "viewer_a", "Fresh#Pass2026")
        response = client.get(PAGE)
        assert response.status_code == 302 and response["Location"].startswith(reverse("password_change"))


def test_reserved_default_usernames_refused(cast):
    with pytest.raises(UserError, match="保留"):
        user_create(actor=cast.security_admin, username="admin", password="Strong#Pass2023", display_name="管理员")


def test_no_account_holds_two_administrator_roles(cast):
    with pytest.raises(UserError, match="三员分立"):
        role_grant(actor=cast.security_admin, user=cast.system_admin, role=Role.AUDIT_ADMIN)
    with pytest.raises(UserError, match="三员分立"):
        user_create(actor=cast.security_admin, username="both", password="Strong#Pass2023", display_name="x",
                    roles=[Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])


def test_role_grant_is_audited(cast):
    role_grant(actor=cast.security_admin, user=cast.viewer_a, role=Role.GRID_WORKER)
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.event, event.actor_id, event.changes) == ("role.grant", cast.security_admin.pk,
                                                            {"role": [None, "grid_worker"]})
