"""The staff pages: the dispatcher's queue, lists, ticket detail and its actions, as each member of the cast sees them."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from gongjian.audit.models import AuditEvent
from gongjian.frontline import routing_store, services
from gongjian.frontline.models import Ticket

pytestmark = pytest.mark.django_db


def test_office_assigns_from_the_detail_page(cast, client_for, make_ticket):
    ticket = make_ticket()
    client = client_for(cast.office)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "确认派单" in page and "138****5678" in page and "13812345678" not in page
    assert f'action="/tickets/{ticket.pk}/assign/"' in page and f"/tickets/{ticket.pk}/dispatch/" not in page
    response = client.post(f"/tickets/{ticket.pk}/assign/", {"unit": cast.unit_a.pk, "note": "请尽快处理"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.unit) == ("assigned", cast.unit_a)
    event = AuditEvent.objects.get(event="ticket.assign", object_id=str(ticket.pk))
    assert event.actor == cast.office and event.changes["unit"] == [None, cast.unit_a.name]
    assert [e.kind for e in ticket.events.all()][-1] == "assign"


@pytest.mark.parametrize(("who", "status"), [("editor_a", 404), ("viewer_a", 404), ("outsider_b", 404),
                                             ("leader", 403)])
def test_only_the_office_assigns_on_the_page(cast, client_for, make_ticket, who, status):
    ticket = make_ticket()
    response = client_for(getattr(cast, who)).post(f"/tickets/{ticket.pk}/assign/", {"unit": cast.unit_a.pk})
    assert response.status_code == status
    assert Ticket.objects.get(pk=ticket.pk).state == "received"
    assert not AuditEvent.objects.filter(event="ticket.assign").exists()


def test_the_old_dispatch_page_url_is_gone(cast, client_for, make_ticket):
    ticket = make_ticket()
    response = client_for(cast.office).post(f"/tickets/{ticket.pk}/dispatch/", {"unit": cast.unit_a.pk})
    assert response.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).state == "received"


def test_assign_section_shows_ranked_suggestions_with_confidence(cast, client_for, make_ticket):
    cast.unit_a.duty_list = "村内道路 路灯 邻里纠纷"
    cast.unit_a.save()
    cast.unit_b.duty_list = "电力供应协调 供电保障 停电"
    cast.unit_b.save()
    routing_store.routing_train(actor=cast.office)
    ticket = make_ticket("村里一天停电好几次，也没有提前通知", town=None)
    html = client_for(cast.office).get(f"/tickets/{ticket.pk}/").content.decode()
    assert html.count('class="btn btn-sm btn-outline-primary suggestion"') == 2  # two units hold duty lists
    assert "发改局" in html and "%" in html


def test_unit_editor_signs_and_replies_on_the_page(cast, client_for, assigned):
    client = client_for(cast.editor_a)
    page = client.get(f"/tickets/{assigned.pk}/").content.decode()
    assert "签收" in page and "确认派单" not in page and "显示完整联系方式" not in page
    client.post(f"/tickets/{assigned.pk}/sign/")
    client.post(f"/tickets/{assigned.pk}/reply/", {"reply": "已维修"})
    assert Ticket.objects.get(pk=assigned.pk).state == "replied"


def test_refused_action_shows_the_reason(cast, client_for, assigned):
    client = client_for(cast.editor_a)
    response = client.post(f"/tickets/{assigned.pk}/reply/", {"reply": "好"}, follow=True)
    assert "不能答复" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 403), ("leader", 403), ("office", 403),
                                             ("outsider_b", 404)])
def test_sign_page_action_refused_for_others(cast, client_for, assigned, who, status):
    assert client_for(getattr(cast, who)).post(f"/tickets/{assigned.pk}/sign/").status_code == status


def test_unknown_action_is_404(cast, client_for, assigned):
    assert client_for(cast.office).post(f"/tickets/{assigned.pk}/explode/").status_code == 404


def test_outsider_cannot_open_the_ticket(cast, client_for, assigned):
    assert client_for(cast.outsider_b).get(f"/tickets/{assigned.pk}/").status_code == 404


def test_contact_fragment_is_for_the_office_and_audited(cast, client_for, assigned):
    assert client_for(cast.editor_a).get(f"/tickets/{assigned.pk}/contact/").status_code == 403
    html = client_for(cast.office).get(f"/tickets/{assigned.pk}/contact/").content.decode()
    assert "13812345678" in html and "张三丰" in html
    assert AuditEvent.objects.filter(event="ticket.contact_view").count() == 1


def test_free_text_phone_numbers_are_masked_for_units(cast, client_for, make_ticket):
    ticket = make_ticket("路灯坏了，请回电13900001111")
    services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    assert "139****1111" in client_for(cast.viewer_a).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "13900001111" in client_for(cast.office).get(f"/tickets/{ticket.pk}/").content.decode()


def test_list_counts_filters_and_exports_exactly_its_rows(cast, client_for, make_ticket, assigned):
    make_ticket("另一件求助", town=cast.unit_a)
    client = client_for(cast.office)
    html = client.get("/tickets/?state=assigned").content.decode()
    assert 'id="row-count">1<' in html and assigned.code in html
    assert 'id="row-count">2<' in client.get("/tickets/").content.decode()
    export = client.get("/tickets/?state=assigned&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == assigned.code and rows[1][8] == "138****5678"


def test_unit_list_shows_only_its_tickets(cast, client_for, make_ticket, assigned):
    make_ticket("未派单的诉求")
    html = client_for(cast.viewer_a).get("/tickets/").content.decode()
    assert 'id="row-count">1<' in html


def test_queue_is_the_office_desk(cast, client_for, make_ticket, assigned):
    make_ticket()
    services.ticket_return_request(actor=cast.editor_a, ticket=assigned, reason="不属本镇")
    html = client_for(cast.office).get("/tickets/queue/").content.decode()
    assert "待派单 1" in html and "待审批申请 1" in html and "不属本镇" in html
    assert client_for(cast.editor_a).get("/tickets/queue/").status_code == 403


def test_dispatcher_decides_a_request_from_the_queue(cast, client_for, assigned):
    request = services.ticket_return_request(actor=cast.editor_a, ticket=assigned, reason="不属本镇")
    client = client_for(cast.office)
    response = client.post(f"/tickets/requests/{request.pk}/decide/", {"decision": "approve", "next": "/tickets/queue/"})
    assert response["Location"] == "/tickets/queue/"
    assert Ticket.objects.get(pk=assigned.pk).state == "returned"
    assert client_for(cast.editor_a).post(f"/tickets/requests/{request.pk}/decide/",
                                          {"decision": "approve"}).status_code == 403


def test_phone_intake_keeps_input_and_names_the_field(cast, client_for, categories):
    client = client_for(cast.office)
    assert "投诉" in client.get("/tickets/new/").content.decode()
    response = client.post("/tickets/new/?category=complaint", {
        "category_code": "complaint", "text": "保留这段话", "town": cast.unit_a.pk, "contact_phone": "13800000000"})
    html = response.content.decode()
    assert response.status_code == 400 and "保留这段话" in html and "是否重复反映" in html
    response = client.post("/tickets/new/?category=complaint", {
        "category_code": "complaint", "text": "噪音扰民", "town": cast.unit_a.pk, "attr_repeat": "yes"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and (ticket.source, ticket.attributes) == ("phone", {"repeat": "yes"})
    assert client_for(cast.editor_a).get("/tickets/new/").status_code == 403


def test_visit_redo_and_close_from_the_page(cast, client_for, replied):
    client = client_for(cast.office)
    client.post(f"/tickets/{replied.pk}/visit/", {"resolved": "no", "satisfaction": "unsatisfied"})
    client.post(f"/tickets/{replied.pk}/redo/", {"reason": "仍未修好"})
    assert Ticket.objects.get(pk=replied.pk).state == "in_progress"
    client_for(cast.editor_a).post(f"/tickets/{replied.pk}/reply/", {"reply": "已修好"})
    client.post(f"/tickets/{replied.pk}/visit/", {"resolved": "yes", "satisfaction": "satisfied"})
    client.post(f"/tickets/{replied.pk}/close/")
    assert Ticket.objects.get(pk=replied.pk).state == "closed"


def test_promote_page_creates_one_task_for_a_cluster(cast, client_for, campaign, make_ticket, assigned):
    other = make_ticket("姜山镇湖西村路灯不亮已经9天了，晚上出门黑漆漆的")
    client = client_for(cast.office)
    detail = client.get(f"/tickets/{assigned.pk}/").content.decode()
    assert other.code in detail  # offered as a similar ticket
    form = client.get(f"/tickets/promote/?tickets={assigned.pk}&tickets={other.pk}")
    assert form.status_code == 200
    response = client.post("/tickets/promote/", {"tickets": [assigned.pk, other.pk], "campaign": campaign.pk,
                                                 "title": "路灯整修", "lead_unit": cast.unit_a.pk,
                                                 "deadline": "2023-06-30"})
    assert response.status_code == 302
    assert set(Ticket.objects.values_list("task__title", flat=True)) == {"路灯整修"}


def test_rates_page_and_export(cast, client_for, replied, settings):
    services.ticket_visit(actor=cast.office, ticket=replied, resolved=True, satisfaction="basic")
    client = client_for(cast.office)
    html = client.get("/tickets/rates/?month=2023-03").content.decode()
    assert 'id="row-count">1<' in html and "100.0%" in html
    sheet = load_workbook(io.BytesIO(client.get("/tickets/rates/?month=2023-03&export=xlsx").content)).active
    assert list(sheet.iter_rows(values_only=True))[1][:4] == ("姜山镇", 1, 1, 100)
    assert 'id="row-count">0<' in client_for(cast.outsider_b).get("/tickets/rates/?month=2023-03").content.decode()
    sorted_page = client.get("/tickets/rates/?month=2023-03&sort=-response_rate").content.decode()
    assert "响应率 ▼" in sorted_page and "received_from=2023-03-01&received_to=2023-03-31" in sorted_page


def test_categories_duty_lists_and_training_are_for_the_office(cast, client_for, categories):
    client = client_for(cast.office)
    assert 'id="row-count">4<' in client.get("/tickets/categories/").content.decode()
    response = client.post(f"/tickets/categories/{categories['help'].pk}/", {
        "code": "help", "name": "求助", "kind": "help", "sign_days": 1, "reply_days": 7, "order": 1,
        "is_active": "on"})
    assert response.status_code == 302
    categories["help"].refresh_from_db()
    assert categories["help"].reply_days == 7
    clash = client.post("/tickets/categories/new/", {"code": "help", "name": "重复", "kind": "help", "sign_days": 1,
                                                      "reply_days": 7, "order": 1})
    assert clash.status_code == 400 and "已存在" in clash.content.decode()
    client.post("/tickets/duties/", {"unit": cast.unit_b.pk, "duty_list": "供电 停电"})
    cast.unit_b.refresh_from_db()
    assert cast.unit_b.duty_list == "供电 停电"
    assert client.post("/tickets/routing/train/").status_code == 302
    for url in ("/tickets/categories/", "/tickets/duties/"):
        assert client_for(cast.editor_a).get(url).status_code == 403


def test_open311_keys_page_is_for_the_system_administrator(cast, client_for):
    client = client_for(cast.system_admin)
    html = client.post("/tickets/open311-keys/", {"name": "爱莱西APP"}).content.decode()
    assert 'id="new-key"' in html
    assert client_for(cast.office).get("/tickets/open311-keys/").status_code == 403
    from gongjian.frontline.models import Open311Key

    key = Open311Key.objects.get()
    client.post("/tickets/open311-keys/", {"revoke": key.pk})
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_pages_work_at_phone_width(cast, client_for, assigned):
    html = client_for(cast.editor_a).get("/tickets/").content.decode()
    assert 'name="viewport"' in html and "table-responsive-cards" in html and 'data-label="编号"' in html


def test_sla_colour_shows_with_its_word(cast, client_for, assigned, settings):
    from gongjian.frontline.jobs import ticket_sla_run

    ticket_sla_run(date(2023, 3, 16))
    html = client_for(cast.office).get("/tickets/?color=red").content.decode()
    assert 'id="row-count">1<' in html and 'card-red">红<' in html


def test_audit_page_reads_old_and_new_assignment_events_in_words(cast, client_for, assigned):
    from gongjian.audit.services import record
    record(actor=cast.office, event="ticket.dispatch", obj=assigned, changes={"unit": [None, cast.unit_a.name]})
    page = client_for(cast.audit_admin).get("/audit/").content.decode()
    assert page.count("<td data-label=\"事件\">派单</td>") == 2  # the new ticket.assign and the stored ticket.dispatch
    assert "ticket.dispatch" not in page.split("<tbody")[-1] and "ticket.assign" not in page.split("<tbody")[-1]
