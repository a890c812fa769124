"""Who sees and changes tasks, through pages and the API: outsiders 404, read-only 403."""

from datetime import date

import pytest

from gongjian.campaigns import services
from gongjian.campaigns.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone(cast, task_a):
    return services.milestone_create(actor=cast.office, task=task_a, title="完成用地手续",
                                     planned_date=date(2023, 3, 31))


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("leader", 200), ("editor_a", 200), ("viewer_a", 200), ("outsider_b", 404),
])
def test_task_page_visibility(cast, client_for, task_a, who, status):
    assert client_for(getattr(cast, who)).get(f"/tasks/{task_a.pk}/").status_code == status


def test_co_unit_sees_the_task(cast, client_for, task_a):
    services.task_update(actor=cast.office, task=task_a, co_units=[cast.unit_b])
    assert client_for(cast.outsider_b).get(f"/tasks/{task_a.pk}/").status_code == 200


@pytest.mark.parametrize(("who", "status"), [
    ("leader", 403), ("editor_a", 403), ("viewer_a", 403), ("outsider_b", 404),
])
def test_only_the_office_assigns(cast, client_for, task_a, who, status):
    response = client_for(getattr(cast, who)).post(f"/tasks/{task_a.pk}/transition/", {"to": "assigned"})
    assert response.status_code == status
    task_a.refresh_from_db()
    assert task_a.status == Task.Status.DRAFT


def test_office_assigns_from_the_page(cast, client_for, task_a):
    response = client_for(cast.office).post(f"/tasks/{task_a.pk}/transition/", {"to": "assigned"})
    assert response.status_code == 302
    task_a.refresh_from_db()
    assert task_a.status == Task.Status.ASSIGNED


@pytest.mark.parametrize(("who", "status"), [("editor_a", 302), ("viewer_a", 403), ("outsider_b", 404),
                                             ("leader", 403)])
def test_milestone_completion_by_lead_unit_editor_only(cast, client_for, milestone, who, status, settings):
    settings.GONGJIAN_TODAY = date(2023, 4, 1)
    response = client_for(getattr(cast, who)).post(f"/milestones/{milestone.pk}/complete/", {"done_on": "2023-03-30"})
    assert response.status_code == status
    milestone.refresh_from_db()
    assert (milestone.done_on is not None) == (status == 302)


def test_task_list_count_equals_rows_and_filters_by_unit(cast, client_for, campaign, task_a):
    services.task_create(actor=cast.office, campaign=campaign, title="发改任务", lead_unit=cast.unit_b,
                         deadline=date(2023, 6, 30))
    response = client_for(cast.office).get("/tasks/", {"unit": cast.unit_a.pk})
    html = response.content.decode()
    assert 'id="row-count">1<' in html and "建强姜山园区" in html and "发改任务" not in html


def test_unit_sees_only_its_tasks_in_list(cast, client_for, campaign, task_a):
    services.task_create(actor=cast.office, campaign=campaign, title="发改任务", lead_unit=cast.unit_b,
                         deadline=date(2023, 6, 30))
    html = client_for(cast.viewer_a).get("/tasks/").content.decode()
    assert "建强姜山园区" in html and "发改任务" not in html


def test_create_form_shows_errors_beside_fields_and_keeps_input(cast, client_for, campaign):
    response = client_for(cast.office).post("/tasks/new/", {
        "campaign": campaign.pk, "title": "保留我", "source": "campaign", "lead_unit": cast.unit_a.pk,
        "start": "2023-07-01", "deadline": "2023-06-30",
    })
    html = response.content.decode()
    assert response.status_code == 400 and "晚于办结时限" in html and 'value="保留我"' in html
    assert not Task.objects.exists()


def test_api_lists_scoped_tasks(cast, api_for, campaign, task_a):
    services.task_create(actor=cast.office, campaign=campaign, title="发改任务", lead_unit=cast.unit_b,
                         deadline=date(2023, 6, 30))
    titles = [t["title"] for t in api_for(cast.editor_a).get("/api/v1/tasks/").json()["results"]]
    assert titles == ["建强姜山园区"]
    assert len(api_for(cast.leader).get("/api/v1/tasks/").json()["results"]) == 2


def test_api_outsider_gets_404_and_viewer_403(cast, api_for, task_a):
    assert api_for(cast.outsider_b).get(f"/api/v1/tasks/{task_a.pk}/").status_code == 404
    assert api_for(cast.viewer_a).patch(f"/api/v1/tasks/{task_a.pk}/", {"title": "x"}).status_code == 403
    assert api_for(cast.outsider_b).patch(f"/api/v1/tasks/{task_a.pk}/", {"title": "x"}).status_code == 404
    assert api_for(cast.editor_a).post("/api/v1/tasks/", {}).status_code == 403


def test_api_create_validates_fields(cast, api_for, campaign):
    response = api_for(cast.office).post("/api/v1/tasks/", {
        "campaign": campaign.pk, "title": "", "lead_unit": 99999, "deadline": "明天"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"title", "lead_unit", "deadline"}


def test_api_create_and_assign(cast, api_for, campaign):
    client = api_for(cast.office)
    response = client.post("/api/v1/tasks/", {
        "campaign": campaign.pk, "title": "API任务", "lead_unit": cast.unit_a.pk, "co_units": [cast.unit_b.pk],
        "deadline": "2023-09-30"}, format="json")
    assert response.status_code == 201, response.json()
    task_id = response.json()["id"]
    response = client.post(f"/api/v1/tasks/{task_id}/transition/", {"to": "assigned"}, format="json")
    assert response.json()["status"] == "assigned"
    response = client.patch(f"/api/v1/tasks/{task_id}/", {"deadline": "2023-12-31"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "needs_adjustment"


def test_api_stale_version_conflict(cast, api_for, task_a):
    client = api_for(cast.office)
    assert client.patch(f"/api/v1/tasks/{task_a.pk}/", {"title": "一", "expected_version": 1},
                        format="json").status_code == 200
    response = client.patch(f"/api/v1/tasks/{task_a.pk}/", {"title": "二", "expected_version": 1}, format="json")
    assert response.status_code == 409


def test_openapi_document_lists_task_endpoints(cast, api_for):
    response = api_for(cast.office).get("/api/schema/", HTTP_ACCEPT="application/json")
    paths = response.json()["paths"] if response["Content-Type"].startswith("application/json") else None
    if paths is None:
        import yaml

        paths = yaml.safe_load(response.content)["paths"]
    assert {"/api/v1/tasks/", "/api/v1/milestones/", "/api/v1/dependencies/", "/api/v1/campaigns/",
            "/api/v1/focus-areas/"} <= set(paths)
