"""督办事项 journeys in a real browser: a 批示件 from registration to the leader's 销号, a 提案 from assignment to the
proposer's satisfaction with 办复率 in the unit's assessment, and 会议纪要 pasted and turned into items."""

from datetime import date

import pytest

from gongjian.matters.models import Instruction, MeetingItem, Proposal
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader_person(cast):
    person = cast.leader.person
    person.is_city_leader = True
    person.save()
    return person


def _fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways at {width}px ({scroll}px)"


def _submit(page, form_id: str) -> None:
    page.click(f"#{form_id} button")
    page.wait_for_load_state("networkidle")


def test_instruction_from_registration_to_sign_off(cast, live_server, open_page, settings, leader_person):
    settings.GONGJIAN_TODAY = date(2023, 3, 15)
    office = open_page(1440, 900)
    login(office, live_server.url, "office", cast.password)
    office.goto(f"{live_server.url}/matters/instructions/new/")
    office.select_option("select[name=leader]", str(leader_person.pk))
    office.fill("input[name=received_on]", "2023-03-10")
    office.fill("input[name=report_title]", "关于姜山镇农村供水情况的报告")
    office.fill("textarea[name=instruction_text]", "请督查室督促姜山镇尽快解决，结果报我。")
    office.fill("input[name=title]", "姜山镇农村供水保障")
    office.fill("textarea[name=proposed_handling]", "建议由姜山镇牵头办理，10个工作日内报结果")
    office.select_option("select[name=lead_unit]", str(cast.unit_a.pk))
    office.click("form button.btn-primary")
    office.wait_for_load_state("networkidle")
    item = Instruction.objects.get()
    assert office.url.endswith(f"/matters/instructions/{item.pk}/") and "拟办待批" in office.content()
    _submit(office, "action-approve")
    assert "已交办" in office.inner_text("#stage")

    phone = open_page(390, 844)
    login(phone, live_server.url, "editor_a", cast.password)
    phone.goto(f"{live_server.url}/matters/instructions/{item.pk}/")
    assert phone.locator("#action-approve").count() == 0 and phone.locator("#action-close").count() == 0
    phone.fill("#action-report textarea[name=text]", "已新铺设供水管网3.2公里，3月14日全部恢复供水。")
    _fits(phone, 390)
    _submit(phone, "action-report")
    assert "推进中" in phone.inner_text("#stage")

    office.reload()
    _submit(office, "action-close")
    assert "待领导销号" in office.inner_text("#stage")

    leader = open_page(390, 844)
    login(leader, live_server.url, "leader", cast.password)
    leader.goto(f"{live_server.url}/matters/instructions/{item.pk}/")
    _fits(leader, 390)
    _submit(leader, "action-sign_off")
    assert "已销号" in leader.inner_text("#stage")
    item.refresh_from_db()
    assert item.signed_off_by == cast.leader and item.status == "completed"


def test_proposal_from_assignment_to_satisfaction_and_answer_rate(cast, live_server, open_page, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 10)
    office = open_page(1440, 900)
    login(office, live_server.url, "office", cast.password)
    office.goto(f"{live_server.url}/matters/proposals/new/")
    office.select_option("select[name=kind]", "npc")
    office.fill("input[name=code]", "第0012号")
    office.fill("input[name=title]", "关于加快姜山镇农贸市场改造提升的建议")
    office.fill("input[name=proposers]", "王某某（领衔）")
    office.select_option("select[name=lead_unit]", str(cast.unit_a.pk))
    office.fill("input[name=assigned_on]", "2023-03-10")
    office.click("form button.btn-primary")
    office.wait_for_load_state("networkidle")
    proposal = Proposal.objects.get()
    assert proposal.deadline == date(2023, 6, 10)

    settings.GONGJIAN_TODAY = date(2023, 3, 24)
    phone = open_page(390, 844)
    login(phone, live_server.url, "editor_a", cast.password)
    phone.goto(f"{live_server.url}/matters/proposals/{proposal.pk}/")
    assert phone.locator("#action-answer").count() == 0  # 面商 first
    phone.fill("#action-meet input[name=met_on]", "2023-03-20")
    phone.fill("#action-meet textarea[name=note]", "到市场与领衔代表面商，现场查看大棚和排水。")
    _submit(phone, "action-meet")
    phone.select_option("#action-answer select[name=answer_class]", "B")
    phone.fill("#action-answer textarea[name=answer_text]", "已列入2023年农贸市场提升计划，6月底前完成改造。")
    _fits(phone, 390)
    _submit(phone, "action-answer")
    assert "已答复（B类）" in phone.inner_text("#stage")

    office.goto(f"{live_server.url}/matters/proposals/{proposal.pk}/")
    office.select_option("#action-feedback select[name=satisfaction]", "satisfied")
    _submit(office, "action-feedback")
    assert "满意" in office.inner_text("#satisfaction")

    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    campaign = Proposal.objects.get().campaign
    office.goto(f"{live_server.url}/assessment/?campaign={campaign.pk}")
    form = "form[action$='/assessment/compute/']"
    office.fill(f"{form} input[name=period]", "2023-03")
    office.click(f"{form} button")
    office.wait_for_load_state("networkidle")
    phone.goto(f"{live_server.url}/assessment/units/{cast.unit_a.pk}/?campaign={campaign.pk}&period=2023-03")
    text = phone.content()
    assert "建议提案办复率100.0%（1/1）" in text and "代表委员满意率100.0%（1/1）" in text
    _fits(phone, 390)


def test_meeting_minutes_pasted_become_items(cast, live_server, open_page, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 15)
    office = open_page(1440, 900)
    login(office, live_server.url, "office", cast.password)
    office.goto(f"{live_server.url}/matters/meeting-items/")
    office.click("text=录入会议纪要")
    office.wait_for_load_state("networkidle")
    office.fill("input[name=title]", "市政府第5次常务会议")
    office.fill("input[name=held_on]", "2023-03-13")
    office.fill("input[name=chair]", "市长")
    office.fill("textarea[name=minutes]", "会议议定：\n一、加快推进姜山镇污水处理厂扩建工程，由姜山镇负责，6月底前完成主体工程。\n"
                                          "二、发改局牵头做好重点项目要素保障，每月调度一次。\n")
    office.click("text=识别议定事项")
    office.wait_for_load_state("networkidle")
    rows = office.locator("#draft-items tbody tr")
    assert rows.count() >= 2
    for i in range(rows.count()):
        row = rows.nth(i)
        row.locator("select[name=item_unit]").select_option(str(cast.unit_a.pk if i == 0 else cast.unit_b.pk))
        row.locator("input[name=item_deadline]").fill("2023-06-30")
    office.click("button[name=confirm]")
    office.wait_for_load_state("networkidle")
    assert office.url.endswith("/matters/meeting-items/")
    items = list(MeetingItem.objects.order_by("id"))
    assert len(items) >= 2
    assert items[0].lead_unit == cast.unit_a and items[0].meeting.chair == "市长" and items[0].status == "assigned"
    assert "污水处理厂" in office.content()
