"""The ticket API as each member of the cast uses it: scope (404), read-only (403), bad input (400 naming the
field), wrong state (409), and personal data masked except through the dispatcher's audited look."""

import pytest

from gongjian.audit.models import AuditEvent
from gongjian.frontline.models import Ticket, TicketRequest

pytestmark = pytest.mark.django_db


def _url(ticket, action=""):
    return f"/api/v1/tickets/{ticket.pk}/" + (f"{action}/" if action else "")


def test_unit_editor_signs_and_replies_through_the_api(cast, api_for, assigned):
    api = api_for(cast.editor_a)
    assert api.post(_url(assigned, "sign")).json()["state"] == "signed"
    response = api.post(_url(assigned, "reply"), {"reply": "已修复"}, format="json")
    assert response.status_code == 200 and response.json()["public_reply"] == "已修复"


@pytest.mark.parametrize(("who", "status"), [("outsider_b", 404), ("viewer_a", 403), ("office", 403),
                                             ("leader", 403), ("system_admin", 404)])
def test_only_the_holding_units_editor_signs(cast, api_for, assigned, who, status):
    assert api_for(getattr(cast, who)).post(_url(assigned, "sign")).status_code == status
    assert Ticket.objects.get(pk=assigned.pk).state == "assigned"


@pytest.mark.parametrize(("who", "status"), [("editor_a", 403), ("viewer_a", 403), ("leader", 403),
                                             ("outsider_b", 404)])
def test_only_the_dispatcher_assigns(cast, api_for, assigned, who, status):
    response = api_for(getattr(cast, who)).post(_url(assigned, "assign"), {"unit": cast.unit_b.pk}, format="json")
    assert response.status_code == status
    assert Ticket.objects.get(pk=assigned.pk).unit == cast.unit_a
    response = api_for(cast.office).post(_url(assigned, "assign"), {"unit": cast.unit_b.pk}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "assigned"
    assert Ticket.objects.get(pk=assigned.pk).unit == cast.unit_b
    assert AuditEvent.objects.filter(event="ticket.reassign", object_id=str(assigned.pk)).count() == 1


def test_first_assignment_through_the_api_is_audited_as_ticket_assign(cast, api_for, make_ticket):
    ticket = make_ticket()
    response = api_for(cast.office).post(_url(ticket, "assign"), {"unit": cast.unit_a.pk}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "assigned"
    assert AuditEvent.objects.filter(event="ticket.assign", object_id=str(ticket.pk)).count() == 1
    assert not AuditEvent.objects.filter(event="ticket.dispatch").exists()


def test_the_old_dispatch_url_is_gone(cast, api_for, make_ticket):
    ticket = make_ticket()
    response = api_for(cast.office).post(_url(ticket, "dispatch"), {"unit": cast.unit_a.pk}, format="json")
    assert response.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).state == "received"


def test_a_received_ticket_is_invisible_to_units(cast, api_for, make_ticket):
    ticket = make_ticket()
    assert api_for(cast.editor_a).get(_url(ticket)).status_code == 404


def test_anonymous_gets_401(api_for, assigned):
    assert api_for(None).get(_url(assigned)).status_code in (401, 403)
    assert api_for(None).get("/api/v1/tickets/").status_code in (401, 403)


def test_assign_without_a_unit_names_the_field(cast, api_for, make_ticket):
    response = api_for(cast.office).post(_url(make_ticket(), "assign"), {}, format="json")
    assert response.status_code == 400 and "unit" in response.json()


def test_extension_of_eleven_days_names_the_field(cast, api_for, signed):
    response = api_for(cast.editor_a).post(_url(signed, "extend"), {"days": 11, "reason": "协调"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "days"


def test_wrong_state_is_409(cast, api_for, assigned):
    response = api_for(cast.editor_a).post(_url(assigned, "reply"), {"reply": "好"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "bad_transition"


def test_return_request_and_decision_through_the_api(cast, api_for, assigned):
    created = api_for(cast.editor_a).post(_url(assigned, "return"), {"reason": "不属本镇"}, format="json")
    assert created.status_code == 201
    decide = f"/api/v1/ticket-requests/{created.json()['id']}/decide/"
    assert api_for(cast.editor_a).post(decide, {"approve": True}, format="json").status_code == 403
    assert api_for(cast.outsider_b).post(decide, {"approve": True}, format="json").status_code == 404
    response = api_for(cast.office).post(decide, {"approve": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == TicketRequest.Status.APPROVED
    assert Ticket.objects.get(pk=assigned.pk).state == "returned"


def test_lists_are_scoped_to_the_unit(cast, api_for, make_ticket, assigned):
    make_ticket()  # received, not assigned to anyone yet
    assert api_for(cast.office).get("/api/v1/tickets/").json()["count"] == 2
    assert api_for(cast.leader).get("/api/v1/tickets/").json()["count"] == 2
    assert [t["code"] for t in api_for(cast.viewer_a).get("/api/v1/tickets/").json()["results"]] == [assigned.code]
    assert api_for(cast.outsider_b).get("/api/v1/tickets/").json()["count"] == 0


def test_a_unit_still_sees_a_ticket_it_returned(cast, api_for, assigned):
    from gongjian.frontline import services

    request = services.ticket_return_request(actor=cast.editor_a, ticket=assigned, reason="不属本镇")
    services.request_decide(actor=cast.office, request=request, approve=True)
    assert api_for(cast.viewer_a).get(_url(assigned)).status_code == 200
    assert api_for(cast.editor_a).post(_url(assigned, "sign")).status_code == 403


def test_personal_data_is_masked_in_the_api(cast, api_for, assigned):
    for who in ("office", "editor_a", "leader"):
        body = api_for(getattr(cast, who)).get(_url(assigned)).json()
        assert (body["contact_phone"], body["contact_name"]) == ("138****5678", "张**"), who


def test_contact_is_for_the_dispatcher_only_and_audited(cast, api_for, assigned):
    assert api_for(cast.editor_a).get(_url(assigned, "contact")).status_code == 403
    assert api_for(cast.leader).get(_url(assigned, "contact")).status_code == 403
    response = api_for(cast.office).get(_url(assigned, "contact"))
    assert response.json()["contact_phone"] == "13812345678"
    views = AuditEvent.objects.filter(event="ticket.contact_view", object_id=str(assigned.pk))
    assert [e.actor for e in views] == [cast.office]


def test_phone_intake_by_the_dispatcher_and_bad_input(cast, api_for, categories):
    api = api_for(cast.office)
    body = {"category": "help", "text": "独居老人家中漏雨", "town": cast.unit_a.pk, "contact_phone": "13900001111"}
    response = api.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201 and response.json()["source"] == "phone"
    bad = api.post("/api/v1/tickets/", {**body, "contact_phone": "call me"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "contact_phone"
    missing = api.post("/api/v1/tickets/", {**body, "category": "complaint"}, format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "attribute[repeat]"
    assert api_for(cast.editor_a).post("/api/v1/tickets/", body, format="json").status_code == 403


def test_suggestions_and_duplicates_endpoints(cast, api_for, assigned):
    assert api_for(cast.office).get(_url(assigned, "suggestions")).json() == []
    assert api_for(cast.office).get(_url(assigned, "duplicates")).json() == []
    assert api_for(cast.editor_a).get(_url(assigned, "suggestions")).status_code == 403


def test_categories_are_listed_with_attributes(cast, api_for, categories):
    body = api_for(cast.viewer_a).get("/api/v1/ticket-categories/").json()
    complaint = next(c for c in body["results"] if c["code"] == "complaint")
    assert complaint["reply_days"] == 15 and complaint["attributes"][0]["code"] == "repeat"


def test_schema_documents_the_frontline_endpoints(cast, api_for):
    schema = api_for(cast.office).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/tickets/{id}/assign/" in paths and "/api/v1/tickets/{id}/dispatch/" not in paths
    assert "/api/v1/ideas/{id}/accept/" in paths
    assert "/api/v1/ticket-rates/" in paths
    assert not any(p.startswith("/open311/") for p in paths)
