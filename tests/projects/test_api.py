"""The projects API: scoped like tasks, office-only writes, project dispatch figures with derived numbers."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.audit.models import AuditEvent
from gongjian.projects.models import Project, ProjectFigures

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")


def _payload(campaign, cast, **overrides) -> dict:
    return {"campaign": campaign.pk, "title": "莱西莱阳共建产业园标准厂房", "lead_unit": cast.unit_a.pk,
            "town": cast.unit_a.pk, "planned_start": "2023-03-01", "planned_completion": "2024-12-31",
            "total_investment": "80000000.00", "level": "province", "industry_chain": "高端装备"} | overrides


def test_office_creates_and_everyone_in_scope_reads(cast, campaign, api_for, today):
    response = api_for(cast.office).post("/api/v1/projects/", _payload(campaign, cast), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["planned_start"] == "2023-03-01" and body["total_investment"] == "80000000.00"
    assert body["stats_status"] == "pending" and body["status"] == "draft"
    assert AuditEvent.objects.filter(event="project.create", object_id=str(body["id"])).exists()
    assert api_for(cast.viewer_a).get(f"/api/v1/projects/{body['id']}/").status_code == 200
    assert api_for(cast.outsider_b).get(f"/api/v1/projects/{body['id']}/").status_code == 404
    assert [p["id"] for p in api_for(cast.leader).get("/api/v1/projects/").json()["results"]] == [body["id"]]
    assert api_for(cast.outsider_b).get("/api/v1/projects/").json()["results"] == []


@pytest.mark.parametrize(("field", "value"), [("total_investment", "-5"), ("planned_start", "2025-01-01"),
                                              ("town", None), ("code", "非法代码"), ("level", "national")])
def test_bad_input_is_400_naming_the_field(cast, campaign, api_for, field, value, today):
    payload = _payload(campaign, cast, **{field: value})
    if value is None:
        payload["town"] = cast.unit_b.pk
    response = api_for(cast.office).post("/api/v1/projects/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body or body.get("field") == field, body
    assert not Project.objects.exists()


def test_only_the_office_writes(make_project, cast, campaign, api_for):
    project = make_project()
    assert api_for(cast.editor_a).post("/api/v1/projects/", _payload(campaign, cast), format="json").status_code == 403
    assert api_for(cast.leader).patch(f"/api/v1/projects/{project.pk}/", {"code": "X1"},
                                      format="json").status_code == 403
    assert api_for(cast.outsider_b).patch(f"/api/v1/projects/{project.pk}/", {"code": "X1"},
                                          format="json").status_code == 404
    assert api_for(None).get("/api/v1/projects/").status_code in (401, 403)


def test_patch_with_a_stale_version_is_409(make_project, cast, api_for):
    project = make_project()
    client = api_for(cast.office)
    ok = client.patch(f"/api/v1/projects/{project.pk}/", {"industry_chain": "新材料",
                                                          "expected_version": project.version}, format="json")
    assert ok.status_code == 200 and ok.json()["industry_chain"] == "新材料"
    stale = client.patch(f"/api/v1/projects/{project.pk}/", {"industry_chain": "预制菜",
                                                             "expected_version": project.version}, format="json")
    assert stale.status_code == 409


def test_readers_see_masked_contacts(make_project, cast, api_for):
    project = make_project(contact_phone="13800005678")
    assert api_for(cast.leader).get(f"/api/v1/projects/{project.pk}/").json()["contact_phone"] == "138****5678"
    assert api_for(cast.office).get(f"/api/v1/projects/{project.pk}/").json()["contact_phone"] == "13800005678"


def test_filters_match_the_list_page(make_project, cast, api_for, other_town):
    make_project(industry_chain="预制菜")
    make_project("院上项目", town=other_town)
    body = api_for(cast.office).get(f"/api/v1/projects/?town={other_town.pk}").json()
    assert [p["title"] for p in body["results"]] == ["院上项目"]


def test_editor_posts_figures_and_gets_derived_numbers(make_project, cast, api_for, month, today):
    project = make_project(prior_investment=500 * WAN)
    payload = {"project": project.pk, "period": month(3).pk, "invested": "1500000", "workers": 90,
               "image_progress": "钢结构吊装", "work_done": "完成钢结构吊装", "submit": True,
               "problems": [{"category": "funding", "description": "配套资金未到位"}]}
    response = api_for(cast.editor_a).post("/api/v1/project-figures/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "submitted" and body["month"] == 3
    assert body["derived"]["year_to_date"] == "1500000.00" and body["derived"]["since_start"] == "6500000.00"
    assert body["derived"]["phrase"] == "低于时间进度12.5个百分点"
    listed = api_for(cast.viewer_a).get(f"/api/v1/project-figures/?project={project.pk}").json()
    assert [f["id"] for f in listed["results"]] == [body["id"]]
    assert api_for(cast.outsider_b).get("/api/v1/project-figures/").json()["results"] == []


def test_figures_writes_are_checked(make_project, cast, api_for, month, today):
    project = make_project()
    payload = {"project": project.pk, "period": month(3).pk, "invested": "100", "work_done": "推进"}
    assert api_for(cast.viewer_a).post("/api/v1/project-figures/", payload, format="json").status_code == 403
    assert api_for(cast.outsider_b).post("/api/v1/project-figures/", payload, format="json").status_code == 404
    bad = api_for(cast.editor_a).post("/api/v1/project-figures/", payload | {"invested": "-1"}, format="json")
    assert bad.status_code == 400 and "invested" in bad.json()
    assert api_for(cast.editor_a).post("/api/v1/project-figures/", payload | {"submit": True},
                                       format="json").status_code == 201
    again = api_for(cast.editor_a).post("/api/v1/project-figures/", payload, format="json")
    assert again.status_code == 409
    assert ProjectFigures.objects.count() == 1


def test_schema_lists_the_project_endpoints(cast, api_for):
    schema = api_for(cast.office).get("/api/schema/?format=json").json()
    for path in ("/api/v1/projects/", "/api/v1/project-figures/", "/api/v1/attraction/"):
        assert path in schema["paths"]


def test_date_fields_round_trip(make_project, cast, api_for):
    project = make_project(actual_start=date(2023, 2, 10))
    body = api_for(cast.office).get(f"/api/v1/projects/{project.pk}/").json()
    assert body["actual_start"] == "2023-02-10" and body["planned_completion"] == "2023-12-31"


def test_figures_list_does_not_query_per_row(make_project, cast, api_for, month, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongjian.dispatch import services as dispatch_services
    from gongjian.projects import services

    def add(title):
        project = make_project(title)
        for m in (1, 2):
            report = services.project_dispatch_save(actor=cast.editor_a, project=project, period=month(m), submit=True,
                                                    report_fields={"work_done": "推进"}, figures={"invested": 100 * WAN})
            dispatch_services.report_approve(actor=cast.office, report=report)

    add("项目一")
    client = api_for(cast.office)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/v1/project-figures/").json()
        return len(ctx.captured_queries), body

    count()
    few, body = count()
    assert body["results"][1]["derived"]["year_to_date"] == "2000000.00"
    for title in ("项目二", "项目三", "项目四"):
        add(title)
    many, body = count()
    assert many == few, (few, many)
    assert len(body["results"]) == 8
    assert {r["derived"]["since_start"] for r in body["results"]} == {"1000000.00", "2000000.00"}
