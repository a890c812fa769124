"""One Laixi demo database per test module: loading it takes most of a minute, so the page-wide tests that need
the whole demo (every role, every link) share one load and leave an empty database behind them."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

DEMO_DAY = date(2023, 3, 31)
# Every demo account, one per role (the city leaders share one role; the mayor stands for them).
DEMO_USERS = ["office", "mayor", "jiangshan_editor", "jiangshan_viewer", "fgj_editor", "grid_jiangshan",
              "sysadmin", "secadmin", "auditadmin"]


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    fast = override_settings(GONGJIAN_TODAY=DEMO_DAY,
                             PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()
    with django_db_blocker.unblock():
        # Flushed afterwards: never let that reach a real database.
        name = str(connection.settings_dict["NAME"])
        assert name.startswith("test_") or "memory" in name, f"the demo fixture runs on a test database, not {name}"
        call_command("demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
    fast.disable()
