"""Regression tests of the security hardening pass ([M17]): each reproduces a weakness an attacker found."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from gongjian.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[1]
HUGE = "9223372036854775808"


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_logout_ends_every_session_of_the_user(cast):
    laptop, phone = Client(), Client()
    assert _login(laptop, "editor_a", cast.password).status_code == 302
    assert _login(phone, "editor_a", cast.password).status_code == 302
    assert phone.get("/tasks/").status_code == 200
    laptop.post("/logout/")
    assert phone.get("/tasks/").status_code == 302
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_approve_refuses_an_outside_next(cast, client_for):
    response = client_for(cast.office).post("/dispatch/approve/", {"next": "https://evil.example/phish"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")
    inside = client_for(cast.office).post("/dispatch/approve/", {"next": "/tasks/"})
    assert inside["Location"] == "/tasks/"


@pytest.mark.django_db
def test_battle_guarantee_answers_400_for_an_out_of_range_unit(cast, client_for):
    client = client_for(cast.office)
    assert client.get("/battle/guarantee/", {"unit": HUGE}).status_code == 400
    assert client.get("/battle/guarantee/", {"unit": "abc"}).status_code == 400
    assert client.get("/battle/guarantee/", {"unit": str(cast.unit_a.pk)}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"limit": HUGE}, {"offset": HUGE}, {"limit": "-1"}, {"offset": "x"}])
def test_paginated_api_lists_answer_400_for_bad_paging(cast, api_for, params):
    response = api_for(cast.office).get("/api/v1/reports/", params)
    assert response.status_code == 400
    assert response.json()["field"] in params


@pytest.mark.django_db
def test_api_page_size_is_capped_at_500(cast, api_for, campaign):
    from gongjian.campaigns import services

    for i in range(3):
        services.task_create(actor=cast.office, campaign=campaign, title=f"任务{i}", lead_unit=cast.unit_a,
                             start=__import__("datetime").date(2023, 2, 1), deadline=__import__("datetime").date(2023, 6, 30))
    from gongjian.api import MAX_PAGE_SIZE

    assert MAX_PAGE_SIZE == 500
    response = api_for(cast.office).get("/api/v1/tasks/", {"limit": "1000"})
    assert response.status_code == 200 and len(response.json()["results"]) == 3


def _check(env_changes, remove=()):
    env = {k: v for k, v in os.environ.items() if k not in remove}
    env.update(env_changes)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_deploy_check_without_secret_key_prints_one_line():
    result = _check({"GONGJIAN_PRODUCTION": "true", "DATABASE_URL": "postgres://gongjian@127.0.0.1:5432/gongjian"},
                    remove=("SECRET_KEY", "GONGJIAN_TODAY"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "SECRET_KEY" in lines[0]


def test_deploy_check_flags_a_fixed_today_in_production():
    result = _check({"GONGJIAN_PRODUCTION": "true", "SECRET_KEY": secrets.token_urlsafe(50),
                     "ALLOWED_HOSTS": "gj.example.gov.cn", "GONGJIAN_TODAY": "2023-03-31",
                     "DATABASE_URL": "postgres://gongjian@127.0.0.1:5432/gongjian"})
    assert "GONGJIAN_TODAY" in result.stderr + result.stdout
    assert result.returncode != 0


@pytest.mark.django_db
def test_login_checks_a_password_hash_even_for_unknown_and_locked_names(cast, settings):
    """Timing: an unknown or locked name must cost one hash check like a wrong password does."""
    from django.contrib.auth.hashers import MD5PasswordHasher

    calls = []
    original = MD5PasswordHasher.verify

    def counting(self, password, encoded):
        calls.append(1)
        return original(self, password, encoded)

    MD5PasswordHasher.verify = counting
    try:
        _login(Client(), "nobody-here", "x")
        unknown = len(calls)
        for _ in range(6):
            _login(Client(), "editor_a", "wrong-Pass1")
        calls.clear()
        _login(Client(), "editor_a", "wrong-Pass1")
        locked = len(calls)
    finally:
        MD5PasswordHasher.verify = original
    assert unknown == 1 and locked == 1


@pytest.mark.django_db
def test_unknown_names_are_throttled_too(cast, settings):
    settings.LOGIN_ADDRESS_FAILURES = 3
    client = Client()
    for _ in range(3):
        _login(client, "ghost", "x")
    # The address has spent its allowance on unknown names: further attempts, for any name, are refused alike.
    assert _login(client, "ghost", "x").status_code == 429
    assert _login(client, "editor_a", cast.password).status_code == 429
    assert _login(Client(REMOTE_ADDR="10.9.9.9"), "editor_a", cast.password).status_code == 302
    assert AuditEvent.objects.filter(event="login.throttled").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["system_admin", "security_admin", "audit_admin"])
def test_the_three_administrators_see_no_business_data(cast, campaign, client_for, api_for, who):
    from datetime import date

    from gongjian.campaigns import services

    admin = getattr(cast, who)
    own_unit = admin.person.unit
    task = services.task_create(actor=cast.office, campaign=campaign, title="大数据局自己的任务", lead_unit=own_unit,
                                start=date(2023, 2, 1), deadline=date(2023, 6, 30))
    services.task_assign(actor=cast.office, task=task)
    client = client_for(admin)
    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    assert "大数据局自己的任务" not in client.get("/tasks/").content.decode()
    api = api_for(admin)
    assert api.get("/api/v1/tasks/").json()["count"] == 0
    assert api.get("/api/v1/reports/").json()["count"] == 0
    assert api.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
