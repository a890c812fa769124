"""A web or job worker loads the URL configuration and every app's jobs; scikit-learn (~100 MB) and pypinyin's phrase
dictionary (~0.8 s) must load only in the process that routes tickets or saves a name, openpyxl (with numpy) only in
one that reads or writes a spreadsheet. `gongjian --help` lists the
commands without loading any app."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
import django
django.setup()
import gongjian.urls
from django.utils.module_loading import autodiscover_modules
autodiscover_modules("tasks")
print(json.dumps({name: name in sys.modules for name in ("sklearn", "scipy", "pypinyin", "openpyxl", "numpy")}))
"""


def test_url_configuration_and_jobs_do_not_import_heavy_libraries():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"sklearn": False, "scipy": False, "pypinyin": False,
                                                               "openpyxl": False, "numpy": False}


def test_routing_still_loads_scikit_learn_when_it_runs():
    probe = PROBE.replace('print(json.dumps', 'from gongjian.frontline.routing_store import RoutingModelRecord\n'
                          'from gongjian.frontline import routing\nprint(json.dumps')
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1])["sklearn"] is True


HELP_PROBE = """
import json, sys
sys.argv = ["gongjian", *json.loads(sys.argv[1])]
from gongjian.cli import main
main()
heavy = ("openpyxl", "redis", "huey", "docx", "gongjian.campaigns.models")
loaded = {name: name in sys.modules for name in heavy}
from django.apps import apps
loaded["apps_ready"] = apps.ready
print(json.dumps(loaded), file=sys.stderr)
"""
DJANGO_HELP = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(["gongjian", *sys.argv[1:]])
"""


@pytest.mark.parametrize("args", [["--help"], [], ["help", "--commands"]], ids=["--help", "bare", "--commands"])
def test_the_command_list_is_djangos_own_without_loading_the_apps(args):
    fast = subprocess.run([sys.executable, "-c", HELP_PROBE, json.dumps(args)], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=120)
    full = subprocess.run([sys.executable, "-c", DJANGO_HELP, *args], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=120)
    assert fast.stdout == full.stdout and "assess" in fast.stdout and "bench" in fast.stdout
    assert json.loads(fast.stderr.strip().splitlines()[-1]) == {
        "openpyxl": False, "redis": False, "huey": False, "docx": False,
        "gongjian.campaigns.models": False, "apps_ready": False}


def test_help_costs_little_cpu():
    # CPU time, not wall time: a busy machine stretches the wall clock but not this. It was 1.1-1.4 s with every app
    # loaded; without them about 0.15 s.
    def cpu_seconds() -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "gongjian.cli", "--help"], cwd=ROOT, capture_output=True, check=True,
                       timeout=120)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime

    assert min(cpu_seconds() for _ in range(3)) < 0.5


def test_a_command_still_loads_the_apps():
    out = subprocess.run([sys.executable, "-m", "gongjian.cli", "help", "assess"], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    assert "usage: gongjian assess" in out.stdout


def test_help_with_settings_that_do_not_load_is_djangos_core_list():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongjian.no_such_settings"}
    out = subprocess.run([sys.executable, "-m", "gongjian.cli", "--help"], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    assert "migrate" in out.stdout and "bench" not in out.stdout
    assert "settings are not properly configured" in out.stdout
