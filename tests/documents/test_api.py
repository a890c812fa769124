"""/api/v1/documents/: the office drafts and reviews, the office or a leader signs; units see only signed documents
about their own items; every refusal has its status."""

from datetime import date

import pytest

from gongjian.campaigns import services as task_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(cast, campaign, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 20)
    return task_services.task_create(actor=cast.office, campaign=campaign, title="污水管网改造", lead_unit=cast.unit_a,
                                     deadline=date(2023, 6, 30))


def _draft(item, **overrides) -> dict:
    return {"doc_type": "notice", "title": "关于加快污水管网改造的督办通知", "body": "请于4月10日前报送。",
            "recipient": "姜山镇", "task": item.pk} | overrides


def test_workflow_and_scope(cast, api_for, task):
    office = api_for(cast.office)
    response = office.post("/api/v1/documents/", _draft(task), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["number"] == "" and response.json()["status"] == "draft"
    assert api_for(cast.editor_a).get(f"/api/v1/documents/{pk}/").status_code == 404  # not sent yet
    assert office.post(f"/api/v1/documents/{pk}/sign/").status_code == 409
    assert office.put(f"/api/v1/documents/{pk}/", _draft(task, title="关于加快管网改造的督办通知"),
                      format="json").json()["title"] == "关于加快管网改造的督办通知"
    assert office.post(f"/api/v1/documents/{pk}/submit/").json()["status"] == "review"
    assert office.put(f"/api/v1/documents/{pk}/", _draft(task), format="json").status_code == 409  # not a draft
    assert office.post(f"/api/v1/documents/{pk}/review/", {"approve": False}).json()["field"] == "note"
    assert office.post(f"/api/v1/documents/{pk}/review/", {"approve": True}).json()["status"] == "approved"
    assert api_for(cast.viewer_a).post(f"/api/v1/documents/{pk}/sign/").status_code == 404
    body = api_for(cast.leader).post(f"/api/v1/documents/{pk}/sign/").json()
    assert body["number"] == "督字〔2023〕1号" and body["issued_on"] == "2023-03-20" and body["signer_name"]
    assert api_for(cast.leader).post(f"/api/v1/documents/{pk}/sign/").status_code == 409  # signed once
    listed = api_for(cast.editor_a).get("/api/v1/documents/").json()["results"]
    assert [d["number"] for d in listed] == ["督字〔2023〕1号"]
    assert api_for(cast.outsider_b).get("/api/v1/documents/").json()["results"] == []
    assert api_for(cast.editor_a).post(f"/api/v1/documents/{pk}/submit/").status_code == 403
    docx = api_for(cast.editor_a).get(f"/api/v1/documents/{pk}/docx/")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")


@pytest.mark.parametrize(("field", "value", "status"), [("doc_type", "memo", 400), ("title", "", 400),
                                                         ("body", "", 400), ("task", 99999, 404)])
def test_bad_drafts(cast, api_for, task, field, value, status):
    response = api_for(cast.office).post("/api/v1/documents/", _draft(task, **{field: value}), format="json")
    assert response.status_code == status
    if status == 400:
        assert field in str(response.json())


def test_only_the_office_drafts(cast, api_for, task):
    for user in (cast.editor_a, cast.leader, cast.viewer_a):
        assert api_for(user).post("/api/v1/documents/", _draft(task), format="json").status_code == 403
    assert api_for(None).get("/api/v1/documents/").status_code in (401, 403)
