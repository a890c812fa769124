"""A web or job worker loads the URL configuration and every app's jobs; scikit-learn (~100 MB) and pypinyin's phrase
dictionary (~0.8 s) must load only in the process that routes tickets or saves a name."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
import django
django.setup()
import gongjian.urls
from django.utils.module_loading import autodiscover_modules
autodiscover_modules("tasks")
print(json.dumps({name: name in sys.modules for name in ("sklearn", "scipy", "pypinyin")}))
"""


def test_url_configuration_and_jobs_do_not_import_heavy_libraries():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"sklearn": False, "scipy": False, "pypinyin": False}


def test_routing_still_loads_scikit_learn_when_it_runs():
    probe = PROBE.replace('print(json.dumps', 'from gongjian.frontline.routing_store import RoutingModelRecord\n'
                          'from gongjian.frontline import routing\nprint(json.dumps')
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1])["sklearn"] is True
