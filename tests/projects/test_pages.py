"""Project pages: list, create, edit, detail, status, plan, attraction board and map — and who may use them."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.dispatch import services as dispatch_services
from gongjian.projects import services
from gongjian.projects.models import Project
from gongjian.supervision.models import Card

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")


def test_list_counts_filters_and_exports_the_same_rows(make_project, cast, client_for, other_town, today):
    make_project(industry_chain="新材料")
    make_project("院上镇项目", town=other_town, industry_chain="预制菜")
    client = client_for(cast.office)
    page = client.get("/projects/")
    assert page.context["count"] == 2 and 'id="row-count">2<' in page.content.decode()
    filtered = client.get("/projects/?chain=预制菜")
    assert filtered.context["count"] == 1 and "院上镇项目" in filtered.content.decode()
    export = client.get("/projects/?chain=预制菜&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "院上镇项目"
    from gongjian.audit.models import AuditEvent

    assert AuditEvent.objects.get(event="project_ledger.export").changes["rows"] == 1


def test_list_shows_completion_and_card_with_its_word(make_project, cast, client_for, month, today):
    project = make_project()
    report = services.project_dispatch_save(actor=cast.editor_a, project=project, period=month(2), submit=True,
                                            report_fields={"work_done": "推进"}, figures={"invested": 100 * WAN})
    dispatch_services.report_approve(actor=cast.office, report=report)
    Card.objects.create(task=project, valid_from=date(2023, 3, 31), valid_until=date(2023, 3, 31), color="yellow", findings=[])
    html = client_for(cast.leader).get("/projects/").content.decode()
    # February measured (March not due): 100万 of 1200万 = 8.3 %, plan to February 16.7 %.
    assert "8.3%" in html and "低于时间进度8.3个百分点" in html
    assert '<span class="badge-card card-yellow">黄</span>' in html
    assert client_for(cast.leader).get("/projects/?card=yellow").context["count"] == 1
    assert client_for(cast.leader).get("/projects/?card=red").context["count"] == 0


def test_list_is_scoped(make_project, cast, client_for, today):
    make_project()
    assert client_for(cast.outsider_b).get("/projects/").context["count"] == 0
    assert client_for(cast.viewer_a).get("/projects/").context["count"] == 1


def _create_form(campaign, cast, **overrides) -> dict:
    return {"campaign": campaign.pk, "title": "青岛现代职教园二期", "level": "city", "nature": "new",
            "lead_unit": cast.unit_a.pk, "town": cast.unit_a.pk, "planned_start": "2023-04-01",
            "planned_completion": "2024-08-31", "total_investment": "35000"} | overrides


def test_office_creates_a_project_in_wan(cast, client_for, campaign, today):
    response = client_for(cast.office).post("/projects/new/", _create_form(campaign, cast))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert project.total_investment == Decimal("350000000.00") and project.start == date(2023, 4, 1)


@pytest.mark.parametrize(("field", "value"), [("total_investment", "abc"), ("planned_completion", "2023-01-01"),
                                              ("title", ""), ("contact_phone", "not a phone"),
                                              ("latitude", "36.7")])
def test_create_names_the_bad_field(cast, client_for, campaign, field, value, today):
    response = client_for(cast.office).post("/projects/new/", _create_form(campaign, cast, **{field: value}))
    assert response.status_code == 400 and not Project.objects.exists()
    errors = response.context["form"].errors
    assert errors.get(field) or errors.get("planned_start"), errors


def test_only_the_office_creates_and_edits(make_project, cast, client_for, campaign):
    project = make_project()
    for user in (cast.editor_a, cast.leader, cast.viewer_a):
        assert client_for(user).post("/projects/new/", _create_form(campaign, cast)).status_code == 403
        assert client_for(user).post(f"/projects/{project.pk}/edit/", {}).status_code == 403
        assert client_for(user).post(f"/projects/{project.pk}/plan/", {}).status_code == 403
    assert client_for(cast.outsider_b).get(f"/projects/{project.pk}/edit/").status_code == 404


def test_office_edits_project_fields(make_project, cast, client_for, campaign):
    project = make_project()
    client = client_for(cast.office)
    form = client.get(f"/projects/{project.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    data |= {"lead_unit": cast.unit_a.pk, "town": cast.unit_a.pk, "focus_area": campaign.focus_areas.first().pk,
             "co_units": [], "industry_chain": "高端装备", "version": project.version,
             "planned_start": "2023-02-01", "planned_completion": "2023-12-31", "total_investment": "6000"}
    data.pop("campaign", None)
    response = client.post(f"/projects/{project.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get().industry_chain == "高端装备"


def test_detail_masks_the_contact_phone_for_readers(make_project, cast, client_for):
    project = make_project(contact_name="王经理", contact_phone="13800005678")
    assert "13800005678" in client_for(cast.editor_a).get(f"/projects/{project.pk}/").content.decode()
    reader = client_for(cast.leader).get(f"/projects/{project.pk}/").content.decode()
    assert "138****5678" in reader and "13800005678" not in reader
    assert client_for(cast.outsider_b).get(f"/projects/{project.pk}/").status_code == 404


def test_detail_of_a_task_that_is_no_project_is_404(task_a, cast, client_for):
    assert client_for(cast.office).get(f"/projects/{task_a.pk}/").status_code == 404


def test_editor_updates_status_and_approvals_together(make_project, cast, client_for, today):
    project = make_project()
    data = {"actual_start": "2023-02-10", "workers_on_site": "150", "stats_status": "submitted", "stats_basis": "",
            **{f"{k}_status": "todo" for k in ("project", "land", "planning", "environment", "feasibility", "design",
                                               "construction")}}
    data |= {"project_status": "done", "project_done_on": "2023-01-16"}
    client = client_for(cast.editor_a)
    assert client.post(f"/projects/{project.pk}/status/", data).status_code == 302
    project.refresh_from_db()
    assert (project.actual_start, project.workers_on_site, project.stats_status) == (date(2023, 2, 10), 150,
                                                                                     "submitted")
    assert project.approvals.get(kind="project").done_on == date(2023, 1, 16)
    bad = data | {"land_status": "done"}  # done without a date: nothing of this post is kept
    response = client.post(f"/projects/{project.pk}/status/", bad | {"workers_on_site": "999"})
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.workers_on_site == 150
    assert client_for(cast.viewer_a).post(f"/projects/{project.pk}/status/", data).status_code == 403


def test_office_sets_the_plan_and_funding(make_project, cast, client_for):
    project = make_project(plan=False)
    data = {f"investment_{m}": "100" for m in range(1, 13)} | {"gov_1": "10", "funding_enterprise": "6000"}
    response = client_for(cast.office).post(f"/projects/{project.pk}/plan/", data)
    assert response.status_code == 302
    assert sum(p.investment for p in project.plans.all()) == 1200 * WAN
    response = client_for(cast.office).post(f"/projects/{project.pk}/plan/", data | {"funding_enterprise": "5000"})
    assert response.status_code == 400 and "资金来源合计" in response.content.decode()


# --- attraction board -------------------------------------------------------------------------------------------

@pytest.fixture
def pipeline(make_project, cast, month):
    """Five attracted projects: a lead, and four signed ones of which two registered or later, one started."""
    make_project("线索项目", attraction_stage="lead")
    signed = make_project("签约未注册", attraction_stage="contract_signed", signed_on=date(2023, 1, 5),
                          planned_start=date(2023, 3, 1))
    make_project("已注册未开工", attraction_stage="registered", signed_on=date(2023, 1, 6), planned_start=date(2023, 3, 1))
    started = make_project("已开工", attraction_stage="contract_signed", signed_on=date(2022, 12, 1),
                           actual_start=date(2023, 2, 10), planned_production=date(2023, 3, 15))
    make_project("明年开工", attraction_stage="contract_signed", signed_on=date(2023, 2, 1),
                 planned_start=date(2023, 9, 1), planned_completion=date(2024, 6, 30))
    for project, funds in ((signed, 1200), (started, 1800)):
        report = services.project_dispatch_save(
            actor=cast.editor_a, project=project, period=month(2), submit=True, report_fields={"work_done": "推进"},
            figures={"invested": 10 * WAN, "funds_in_place": funds * WAN})
        dispatch_services.report_approve(actor=cast.office, report=report)
    return started


def test_attraction_rates_match_their_definitions(pipeline, cast, client_for, today):
    response = client_for(cast.leader).get("/projects/attraction/")
    rates = {r.key: r for r in response.context["rates"]}
    stages = {s["value"]: s["count"] for s in response.context["stages"]}
    assert stages == {"lead": 1, "negotiating": 0, "framework_signed": 0, "contract_signed": 2, "registered": 1,
                      "started": 1, "producing": 0}
    # 4 signed: registered or later = 2 (registered, started) → 50 %.
    assert (rates["fulfilment"].numerator, rates["fulfilment"].denominator) == (2, 4)
    # Funds in place 3000万 of 4 × 6000万 contracted = 12.5 %.
    assert rates["funds"].percent == Decimal("12.5")
    # Due to start by 3-31: three (Feb, Mar, Mar); started: one → 33.3 %.
    assert (rates["start"].numerator, rates["start"].denominator) == (1, 3)
    # Due to produce: one (3-15), produced: none → 0 %.
    assert (rates["production"].numerator, rates["production"].denominator) == (0, 1)
    html = response.content.decode()
    assert "履约率" in html and "33.3%" in html and "12.5%" in html


def test_rate_links_list_the_rows_they_count(pipeline, cast, client_for, today):
    client = client_for(cast.office)
    for query, count in (("signed=true", 4), ("signed=true&registered=true", 2),
                         ("signed=true&start_due=true", 3), ("signed=true&start_due=true&started=true", 1),
                         ("stage=contract_signed", 2), ("attracted=true", 5)):
        assert client.get(f"/projects/?{query}").context["count"] == count, query


def test_attraction_api_gives_the_pipeline(pipeline, cast, api_for, today):
    body = api_for(cast.leader).get("/api/v1/attraction/").json()
    assert body["attracted"] == 5 and body["signed"] == 4
    assert {r["key"]: r["percent"] for r in body["rates"]} == {"fulfilment": "50.0", "funds": "12.5",
                                                               "start": "33.3", "production": "0.0"}
    assert api_for(cast.outsider_b).get("/api/v1/attraction/").json()["attracted"] == 0
    assert api_for(cast.leader).get("/api/v1/attraction/?town=abc").status_code == 400
    assert api_for(None).get("/api/v1/attraction/").status_code in (401, 403)


# --- map ---------------------------------------------------------------------------------------------------------

def test_map_draws_without_external_requests_by_default(make_project, cast, client_for, today):
    make_project(latitude=Decimal("36.70"), longitude=Decimal("120.50"))
    make_project("无坐标项目")
    response = client_for(cast.office).get("/projects/map/")
    html = response.content.decode()
    data = response.context["data"]
    assert data["tiles"] == "" and len(data["projects"]) == 2
    exact = {p["name"]: p["exact"] for p in data["projects"]}
    assert exact == {"姜山新材料产业园标准厂房": True, "无坐标项目": False}
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert "vendor/echarts/echarts.min.js" in html and "js/battlemap.js" in html


def test_map_uses_a_configured_tile_server(make_project, cast, client_for, settings, today):
    settings.GONGJIAN_MAP_TILE_URL = "https://tiles.gov.example/{z}/{x}/{y}.png"
    make_project()
    assert client_for(cast.office).get("/projects/map/").context["data"]["tiles"] == settings.GONGJIAN_MAP_TILE_URL


def test_map_is_scoped(make_project, cast, client_for, today):
    make_project()
    assert client_for(cast.outsider_b).get("/projects/map/").context["count"] == 0


def test_map_sums_up_towns_past_its_point_limit(make_project, cast, client_for, other_town, monkeypatch, today):
    from gongjian.projects import views

    make_project()
    make_project("院上镇项目", town=other_town)
    monkeypatch.setattr(views, "MAP_POINT_LIMIT", 1)
    context = client_for(cast.office).get("/projects/map/").context
    assert context["summarised"] and context["data"]["projects"] == [] and context["count"] == 2
    assert {t["name"]: t["count"] for t in context["data"]["towns"]} == {"姜山镇": 1, "院上镇": 1}
    town = client_for(cast.office).get(f"/projects/map/?town={other_town.pk}").context
    assert not town["summarised"] and [p["name"] for p in town["data"]["projects"]] == ["院上镇项目"]


def test_an_export_past_the_import_limit_asks_for_a_filter(make_project, cast, client_for, monkeypatch, today):
    from gongjian import xlsx

    make_project()
    make_project("第二个项目")
    monkeypatch.setattr(xlsx, "MAX_ROWS", 1)
    response = client_for(cast.office).get("/projects/?export=xlsx")
    assert response.status_code == 302 and "export" not in response["Location"]
