"""The demo's projects: Laixi on 2023-03-31 with a realistic mix for the project rules and the battle map."""

from collections import Counter
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import override_settings

from gongjian.demo import campaign as demo_campaign
from gongjian.demo import org, projects, reports
from gongjian.projects.models import Project
from gongjian.projects.rules import PROJECT_RULES, evaluate_project, load_project_facts
from gongjian.workdays import days

pytestmark = pytest.mark.django_db
DEMO_DAY = date(2023, 3, 31)


def _load():
    with override_settings(GONGJIAN_TODAY=DEMO_DAY):
        org.load()
        office = get_user_model().objects.get(username="office")
        campaign = demo_campaign.load(office)
        reports.load(campaign, office)
        return projects.load(campaign, office)


def _counts() -> dict:
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in ("projects", "campaigns", "dispatch", "supervision")}


@pytest.fixture
def demo(settings):
    settings.GONGJIAN_TODAY = DEMO_DAY
    return _load()


def test_forty_projects_across_the_towns_loaded_once(demo):
    assert demo["projects"] == 40
    towns = Counter(Project.objects.values_list("town__name", flat=True))
    assert len(towns) >= 11 and None not in towns
    assert {"北汽制造莱西基地新能源整车扩能项目", "高铁新城片区开发（一期）", "月湖公园更新改造", "青岛现代职教园（一期）",
            "莱西预制菜产业园（一期）", "莱西莱阳共建产业园（一期）"} <= set(Project.objects.values_list("title", flat=True))
    before = _counts()
    _load()
    assert _counts() == before


def test_rules_and_battle_map_on_the_demo(demo, client):
    facts = load_project_facts(DEMO_DAY)
    rules = {code: dict(rule["params"]) for code, rule in PROJECT_RULES.items()}
    findings = {pid: evaluate_project(f, rules, DEMO_DAY, days.calendar()) for pid, f in facts.items()}
    by_rule = Counter(f.rule for fs in findings.values() for f in fs)
    assert set(by_rule) == set(PROJECT_RULES), by_rule
    clean = sum(1 for fs in findings.values() if not fs)
    assert clean >= len(facts) // 2, (clean, len(facts))
    colors = Counter(f.color for fs in findings.values() for f in fs)
    assert colors["red"] and colors["yellow"]
    # Loaded once (loading takes seconds), the battle map's views are checked on the same data.
    client.force_login(get_user_model().objects.get(username="office"))
    deployment = client.get("/battle/deployment/")
    assert deployment.status_code == 200
    areas = deployment.context["groups"]["area"]
    assert len(areas) >= 5 and all(row.target is not None for row in areas)
    progress = client.get("/battle/progress.json?kind=all").json()
    kinds = Counter(row[2] for row in progress["rows"])
    assert kinds[0] >= 30 and kinds[1] >= 30
    flags = Counter(m[1] for row in progress["rows"] for m in row[-1])
    assert flags[1] and flags[2] and flags[0]  # red flags, black flags and planned milestones
    guarantee = client.get("/battle/guarantee/")
    assert guarantee.context["total"] >= 3 and guarantee.context["overdue"] >= 3
    attraction = client.get("/projects/attraction/").context
    assert attraction["attracted"] >= 10 and all(r.denominator for r in attraction["rates"])
    assert client.get("/projects/map/").context["count"] == 40
    client.force_login(get_user_model().objects.get(username="jiangshan_editor"))
    assert 1 <= client.get("/projects/").context["count"] < 40
