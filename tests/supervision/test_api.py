"""The supervision API: cards, notices, blockers and rules, scoped like the pages, with the negative cases."""

from datetime import date

import pytest

from gongjian.audit.models import AuditEvent
from gongjian.supervision import services
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Blocker, Notice, Rule

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _events(object_type: str) -> list[str]:
    return list(AuditEvent.objects.filter(object_type=object_type).values_list("event", flat=True))


# ---------------------------------------------------------------- cards


def test_cards_default_to_the_latest_run(cast, api_for, sv_run):
    supervise(on=date(2023, 3, 30))
    rows = api_for(cast.office).get("/api/v1/cards/").json()["results"]
    assert {r["date"] for r in rows} == {"2023-03-31"} and len(rows) == 3
    red = next(r for r in rows if r["color"] == "red")
    assert red["color_label"] == "红" and red["task_title"] == "建成姜山污水管网"
    assert red["findings"][0]["rule_name"] == "超期未办结" and "9个工作日" in red["findings"][0]["message"]
    assert len(api_for(cast.office).get("/api/v1/cards/?date=2023-03-30").json()["results"]) == 2  # yellow starts 3-31


def test_cards_filter_by_task_colour_and_lead_unit(cast, api_for, sv_run):
    api = api_for(cast.office)
    assert [r["task"] for r in api.get("/api/v1/cards/?color=yellow").json()["results"]] == [sv_run["yellow"].pk]
    assert len(api.get(f"/api/v1/cards/?unit={cast.unit_a.pk}").json()["results"]) == 2
    assert len(api.get(f"/api/v1/cards/?task={sv_run['green'].pk}").json()["results"]) == 1


def test_cards_are_scoped_to_visible_tasks(cast, api_for, sv_run):
    rows = api_for(cast.outsider_b).get("/api/v1/cards/").json()["results"]
    assert {r["task"] for r in rows} == {sv_run["yellow"].pk, sv_run["green"].pk}
    red_card = sv_run["red"].cards.get()
    assert api_for(cast.outsider_b).get(f"/api/v1/cards/{red_card.pk}/").status_code == 404
    assert api_for(cast.viewer_a).get(f"/api/v1/cards/{red_card.pk}/").status_code == 200


def test_cards_before_any_run_are_empty(cast, api_for, red_card_task):
    assert api_for(cast.office).get("/api/v1/cards/").json()["results"] == []


def test_cards_bad_filter_names_the_field(cast, api_for, sv_run):
    response = api_for(cast.office).get("/api/v1/cards/?color=purple")
    assert response.status_code == 400 and "color" in response.json()
    assert "date" in api_for(cast.office).get("/api/v1/cards/?date=yesterday").json()


def test_cards_are_read_only(cast, api_for, sv_run):
    card = sv_run["red"].cards.get()
    assert api_for(cast.office).post("/api/v1/cards/", {"task": sv_run["red"].pk}).status_code == 405
    assert api_for(cast.office).patch(f"/api/v1/cards/{card.pk}/", {"color": "green"}).status_code == 405


@pytest.mark.parametrize("url", ["/api/v1/cards/", "/api/v1/notices/", "/api/v1/blockers/", "/api/v1/rules/"])
def test_anonymous_gets_401(api_for, url):
    assert api_for(None).get(url).status_code == 401


# ---------------------------------------------------------------- notices


def test_notices_are_scoped(cast, api_for, sv_urge_notice, green_card_task):
    to_b = services.notice_issue(actor=cast.office, task=green_card_task, kind="reminder", reason="请按时报送")
    to_a = set(Notice.objects.filter(unit=cast.unit_a).values_list("pk", flat=True))  # the run's urge and reminder
    assert sv_urge_notice.pk in to_a and len(to_a) == 2
    assert _ids(api_for(cast.office).get("/api/v1/notices/")) == {*to_a, to_b.pk}
    assert _ids(api_for(cast.leader).get("/api/v1/notices/")) == {*to_a, to_b.pk}
    assert _ids(api_for(cast.editor_a).get("/api/v1/notices/")) == to_a
    assert _ids(api_for(cast.outsider_b).get("/api/v1/notices/?kind=reminder")) == {to_b.pk}
    assert api_for(cast.outsider_b).get(f"/api/v1/notices/{sv_urge_notice.pk}/").status_code == 404
    assert api_for(cast.office).get("/api/v1/notices/?state=bogus").status_code == 400


def test_unit_editor_acknowledges_and_replies(cast, api_for, sv_urge_notice):
    api = api_for(cast.editor_a)
    url = f"/api/v1/notices/{sv_urge_notice.pk}/"
    acknowledged = api.post(url + "acknowledge/")
    assert acknowledged.status_code == 200 and acknowledged.json()["state"] == "acknowledged"
    assert api.post(url + "acknowledge/").status_code == 409
    missing = api.post(url + "reply/", {})
    assert missing.status_code == 400 and "reply" in missing.json()
    replied = api.post(url + "reply/", {"reply": "已整改"})
    assert replied.status_code == 200 and replied.json()["state"] == "replied"
    again = api.post(url + "reply/", {"reply": "再次"})
    assert again.status_code == 409 and again.json()["code"] == "bad_transition"
    assert _events("supervision.notice") == ["notice.acknowledge", "notice.reply"]


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 403), ("leader", 403), ("outsider_b", 404)])
def test_others_cannot_answer_notices(cast, api_for, sv_urge_notice, who, status):
    api = api_for(getattr(cast, who))
    assert api.post(f"/api/v1/notices/{sv_urge_notice.pk}/acknowledge/").status_code == status
    assert api.post(f"/api/v1/notices/{sv_urge_notice.pk}/reply/", {"reply": "x"}).status_code == status
    sv_urge_notice.refresh_from_db()
    assert sv_urge_notice.state == Notice.State.OPEN


def test_office_records_an_interview(cast, api_for, sv_interview_notice, sv_urge_notice):
    url = f"/api/v1/notices/{sv_interview_notice.pk}/interview/"
    data = {"held_on": "2023-03-30", "held_with": "姜山镇党委书记", "notes": "限期整改"}
    assert api_for(cast.editor_a).post(url, data).status_code == 403
    future = api_for(cast.office).post(url, {**data, "held_on": "2023-04-10"})
    assert future.status_code == 400 and future.json()["field"] == "held_on"
    bad = api_for(cast.office).post(url, {**data, "held_on": "someday"})
    assert bad.status_code == 400 and "held_on" in bad.json()
    done = api_for(cast.office).post(url, data)
    assert done.status_code == 200 and done.json()["state"] == "closed"
    wrong_kind = api_for(cast.office).post(f"/api/v1/notices/{sv_urge_notice.pk}/interview/", data)
    assert wrong_kind.status_code == 409


# ---------------------------------------------------------------- blockers


def test_blocker_lifecycle(cast, api_for, yellow_card_task):
    created = api_for(cast.editor_a).post("/api/v1/blockers/", {
        "task": yellow_card_task.pk, "category": "land", "description": "用地指标未落实",
        "responsible_unit": cast.unit_b.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["state"], body["due_on"], body["overdue"]) == ("open", "2023-04-17", False)
    url = f"/api/v1/blockers/{body['id']}/"
    assert api_for(cast.editor_a).post(url + "resolve/", {"resolution": "x"}).status_code == 403
    resolved = api_for(cast.outsider_b).post(url + "resolve/", {"resolution": "已调剂指标"})
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    assert api_for(cast.outsider_b).post(url + "sign-off/", {"accept": True}).status_code == 403
    no_note = api_for(cast.editor_a).post(url + "sign-off/", {"accept": False})
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"
    closed = api_for(cast.editor_a).post(url + "sign-off/", {"accept": True})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert api_for(cast.editor_a).post(url + "sign-off/", {"accept": True}).status_code == 409
    assert _events("supervision.blocker") == ["blocker.raise", "blocker.resolve", "blocker.sign_off"]


def test_blocker_create_names_the_bad_field(cast, api_for, yellow_card_task):
    api = api_for(cast.editor_a)
    base = {"task": yellow_card_task.pk, "category": "land", "description": "x"}
    assert "category" in api.post("/api/v1/blockers/", {**base, "category": "weather"}).json()
    assert "description" in api.post("/api/v1/blockers/", {**base, "description": ""}).json()
    assert "responsible_unit" in api.post("/api/v1/blockers/", {**base, "responsible_unit": 9999}).json()
    past = api.post("/api/v1/blockers/", {**base, "due_on": "2023-03-01"})
    assert past.status_code == 400 and past.json()["field"] == "due_on"
    assert "task" in api.post("/api/v1/blockers/", {"category": "land", "description": "x"}).json()
    assert not Blocker.objects.exists()


@pytest.mark.parametrize(("who", "task", "status"), [("viewer_a", "yellow", 403), ("leader", "yellow", 403),
                                                     ("outsider_b", "red", 404), ("outsider_b", "yellow", 201)])
def test_who_may_raise_a_blocker(cast, api_for, sv_run, who, task, status):
    response = api_for(getattr(cast, who)).post("/api/v1/blockers/", {
        "task": sv_run[task].pk, "category": "funding", "description": "资金缺口"})
    assert response.status_code == status


def test_blocker_on_a_missing_task_is_404(cast, api_for, sv_run):
    response = api_for(cast.office).post("/api/v1/blockers/", {"task": 99999, "category": "land", "description": "x"})
    assert response.status_code == 404


def test_blockers_are_seen_by_the_task_and_by_the_responsible_unit(cast, api_for, red_card_task):
    to_b = services.blocker_raise(actor=cast.office, task=red_card_task, category="funding", description="资金",
                                  responsible_unit=cast.unit_b)
    to_a = services.blocker_raise(actor=cast.office, task=red_card_task, category="labour", description="用工",
                                  responsible_unit=cast.unit_a)
    assert _ids(api_for(cast.outsider_b).get("/api/v1/blockers/")) == {to_b.pk}
    assert _ids(api_for(cast.viewer_a).get("/api/v1/blockers/")) == {to_a.pk, to_b.pk}
    assert api_for(cast.outsider_b).get(f"/api/v1/blockers/{to_a.pk}/").status_code == 404
    assert _ids(api_for(cast.office).get("/api/v1/blockers/?category=labour")) == {to_a.pk}
    assert api_for(cast.office).get("/api/v1/blockers/?level=7").status_code == 400


# ---------------------------------------------------------------- rules


def test_rules_are_read_by_the_office_and_leaders_only(cast, api_for):
    services.rule_set(actor=cast.office, code="deadline_near", campaign=None, params={"days": 5})
    rows = api_for(cast.leader).get("/api/v1/rules/").json()["results"]
    assert rows[0]["name"] == "临近办结时限" and rows[0]["params"] == {"days": 5}
    defaults = api_for(cast.leader).get("/api/v1/rules/defaults/").json()
    assert {"code": "overdue", "name": "超期未办结", "params": {}} in defaults
    for who in ("editor_a", "viewer_a", "outsider_b"):
        assert api_for(getattr(cast, who)).get("/api/v1/rules/").status_code == 403


def test_office_sets_rules_and_bad_input_names_the_field(cast, api_for, campaign):
    api = api_for(cast.office)
    created = api.post("/api/v1/rules/", {"code": "progress_lag", "campaign": campaign.pk,
                                          "params": {"yellow_points": 15}}, format="json")
    assert created.status_code == 201 and created.json()["params"] == {"yellow_points": 15}
    rule = Rule.objects.get()
    again = api.post("/api/v1/rules/", {"code": "progress_lag", "campaign": campaign.pk,
                                        "params": {"yellow_points": 20}}, format="json")
    assert again.status_code == 201 and Rule.objects.get().params == {"yellow_points": 20}
    updated = api.patch(f"/api/v1/rules/{rule.pk}/", {"enabled": False}, format="json")
    assert updated.status_code == 200 and updated.json()["enabled"] is False
    for body, field in (({"code": "be_nice"}, "code"),
                        ({"code": "progress_lag", "params": {"yellow_points": -1}}, "params"),
                        ({"code": "progress_lag", "params": {"colour": 1}}, "params"),
                        ({"code": "progress_lag", "campaign": 999}, "campaign")):
        response = api.post("/api/v1/rules/", body, format="json")
        assert response.status_code == 400 and (response.json().get("field") == field or field in response.json())
    assert _events("supervision.rule") == ["rule.set", "rule.set", "rule.set"]


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("editor_a", 403)])
def test_only_the_office_changes_rules(cast, api_for, who, status):
    rule = services.rule_set(actor=cast.office, code="deadline_near", campaign=None, params={"days": 5})
    api = api_for(getattr(cast, who))
    assert api.post("/api/v1/rules/", {"code": "overdue"}, format="json").status_code == status
    assert api.patch(f"/api/v1/rules/{rule.pk}/", {"params": {"days": 1}}, format="json").status_code == status
    assert Rule.objects.get().params == {"days": 5}


def test_schema_documents_the_supervision_actions(cast, api_for):
    schema = api_for(cast.office).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/cards/", "/api/v1/notices/{id}/acknowledge/", "/api/v1/notices/{id}/reply/",
                 "/api/v1/notices/{id}/interview/", "/api/v1/blockers/{id}/resolve/",
                 "/api/v1/blockers/{id}/sign-off/", "/api/v1/rules/defaults/"):
        assert path in schema["paths"], path
    reply = schema["paths"]["/api/v1/notices/{id}/reply/"]["post"]
    assert "requestBody" in reply
