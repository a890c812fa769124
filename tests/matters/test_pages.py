"""The 督办事项 and 公文 pages: each viewer sees only the steps they may take; bad input is a 400 naming the field;
ledgers export; the 督办通知单 travels from an item through review and signing."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from gongjian.documents.models import Document
from gongjian.matters import services
from gongjian.matters.models import Instruction, MeetingItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def instruction(cast, today, leader_person):
    return services.instruction_register(
        actor=cast.office, leader=leader_person, instruction_text="请抓紧办理", received_on=date(2023, 3, 10),
        title="关于姜山镇农村供水保障的批示", lead_unit=cast.unit_a, proposed_handling="建议姜山镇牵头办理")


def test_instruction_pages_offer_only_allowed_steps(cast, client_for, instruction):
    url = f"/matters/instructions/{instruction.pk}/"
    office = client_for(cast.office)
    page = office.get(url).content.decode()
    assert "批准并交办" in page and "报送办理情况" not in page
    assert client_for(cast.outsider_b).get(url).status_code == 404
    assert client_for(cast.editor_a).post(url + "approve/").status_code == 403
    assert office.post(url + "approve/", {"proposed_handling": ""}).status_code == 400
    assert office.post(url + "approve/", {"proposed_handling": "同意"}).status_code == 302
    editor_page = client_for(cast.editor_a).get(url).content.decode()
    assert "报送办理情况" in editor_page and "批准并交办" not in editor_page and "销号" not in editor_page
    viewer_page = client_for(cast.viewer_a).get(url).content.decode()
    assert "<form" not in viewer_page.split("<main", 1)[-1].split("分解落实")[0] or "报送办理情况" not in viewer_page
    assert client_for(cast.viewer_a).post(url + "report/", {"text": "x"}).status_code == 403
    assert client_for(cast.editor_a).post(url + "report/", {"text": "已恢复供水"}).status_code == 302
    assert office.post(url + "close/").status_code == 302
    assert "领导销号" in client_for(cast.leader).get(url).content.decode()
    assert client_for(cast.leader).post(url + "sign_off/").status_code == 302
    instruction.refresh_from_db()
    assert instruction.signed_off_at is not None


def test_register_form_names_the_bad_field(cast, client_for, today, leader_person):
    response = client_for(cast.office).post("/matters/instructions/new/", {
        "leader": leader_person.pk, "received_on": "2023-03-10", "instruction_text": "请办理", "title": "批示",
        "lead_unit": cast.unit_a.pk, "co_units": [cast.unit_a.pk]})
    assert response.status_code == 400
    assert "牵头单位不能同时是配合单位" in response.content.decode()
    assert not Instruction.objects.exists()
    assert client_for(cast.editor_a).get("/matters/instructions/new/").status_code == 403
    assert client_for(cast.office).get("/matters/unknown/").status_code == 404


def test_ledger_export(cast, client_for, instruction):
    response = client_for(cast.office).get("/matters/instructions/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "事项" and rows[1][0] == "关于姜山镇农村供水保障的批示"
    assert "批示件" in client_for(cast.editor_a).get("/matters/instructions/").content.decode()
    assert "关于姜山镇" not in client_for(cast.outsider_b).get("/matters/instructions/").content.decode()


def test_meeting_minutes_page(cast, client_for, today):
    office = client_for(cast.office)
    form = {"title": "市政府第12次常务会议", "held_on": "2023-03-13", "chair": "市长",
            "minutes": "会议议定：\n一、加快推进姜山镇污水处理厂扩建工程，由姜山镇负责。\n二、发改局牵头做好重点项目要素保障。\n"}
    page = office.post("/matters/meetings/new/", form)
    assert page.status_code == 200 and "拟交办的议定事项" in page.content.decode()
    rows = {"item_title": ["污水处理厂扩建", "要素保障"], "item_unit": [str(cast.unit_a.pk), ""],
            "item_deadline": ["2023-06-30", "2023-06-30"], "item_pick": ["1", "2"], "confirm": "1"}
    bad = office.post("/matters/meetings/new/", form | rows)
    assert bad.status_code == 400 and "第2项：请选择牵头单位" in bad.content.decode()
    assert not MeetingItem.objects.exists()
    done = office.post("/matters/meetings/new/", form | rows | {"item_pick": ["1"]})
    assert done.status_code == 302
    assert list(MeetingItem.objects.values_list("title", flat=True)) == ["污水处理厂扩建"]
    assert client_for(cast.editor_a).get("/matters/meetings/new/").status_code == 403


def test_notice_from_item_through_review_and_signing(cast, client_for, instruction):
    office = client_for(cast.office)
    url = f"/matters/instructions/{instruction.pk}/"
    office.post(url + "approve/", {"proposed_handling": "同意"})
    response = office.post(url + "notice/")
    document = Document.objects.get(task=instruction)
    assert response["Location"] == f"/documents/{document.pk}/"
    doc_url = f"/documents/{document.pk}/"
    assert client_for(cast.editor_a).get(doc_url).status_code == 404  # not sent before signing
    assert ">签发</button>" not in office.get(doc_url).content.decode()
    assert office.post(doc_url + "sign/").status_code == 403
    office.post(doc_url + "submit/")
    assert office.post(doc_url + "return/", {"note": ""}).status_code == 400
    office.post(doc_url + "approve/", {"note": ""})
    assert ">签发</button>" in client_for(cast.leader).get(doc_url).content.decode()
    assert client_for(cast.editor_a).post(doc_url + "sign/").status_code == 404
    assert client_for(cast.leader).post(doc_url + "sign/").status_code == 302
    document.refresh_from_db()
    assert document.number == "督字〔2023〕1号" and document.signer_name
    assert client_for(cast.editor_a).get(doc_url).status_code == 200
    docx = client_for(cast.editor_a).get(doc_url + "docx/")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    assert "督字〔2023〕1号" in client_for(cast.office).get("/documents/").content.decode()
    assert client_for(cast.outsider_b).get(doc_url).status_code == 404
