"""The demo's published password must never reach a production database or sit beside a county's own data."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from gongjian.org.models import Unit
from gongjian.org.services import user_create

ROOT = Path(__file__).resolve().parents[2]
User = get_user_model()


@pytest.mark.django_db
def test_production_setting_refuses_and_writes_nothing(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", stdout=StringIO(), force=True)
    assert User.objects.count() == 0 and Unit.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_production_command_line_exits_nonzero_and_writes_nothing():
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        url = f"sqlite:///{db['NAME']}"
    env = {**os.environ, "GONGJIAN_PRODUCTION": "true", "SECRET_KEY": "x" * 60, "DATABASE_URL": url}
    env.pop("GONGJIAN_TODAY", None)
    done = subprocess.run([sys.executable, "-m", "gongjian.cli", "demo"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0
    if connection.vendor == "postgresql":
        assert "生产环境" in done.stderr
    assert User.objects.count() == 0 and Unit.objects.count() == 0


@pytest.mark.django_db
def test_a_countys_own_data_blocks_the_demo_unless_forced(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    county = Unit.objects.create(name="某某县人民政府", kind=Unit.Kind.LEADERSHIP)
    user_create(actor=None, username="zhangsan", password="Qx7#county2027", display_name="张三", unit=county)
    with pytest.raises(CommandError, match="zhangsan"):
        call_command("demo", stdout=StringIO())
    assert User.objects.count() == 1 and Unit.objects.count() == 1
    err = StringIO()
    call_command("demo", stdout=StringIO(), stderr=err, force=True)
    assert "警告" in err.getvalue() and User.objects.filter(username="office").exists()
