"""API tokens: stored as a digest and shown once, idle and absolute expiry, revoked by password change and by
disabling the account, refused while the password is expired, listed and revocable by owner and security admin."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client

from gongjian.org.models import ApiToken, Person
from gongjian.org.services import password_change, token_create, user_disable

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def _get(token):
    return Client().get(ME, HTTP_AUTHORIZATION=f"Token {token}")


def test_token_is_stored_only_as_a_digest(cast):
    _, secret = token_create(actor=cast.editor_a, user=cast.editor_a, name="报表脚本")
    assert _get(secret).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM org_apitoken")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert secret not in stored and secret[-12:] not in stored


def test_command_prints_a_new_token_once(cast):
    out = io.StringIO()
    call_command("api-token", "viewer_a", stdout=out)
    secret = out.getvalue().strip()
    assert _get(secret).status_code == 200
    again = io.StringIO()
    call_command("api-token", "viewer_a", stdout=again)
    assert again.getvalue().strip() != secret


def test_old_token_refused_after_password_change(cast):
    _, secret = token_create(actor=cast.editor_a, user=cast.editor_a, name="脚本")
    password_change(actor=cast.editor_a, user=cast.editor_a, old_password=cast.password, new_password="New#Pass2024x")
    assert _get(secret).status_code == 401


def test_token_refused_after_account_disabled(cast):
    _, secret = token_create(actor=cast.editor_a, user=cast.editor_a, name="脚本")
    user_disable(actor=cast.security_admin, user=cast.editor_a)
    assert _get(secret).status_code == 401


def test_token_refused_while_password_expired(cast, settings):
    _, secret = token_create(actor=cast.editor_a, user=cast.editor_a, name="脚本")
    Person.objects.filter(user=cast.editor_a).update(password_changed_at="2000-01-01T00:00:00Z")
    response = _get(secret)
    assert response.status_code == 401 and "密码" in response.json()["detail"]


def test_idle_and_absolute_expiry(cast, settings):
    settings.API_TOKEN_IDLE_DAYS = 7
    settings.API_TOKEN_MAX_DAYS = 20
    settings.PASSWORD_MAX_AGE_DAYS = 0
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as traveller:
        _, idle = token_create(actor=cast.editor_a, user=cast.editor_a, name="闲置")
        _, busy = token_create(actor=cast.editor_a, user=cast.editor_a, name="常用")
        for _ in range(3):
            traveller.shift(timedelta(days=6))
            assert _get(busy).status_code == 200
        assert _get(idle).status_code == 401
        traveller.shift(timedelta(days=3))  # 21 days old, used 3 days ago
        assert _get(busy).status_code == 401


def test_owner_lists_and_revokes_own_tokens_shown_once(cast, client_for):
    client = client_for(cast.editor_a)
    created = client.post("/org/tokens/", {"name": "月报同步"})
    assert created.status_code == 200
    secret = created.context["secret"]
    assert secret in created.content.decode()
    listing = client.get("/org/tokens/").content.decode()
    assert "月报同步" in listing and secret not in listing
    token = ApiToken.objects.get(user=cast.editor_a)
    assert client.post(f"/org/tokens/{token.pk}/revoke/").status_code == 302
    assert _get(secret).status_code == 401


def test_others_cannot_see_or_revoke_a_token_but_the_security_admin_can(cast, client_for):
    token, secret = token_create(actor=cast.editor_a, user=cast.editor_a, name="脚本")
    assert "脚本" not in client_for(cast.outsider_b).get("/org/tokens/").content.decode()
    assert client_for(cast.outsider_b).post(f"/org/tokens/{token.pk}/revoke/").status_code == 404
    assert client_for(cast.office).post(f"/org/tokens/{token.pk}/revoke/").status_code == 404
    assert _get(secret).status_code == 200
    security = client_for(cast.security_admin)
    assert "editor_a" in security.get("/org/tokens/").content.decode()
    assert security.post(f"/org/tokens/{token.pk}/revoke/").status_code == 302
    assert _get(secret).status_code == 401


def test_creating_a_token_needs_a_name(cast, client_for):
    response = client_for(cast.editor_a).post("/org/tokens/", {"name": ""})
    assert response.status_code == 400 and "名称" in response.content.decode()
    assert not ApiToken.objects.exists()
