"""The battle map: the progress view's JSON (shape, filters, scope, bounded queries), the deployment and guarantee
views, and A3 landscape print."""

import gzip
import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.campaigns import services as task_services
from gongjian.org.models import Person
from gongjian.projects import services
from gongjian.supervision import services as supervision_services
from gongjian.supervision.models import Card

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")
URL = "/battle/progress.json"


def _json(client, query=""):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def _row(data, pk) -> dict:
    row = next(r for r in data["rows"] if r[0] == pk)
    return dict(zip(data["fields"], row, strict=True))


@pytest.fixture
def projects(make_project, cast, other_town, task_a):
    """Two projects in two towns with milestones (one done, one overdue, one planned and critical) and a card."""
    task_services.task_assign(actor=cast.office, task=task_a)
    first = make_project(industry_chain="新材料", level="province")
    second = make_project("院上镇预制菜冷链物流园", industry_chain="预制菜", town=other_town,
                          planned_start=date(2023, 3, 1), planned_completion=date(2024, 6, 30))
    done = task_services.milestone_create(actor=cast.office, task=first, title="完成立项",
                                          planned_date=date(2023, 2, 20))
    task_services.milestone_complete(actor=cast.office, milestone=done, done_on=date(2023, 2, 18))
    task_services.milestone_create(actor=cast.office, task=first, title="土地摘牌", planned_date=date(2023, 3, 20))
    critical = task_services.milestone_create(actor=cast.office, task=first, title="主体封顶",
                                              planned_date=date(2023, 9, 30))
    critical.is_critical = True
    critical.save()
    Card.objects.create(task=first, valid_from=date(2023, 3, 31), valid_until=date(2023, 3, 31), color="red", findings=[])
    Card.objects.create(task=second, valid_from=date(2023, 3, 31), valid_until=date(2023, 3, 31), color="green", findings=[])
    Card.objects.create(task=second, valid_from=date(2023, 3, 30), valid_until=date(2023, 3, 30), color="yellow", findings=[])
    return first, second


def test_json_is_gantt_v1_with_milestone_flags(projects, cast, client_for, today):
    first, second = projects
    data = _json(client_for(cast.office))
    assert data["v"] == 1 and data["origin"] == "2023-01-01" and data["today"] == 89
    assert data["fields"] == ["id", "title", "kind", "unit", "leader", "town", "chain", "start", "end", "progress",
                              "card", "milestones"]
    assert {r[0] for r in data["rows"]} == {first.pk, second.pk}
    row = _row(data, first.pk)
    assert data["dict"]["kind"][row["kind"]] == "项目"
    assert data["dict"]["town"][row["town"]] == "姜山镇" and data["dict"]["chain"][row["chain"]] == "新材料"
    assert (row["start"], row["end"], row["card"]) == (31, 364, 3)
    flags = {data["dict"]["milestone"][m[3]]: (m[0], m[1], m[2]) for m in row["milestones"]}
    # planned day, status (1 red flag: done, 2 black flag: overdue, 0 planned), critical
    assert flags == {"完成立项": (50, 1, 0), "土地摘牌": (78, 2, 0), "主体封顶": (272, 0, 1)}
    assert _row(data, second.pk)["card"] == 1 and _row(data, second.pk)["end"] == 546


def test_json_is_compact(projects, cast, client_for, today):
    body = client_for(cast.office).get(URL).content.decode()
    assert ": " not in body and ", " not in body and "\\u" not in body


def test_json_is_gzipped_for_clients_that_accept_it(projects, cast, client_for, today):
    response = client_for(cast.office).get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["v"] == 1


@pytest.mark.parametrize(("query", "expected"), [
    ("chain=预制菜", ["院上镇预制菜冷链物流园"]),
    ("level=province", ["姜山新材料产业园标准厂房"]),
    ("card=red", ["姜山新材料产业园标准厂房"]),
    ("q=冷链", ["院上镇预制菜冷链物流园"]),
    ("kind=task", ["建强姜山园区"]),
    ("kind=all", ["姜山新材料产业园标准厂房", "院上镇预制菜冷链物流园", "建强姜山园区"]),
    ("kind=all&chain=新材料", ["姜山新材料产业园标准厂房"]),
])
def test_filters_select_rows(projects, cast, client_for, today, query, expected):
    data = _json(client_for(cast.office), query)
    assert sorted(r[1] for r in data["rows"]) == sorted(expected)


def test_town_and_leader_filters(projects, cast, client_for, other_town, today):
    first, _ = projects
    leader = Person.objects.get(user=cast.leader)
    leader.is_city_leader = True
    leader.save()
    services.project_update(actor=cast.office, project=first, lead_leader=leader)
    client = client_for(cast.office)
    assert [r[1] for r in _json(client, f"town={other_town.pk}")["rows"]] == ["院上镇预制菜冷链物流园"]
    data = _json(client, f"leader={leader.pk}")
    assert [r[0] for r in data["rows"]] == [first.pk]
    assert data["dict"]["leader"][data["rows"][0][4]] == leader.display_name


@pytest.mark.parametrize(("query", "field"), [("town=abc", "town"), ("kind=everything", "kind"),
                                              ("card=blue", "card"), ("leader=999999", "leader")])
def test_bad_filter_is_400_naming_the_field(projects, cast, client_for, query, field):
    response = client_for(cast.office).get(f"{URL}?{query}")
    assert response.status_code == 400 and response.json()["field"] == field


def test_units_see_only_their_projects(projects, cast, client_for, today):
    assert _json(client_for(cast.outsider_b))["rows"] == []
    assert len(_json(client_for(cast.viewer_a))["rows"]) == 2  # unit A leads both, wherever they are built
    assert len(_json(client_for(cast.leader))["rows"]) == 2


def test_anonymous_json_is_refused(citizen):
    response = citizen.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL + "?kind=all").status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(projects, make_project, cast, client_for, today):
    client = client_for(cast.office)
    few = _count_queries(client)
    for i in range(15):
        project = make_project(f"批量项目{i}", plan=False)
        task_services.milestone_create(actor=cast.office, task=project, title="开工", planned_date=date(2023, 5, 1))
    assert _count_queries(client) == few
    assert few <= 12


def test_max_queries_bound(projects, cast, client_for, today, django_assert_max_num_queries):
    client = client_for(cast.office)
    with django_assert_max_num_queries(12):
        client.get(URL + "?kind=all")


def test_progress_page_loads_the_json_with_its_filters(projects, cast, client_for, today):
    page = client_for(cast.office).get("/battle/progress/?chain=新材料&group=chain").content.decode()
    assert "gantt.js" in page and "gantt.css" in page
    assert 'data-url="/battle/progress.json?chain=' in page and 'data-group="chain"' in page
    assert "battle_progress.js" in page and 'id="print-a3"' in page


# --- deployment -------------------------------------------------------------------------------------------------

def test_deployment_compares_targets_with_what_is_done(make_project, cast, client_for, campaign, month, today):
    area = campaign.focus_areas.first()
    project = make_project(attraction_stage="contract_signed", signed_on=date(2023, 1, 12),
                           actual_start=date(2023, 2, 10))
    make_project("计划项目", planned_start=date(2023, 6, 1), planned_production=date(2023, 12, 1))
    services.battle_target_set(actor=cast.office, campaign=campaign, focus_area=area, attract=4, start=6, produce=2,
                               investment=5000 * WAN, leader=None, unit=cast.unit_b)
    report = services.project_dispatch_save(actor=cast.editor_a, project=project, period=month(2), submit=True,
                                            report_fields={"work_done": "推进"}, figures={"invested": 250 * WAN})
    from gongjian.dispatch import services as dispatch_services

    dispatch_services.report_approve(actor=cast.office, report=report)
    response = client_for(cast.leader).get("/battle/deployment/")
    assert response.status_code == 200
    rows = response.context["groups"]
    area_row = next(r for r in rows["area"] if r.id == area.pk)
    assert area_row.done == {"attract": 1, "start": 1, "produce": 0, "investment": 250 * WAN}
    assert area_row.unit == "发改局" and area_row.investment_share == Decimal(5)
    town_row = next(r for r in rows["town"] if r.id == cast.unit_a.pk)
    # No target for the town: the goals are what the projects themselves plan this year.
    assert town_row.target is None and town_row.planned["start"] == 2 and town_row.planned["produce"] == 1
    assert town_row.planned["investment"] == 2400 * WAN and town_row.unit == "姜山镇"
    html = response.content.decode()
    assert f"?campaign={campaign.pk}&amp;focus_area={area.pk}&started_year=2023" in html
    assert "size: A3 landscape" in html


def test_deployment_numbers_link_to_the_rows_they_count(make_project, cast, client_for, campaign, today):
    area = campaign.focus_areas.first()
    make_project(actual_start=date(2023, 2, 10))
    make_project("未开工项目")
    client = client_for(cast.office)
    listed = client.get(f"/projects/?campaign={campaign.pk}&focus_area={area.pk}&started_year=2023")
    assert listed.context["count"] == 1


def test_targets_page_is_for_the_office(cast, client_for, campaign):
    assert client_for(cast.leader).get("/battle/deployment/targets/").status_code == 403
    client = client_for(cast.office)
    assert client.get(f"/battle/deployment/targets/?campaign={campaign.pk}").status_code == 200
    area = campaign.focus_areas.first()
    prefix = f"area-{area.pk}"
    response = client.post(f"/battle/deployment/targets/?campaign={campaign.pk}",
                           {f"{prefix}-attract": "5", f"{prefix}-investment": "1200.5"})
    assert response.status_code == 302
    target = campaign.battle_targets.get()
    assert (target.attract, target.investment) == (5, Decimal("12005000.00"))
    response = client.post(f"/battle/deployment/targets/?campaign={campaign.pk}", {f"{prefix}-attract": "-1"})
    assert response.status_code == 400


# --- guarantee --------------------------------------------------------------------------------------------------

def test_guarantee_counts_open_blockers_by_category_unit_level_and_age(projects, cast, client_for, task_a, today):
    first, second = projects
    with_settings_day = date(2023, 2, 1)
    from django.test import override_settings

    with override_settings(GONGJIAN_TODAY=with_settings_day):
        old = supervision_services.blocker_raise(actor=cast.office, task=first, category="land", description="用地",
                                                 responsible_unit=cast.unit_b)
    supervision_services.blocker_raise(actor=cast.office, task=second, category="land", description="规划调整",
                                       responsible_unit=cast.unit_b)
    supervision_services.blocker_raise(actor=cast.office, task=second, category="funding", description="资金",
                                       responsible_unit=cast.unit_a)
    supervision_services.blocker_raise(actor=cast.office, task=task_a, category="funding", description="任务的",
                                       responsible_unit=cast.unit_a)
    closed = supervision_services.blocker_raise(actor=cast.office, task=first, category="bidding",
                                                description="已解决", responsible_unit=cast.unit_b)
    supervision_services.blocker_resolve(actor=cast.office, blocker=closed, resolution="已办")
    response = client_for(cast.office).get("/battle/guarantee/")
    ctx = response.context
    assert ctx["total"] == 3 and ctx["overdue"] == 1
    assert ctx["matrix"] == {"land": {cast.unit_b.pk: 2}, "funding": {cast.unit_a.pk: 1}}
    assert [n for _, _, n in ctx["ages"]] == [2, 0, 1]  # 2023-02-01 → 03-31 is 39 working days
    assert ctx["count"] == 3 and old.pk in [r["blocker"].pk for r in ctx["rows"]]
    everything = client_for(cast.office).get("/battle/guarantee/?scope=all").context
    assert everything["total"] == 4
    filtered = client_for(cast.office).get(f"/battle/guarantee/?category=land&unit={cast.unit_b.pk}").context
    assert filtered["count"] == 2 and filtered["total"] == 3
    aged = client_for(cast.office).get("/battle/guarantee/?age=2").context
    assert [r["blocker"].pk for r in aged["rows"]] == [old.pk]
    assert "size: A3 landscape" in response.content.decode()


def test_guarantee_is_scoped(projects, cast, client_for, today):
    first, _ = projects
    supervision_services.blocker_raise(actor=cast.office, task=first, category="land", description="用地",
                                       responsible_unit=cast.unit_a)
    assert client_for(cast.outsider_b).get("/battle/guarantee/").context["total"] == 0
    assert client_for(cast.viewer_a).get("/battle/guarantee/").context["total"] == 1


@pytest.mark.parametrize("url", ["/battle/", "/battle/deployment/", "/battle/progress/", "/battle/guarantee/",
                                 "/battle/deployment/targets/"])
def test_battle_pages_need_login(citizen, url):
    response = citizen.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
