"""The 督办事项 APIs end to end, with their refusals: scope (404), read-only (403), bad input (400 naming the field),
wrong step (409)."""


import pytest

from gongjian.audit.models import AuditEvent
from gongjian.campaigns.models import Task
from gongjian.matters.models import Instruction, Proposal
from gongjian.org.models import Unit

pytestmark = pytest.mark.django_db


def _instruction(cast, leader_person, **overrides) -> dict:
    return {"leader": leader_person.pk, "instruction_text": "请督查室督促姜山镇尽快解决，结果报我。",
            "received_on": "2023-03-10", "title": "关于姜山镇农村供水保障的批示", "lead_unit": cast.unit_a.pk,
            "report_title": "关于农村供水情况的报告", "proposed_handling": "建议由姜山镇牵头办理，10个工作日内报结果"} \
        | overrides


def test_instruction_from_registration_to_sign_off(cast, api_for, today, leader_person):
    office = api_for(cast.office)
    response = office.post("/api/v1/instructions/", _instruction(cast, leader_person), format="json")
    assert response.status_code == 201, response.json()
    item = response.json()
    assert item["status"] == "draft" and item["deadline"] == "2023-03-24"  # 10 working days after receipt
    pk = item["id"]
    assert api_for(cast.viewer_a).get(f"/api/v1/instructions/{pk}/").status_code == 200
    assert api_for(cast.outsider_b).get(f"/api/v1/instructions/{pk}/").status_code == 404
    assert api_for(cast.editor_a).post(f"/api/v1/instructions/{pk}/approve-handling/").status_code == 403
    assert office.post(f"/api/v1/instructions/{pk}/approve-handling/").json()["status"] == "assigned"
    assert office.post(f"/api/v1/instructions/{pk}/approve-handling/").status_code == 409
    assert office.post(f"/api/v1/instructions/{pk}/close/").status_code == 409  # no handling report yet
    assert api_for(cast.viewer_a).post(f"/api/v1/instructions/{pk}/reports/", {"text": "已完成"}).status_code == 403
    assert "text" in api_for(cast.editor_a).post(f"/api/v1/instructions/{pk}/reports/", {"text": ""}).json()
    response = api_for(cast.editor_a).post(f"/api/v1/instructions/{pk}/reports/", {"text": "已铺设管网3.2公里，恢复供水"})
    assert response.status_code == 201 and response.json()["status"] == "in_progress"
    assert api_for(cast.editor_a).post(f"/api/v1/instructions/{pk}/close/").status_code == 403
    assert api_for(cast.leader).post(f"/api/v1/instructions/{pk}/sign-off/").status_code == 409  # not closed
    assert office.post(f"/api/v1/instructions/{pk}/close/").json()["status"] == "completed"
    assert office.post(f"/api/v1/instructions/{pk}/sign-off/").status_code == 403  # only the leader
    body = api_for(cast.leader).post(f"/api/v1/instructions/{pk}/sign-off/").json()
    assert body["signed_off"] and body["stage"] == "已销号"
    events = set(AuditEvent.objects.filter(object_id=str(pk)).values_list("event", flat=True))
    assert {"instruction.register", "instruction.approve_handling", "matter.report", "task.completed",
            "instruction.sign_off"} <= events


@pytest.mark.parametrize(("field", "value"), [("leader", None), ("received_on", "2023-04-01"), ("title", ""),
                                              ("lead_unit", 99999), ("instruction_text", "")])
def test_instruction_bad_input(cast, api_for, today, leader_person, field, value):
    payload = _instruction(cast, leader_person, **{field: value})
    if value is None:
        payload[field] = cast.office.person.pk  # not a city leader
    response = api_for(cast.office).post("/api/v1/instructions/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert not Instruction.objects.exists()


def test_only_office_registers(cast, api_for, today, leader_person):
    for user in (cast.editor_a, cast.leader, cast.viewer_a):
        assert api_for(user).post("/api/v1/instructions/", _instruction(cast, leader_person),
                                  format="json").status_code == 403
    assert api_for(None).get("/api/v1/instructions/").status_code in (401, 403)


def test_proposal_answer_and_satisfaction(cast, api_for, today):
    office = api_for(cast.office)
    payload = {"kind": "npc", "code": "第0031号", "title": "关于完善姜山镇农贸市场配套设施的建议",
               "proposers": "王某某（领衔）、李某某", "lead_unit": cast.unit_a.pk, "co_units": [cast.unit_b.pk]}
    response = office.post("/api/v1/proposals/", payload, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["deadline"] == "2023-06-15" and response.json()["status"] == "assigned"  # three months
    assert office.post("/api/v1/proposals/", payload, format="json").status_code == 409  # same number
    editor = api_for(cast.editor_a)
    answer = {"answer_text": "已列入2023年改造计划", "answer_class": "B"}
    assert editor.post(f"/api/v1/proposals/{pk}/answer/", answer).status_code == 409  # 面商 first
    assert editor.post(f"/api/v1/proposals/{pk}/meet/", {"met_on": "2023-04-01", "note": "x"}).status_code == 400
    assert api_for(cast.outsider_b).post(f"/api/v1/proposals/{pk}/meet/",
                                         {"met_on": "2023-03-14", "note": "x"}).status_code == 403  # 协办 only
    assert editor.post(f"/api/v1/proposals/{pk}/meet/", {"met_on": "2023-03-14", "note": "当面沟通"}).status_code == 200
    assert editor.post(f"/api/v1/proposals/{pk}/answer/", answer | {"answer_class": "D"}).status_code == 400
    assert office.post(f"/api/v1/proposals/{pk}/feedback/", {"satisfaction": "satisfied"}).status_code == 409
    body = editor.post(f"/api/v1/proposals/{pk}/answer/", answer).json()
    assert body["status"] == "completed" and body["answer_class"] == "B"
    assert editor.post(f"/api/v1/proposals/{pk}/feedback/", {"satisfaction": "satisfied"}).status_code == 403
    assert office.post(f"/api/v1/proposals/{pk}/feedback/", {"satisfaction": "great"}).status_code == 400
    body = office.post(f"/api/v1/proposals/{pk}/feedback/", {"satisfaction": "basic"}).json()
    assert body["satisfaction"] == "basic" and body["stage"] == "已答复（B类），基本满意"
    assert Proposal.objects.get(pk=pk).campaign.name == "2023年日常督办"


def test_assignment_deadline_runs_ahead_of_upstream(cast, api_for, today):
    office = api_for(cast.office)
    payload = {"upstream_body": "青岛市委督查室", "upstream_number": "青督字〔2023〕8号",
               "upstream_deadline": "2023-03-31", "title": "春季森林防火专项检查", "lead_unit": cast.unit_b.pk,
               "lead_workdays": 3}
    response = office.post("/api/v1/assignments/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["deadline"] == "2023-03-28"
    pk = response.json()["id"]
    too_early = office.post("/api/v1/assignments/", payload | {"lead_workdays": 30}, format="json")
    assert too_early.status_code == 400 and too_early.json()["field"] == "lead_workdays"
    assert office.post(f"/api/v1/assignments/{pk}/reply/", {"reply_text": ""}).status_code == 400
    assert api_for(cast.outsider_b).post(f"/api/v1/assignments/{pk}/reply/", {"reply_text": "x"}).status_code == 403
    body = office.post(f"/api/v1/assignments/{pk}/reply/", {"reply_text": "已按期报送检查情况"}).json()
    assert body["replied_on"] == "2023-03-15"
    assert api_for(cast.editor_a).get(f"/api/v1/assignments/{pk}/").status_code == 404


def test_meeting_minutes_become_items(cast, api_for, today):
    office = api_for(cast.office)
    meeting = office.post("/api/v1/meetings/", {"title": "市政府第12次常务会议", "held_on": "2023-03-13",
                                                "chair": "市长"}).json()
    minutes = ("会议议定：\n一、加快推进姜山镇污水处理厂扩建工程，由姜山镇负责，6月底前完成主体工程。\n"
               "二、发改局牵头做好重点项目要素保障，每月调度一次。\n")
    draft = office.post("/api/v1/meeting-items/draft/", {"minutes": minutes}).json()
    assert len(draft["items"]) >= 2, draft
    assert api_for(cast.editor_a).post("/api/v1/meeting-items/draft/", {"minutes": minutes}).status_code == 403
    response = office.post("/api/v1/meeting-items/", {"meeting": meeting["id"], "title": draft["items"][0]["title"],
                                                      "lead_unit": cast.unit_a.pk, "deadline": "2023-06-30"},
                           format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["chair"] == "市长" and response.json()["status"] == "assigned"
    bad = office.post("/api/v1/meeting-items/", {"meeting": meeting["id"], "title": "x", "lead_unit": cast.unit_a.pk,
                                                 "deadline": "2023-03-01"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "deadline"
    assert api_for(cast.editor_a).get("/api/v1/meetings/").status_code == 403


def test_cascade_town_splits_to_its_offices(cast, api_for, today):
    office = api_for(cast.office)
    village_office = Unit.objects.create(name="姜山镇农业农村办", kind=Unit.Kind.DEPARTMENT, parent=cast.unit_a)
    meeting = office.post("/api/v1/meetings/", {"title": "专题会", "held_on": "2023-03-13", "chair": "市长"}).json()
    pk = office.post("/api/v1/meeting-items/", {"meeting": meeting["id"], "title": "高标准农田建设",
                                                "lead_unit": cast.unit_a.pk, "deadline": "2023-06-30"},
                     format="json").json()["id"]
    editor = api_for(cast.editor_a)
    split = {"title": "店埠村：高标准农田建设", "lead_unit": village_office.pk, "deadline": "2023-05-31"}
    assert api_for(cast.viewer_a).post(f"/api/v1/meeting-items/{pk}/split/", split).status_code == 403
    assert editor.post(f"/api/v1/meeting-items/{pk}/split/", split | {"deadline": "2023-07-31"}).status_code == 400
    assert editor.post(f"/api/v1/meeting-items/{pk}/split/", split | {"lead_unit": cast.unit_b.pk}).status_code == 400
    child = editor.post(f"/api/v1/meeting-items/{pk}/split/", split).json()
    editor.post(f"/api/v1/meeting-items/{pk}/split/", split | {"title": "河头店村：高标准农田建设"})
    assert office.post(f"/api/v1/meeting-items/{pk}/reports/", {"text": "推进中"}).status_code == 201
    assert office.post(f"/api/v1/meeting-items/{pk}/close/").status_code == 409  # open sub-items
    from gongjian.matters import services

    services.matter_close(actor=cast.editor_a, item=Task.objects.get(pk=child["id"]))
    assert Task.objects.get(pk=pk).progress == 50
    chain = api_for(cast.leader).get(f"/api/v1/meeting-items/{pk}/chain/").json()
    assert {c["title"] for c in chain} == {"店埠村：高标准农田建设", "河头店村：高标准农田建设"}
