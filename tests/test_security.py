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
    if "record" in calls or "record_many" in calls:
        return True
    return any(_audits(functions[c], functions, seen | {c}) for c in calls if c in functions and c not in seen)


# Services that only read or compute, and so have nothing to audit (each checked by hand).
READ_ONLY = {"password_is_expired", "derived_percent", "blockers_from_report"}


def test_every_write_service_records_an_audit_event():
    writes = [(path, node, functions) for path, node, functions in _service_functions()
              if node.name not in READ_ONLY and "atomic" in _calls(node)]
    missing = [f"{path}:{node.name}" for path, node, functions in writes
               if not _audits(node, functions) and f"{path}:{node.name}" not in _AUDITED_BY_CALLER]
    assert len(writes) > 40, "the walk should find the write services"
    assert missing == [], "write services without an audit record: " + ", ".join(missing)


_ORM_WRITES = {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}
_QUERYSET_WRITES = {"create", "update", "delete"}
# Modules whose writes go through a service (views, API, forms) or that are not product code.
_NOT_WRITERS = {"models.py", "apps.py", "views.py", "api.py", "forms.py", "idea_views.py", "public_views.py",
                "open311.py"}
# Writers audited by their caller's transaction (each checked by hand).
_AUDITED_BY_CALLER = {
    "gongjian/documents/services.py:issue_number": "takes a serial inside the issuing service's audited transaction",
    "gongjian/documents/services.py:letterhead": "creates the one default letterhead row on first read",
    "gongjian/documents/services.py:number_text": "reads the letterhead (created on first read)",
    "gongjian/matters/services.py:matter_close": "the completion is audited by campaigns' task_transition",
}


def _on_a_manager(func: ast.Attribute) -> bool:
    node = func.value
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def _writes_directly(node) -> bool:
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            attr = call.func.attr
            if attr in _ORM_WRITES or (attr in _QUERYSET_WRITES and _on_a_manager(call.func)) or (
                    attr == "save" and any(k.arg == "update_fields" for k in call.keywords)):
                return True
    return False


def _writers():
    """(module:function, node, {name: node}) for every public function of a product module that writes rows."""
    for path in sorted((ROOT / "gongjian").glob("*/*.py")):
        if path.parent.name in {"audit", "demo", "bench"} or path.name in _NOT_WRITERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

        def writes(node, seen=frozenset(), functions=functions):
            return _writes_directly(node) or any(writes(functions[c], seen | {c}) for c in _calls(node)
                                                 if c in functions and c not in seen)

        for name, node in functions.items():
            if not name.startswith("_") and writes(node):
                yield f"{path.relative_to(ROOT)}:{name}", node, functions


def test_every_module_that_writes_records_an_audit_event():
    # Not only services.py: ledgers, scheduled jobs (jobs.py), reporting periods and the daily run write too.
    writers = list(_writers())
    names = {name for name, *_ in writers}
    assert {"gongjian/dispatch/periods.py:period_for", "gongjian/supervision/jobs.py:supervise",
            "gongjian/frontline/jobs.py:ticket_sla_run", "gongjian/dispatch/jobs.py:remind"} <= names
    missing = [name for name, node, functions in writers
               if name not in _AUDITED_BY_CALLER and not _audits(node, functions)]
    assert missing == [], "writers without an audit record: " + ", ".join(missing)


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
