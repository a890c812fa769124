"""Cross-cutting security checks of docs/security.md that no single app owns."""

import ast
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from gongjian.audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[1]


def test_deploy_check_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "GONGJIAN_TODAY"}
    env.update({"GONGJIAN_PRODUCTION": "true", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "gj.example.gov.cn",
                "DATABASE_URL": "postgres://gongjian@127.0.0.1:5432/gongjian"})
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_a_missing_secret_key_and_sqlite():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env["GONGJIAN_PRODUCTION"] = "true"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_a_bad_boolean_setting_stops_start_up():
    env = dict(os.environ, DEBUG="maybe")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "DEBUG='maybe' is not a boolean" in result.stderr


def _service_functions():
    """(module path, function node, {name: node}) for every public function of every services.py."""
    for path in sorted((ROOT / "gongjian").glob("*/services.py")):
        if path.parent.name == "audit":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        for name, node in functions.items():
            if not name.startswith("_"):
                yield path.relative_to(ROOT), node, functions


def _calls(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "")
    return names


def _audits(node, functions, seen=frozenset()) -> bool:
    calls = _calls(node)
    if "record" in calls:
        return True
    return any(_audits(functions[c], functions, seen | {c}) for c in calls if c in functions and c not in seen)


# Services that only read or compute, and so have nothing to audit (each checked by hand).
READ_ONLY = {"password_is_expired", "derived_percent", "blockers_from_report"}


def test_every_write_service_records_an_audit_event():
    writes = [(path, node, functions) for path, node, functions in _service_functions()
              if node.name not in READ_ONLY and "atomic" in _calls(node)]
    missing = [f"{path}:{node.name}" for path, node, functions in writes if not _audits(node, functions)]
    assert len(writes) > 40, "the walk should find the write services"
    assert missing == [], "write services without an audit record: " + ", ".join(missing)


@pytest.mark.django_db
def test_passwords_never_reach_logs_or_the_audit_trail(cast, caplog):
    secret = "Wrong#Secret-9931"
    with caplog.at_level(logging.DEBUG):
        Client().post("/login/", {"username": "editor_a", "password": secret})
        Client().post("/login/", {"username": secret, "password": secret})
    assert secret not in caplog.text
    assert not any(secret in str(e.changes) or secret in e.actor_name for e in AuditEvent.objects.all())
    assert AuditEvent.objects.filter(event="login.failed").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "allowed"), [
    ("system_admin", {"/org/units/"}), ("security_admin", {"/org/users/", "/org/units/"}),
    ("audit_admin", {"/audit/"}),
])
def test_three_administrators_each_reach_only_their_own_pages(cast, client_for, who, allowed):
    client = client_for(getattr(cast, who))
    for url in ("/org/units/", "/org/users/", "/audit/"):
        assert client.get(url).status_code == (200 if url in allowed else 403), url
