"""Every transition of the ticket state machine (docs/architecture.md), every refused one, and the audit trail each leaves."""

from datetime import date

import pytest

from gongjian.audit.models import AuditEvent
from gongjian.errors import UserError
from gongjian.frontline import selectors, services
from gongjian.frontline.models import Assignment, Ticket, TicketEvent, TicketRequest, Visit

pytestmark = pytest.mark.django_db
State = Ticket.State


def _events(ticket) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="frontline.ticket", object_id=str(ticket.pk))
                .order_by("seq").values_list("event", flat=True))


def _refused(code: str, call, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_full_life_of_a_ticket_and_its_audit_trail(cast, make_ticket, settings):
    ticket = make_ticket()
    assert (ticket.state, len(ticket.code)) == (State.RECEIVED, 10)
    ticket = services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    assert (ticket.state, ticket.sign_due, ticket.reply_due) == (State.ASSIGNED, date(2023, 3, 2), date(2023, 3, 15))
    ticket = services.ticket_sign(actor=cast.editor_a, ticket=ticket)
    ticket = services.ticket_progress(actor=cast.editor_a, ticket=ticket, note="已联系供电所")
    assert ticket.state == State.IN_PROGRESS
    ticket = services.ticket_reply(actor=cast.editor_a, ticket=ticket, reply="路灯已修复。")
    assert (ticket.state, ticket.public_reply) == (State.REPLIED, "路灯已修复。")
    services.ticket_visit(actor=cast.office, ticket=ticket, resolved=True, satisfaction="satisfied")
    ticket = services.ticket_close(actor=cast.office, ticket=ticket)
    assert ticket.state == State.CLOSED and ticket.closed_at is not None
    assert _events(ticket) == ["ticket.create", "ticket.assign", "ticket.sign", "ticket.progress", "ticket.reply",
                               "ticket.visit", "ticket.close"]
    public = [e.kind for e in selectors.timeline(ticket, public_only=True)]
    assert public == ["receive", "assign", "sign", "reply", "visit", "close"]
    assignment = Assignment.objects.get(ticket=ticket)
    assert (assignment.signed_on_time, assignment.outcome) == (True, Assignment.Outcome.ACTIVE)


def test_assignment_needs_a_unit_that_can_hold_tickets(cast, make_ticket):
    ticket = make_ticket()
    _refused("invalid", services.ticket_assign, actor=cast.office, ticket=ticket, unit=cast.leadership)
    ticket.refresh_from_db()
    assert ticket.state == State.RECEIVED and _events(ticket) == ["ticket.create"]


def test_urgent_assignment_shortens_the_reply_deadline(cast, make_ticket):
    ticket = services.ticket_assign(actor=cast.office, ticket=make_ticket(category="complaint",
                                                                             attributes={"repeat": "no"}),
                                      unit=cast.unit_a, urgent=True)
    assert (ticket.urgent, ticket.reply_due) == (True, date(2023, 3, 8))


def test_reassign_before_signing_moves_the_ticket_and_ends_the_first_assignment(cast, assigned):
    ticket = services.ticket_assign(actor=cast.office, ticket=assigned, unit=cast.unit_b)
    assert (ticket.state, ticket.unit) == (State.ASSIGNED, cast.unit_b)
    outcomes = list(ticket.assignments.order_by("id").values_list("unit__name", "outcome"))
    assert outcomes == [("姜山镇", "reassigned"), ("发改局", "active")]
    assert _events(ticket)[-1] == "ticket.reassign"


def test_reassign_to_the_same_unit_is_refused(cast, assigned):
    _refused("same_unit", services.ticket_assign, actor=cast.office, ticket=assigned, unit=cast.unit_a)


def test_assignment_of_a_signed_ticket_is_refused(cast, signed):
    _refused("bad_transition", services.ticket_assign, actor=cast.office, ticket=signed, unit=cast.unit_b)


def test_return_approved_then_reassigned(cast, assigned):
    request = services.ticket_return_request(actor=cast.editor_a, ticket=assigned, reason="属供电公司职责，请改派")
    assert request.status == TicketRequest.Status.PENDING
    _refused("pending_request", services.ticket_sign, actor=cast.editor_a, ticket=assigned)
    _refused("pending_request", services.ticket_assign, actor=cast.office, ticket=assigned, unit=cast.unit_b)
    services.request_decide(actor=cast.office, request=request, approve=True)
    ticket = Ticket.objects.get(pk=assigned.pk)
    assert (ticket.state, ticket.unit, ticket.reply_due) == (State.RETURNED, None, None)
    _refused("returned_by_unit", services.ticket_assign, actor=cast.office, ticket=ticket, unit=cast.unit_a)
    ticket = services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_b)
    assert (ticket.state, ticket.unit) == (State.ASSIGNED, cast.unit_b)
    assert _events(ticket) == ["ticket.create", "ticket.assign", "ticket.return_request", "ticket.return_approve",
                               "ticket.reassign"]
    request.refresh_from_db()
    assert (request.decided_by, request.status) == (cast.office, TicketRequest.Status.APPROVED)


def test_return_refused_by_the_dispatcher_keeps_the_ticket_with_the_unit(cast, assigned):
    request = services.ticket_return_request(actor=cast.editor_a, ticket=assigned, reason="不属本镇职责")
    _refused("required", services.request_decide, actor=cast.office, request=request, approve=False)
    services.request_decide(actor=cast.office, request=request, approve=False, note="路灯属镇村管理，请签收办理")
    ticket = Ticket.objects.get(pk=assigned.pk)
    assert (ticket.state, ticket.unit) == (State.ASSIGNED, cast.unit_a)
    _refused("already_decided", services.request_decide, actor=cast.office, request=request, approve=True)
    assert services.ticket_sign(actor=cast.editor_a, ticket=ticket).state == State.SIGNED


def test_late_return_is_refused(cast, assigned, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 6)  # assigned Wednesday 03-01: the window closed Friday 03-03
    error = _refused("late_return", services.ticket_return_request, actor=cast.editor_a, ticket=assigned,
                     reason="不属本镇职责")
    assert "2023-03-03" in error.message
    settings.GONGJIAN_TODAY = date(2023, 3, 3)
    assert services.ticket_return_request(actor=cast.editor_a, ticket=assigned, reason="不属本镇职责").pk


def test_return_needs_a_reason_and_an_unsigned_ticket(cast, assigned):
    _refused("required", services.ticket_return_request, actor=cast.editor_a, ticket=assigned, reason=" ")
    signed = services.ticket_sign(actor=cast.editor_a, ticket=assigned)
    _refused("bad_transition", services.ticket_return_request, actor=cast.editor_a, ticket=signed, reason="晚了")


def test_signing_late_is_recorded_against_the_assignment(cast, assigned, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 3)
    services.ticket_sign(actor=cast.editor_a, ticket=assigned)
    assert Assignment.objects.get(ticket=assigned).signed_on_time is False


def test_sign_twice_is_refused(cast, signed):
    _refused("bad_transition", services.ticket_sign, actor=cast.editor_a, ticket=signed)


def test_reply_before_signing_is_refused(cast, assigned):
    _refused("bad_transition", services.ticket_reply, actor=cast.editor_a, ticket=assigned, reply="好")


def test_progress_on_a_received_ticket_is_refused(cast, make_ticket):
    _refused("bad_transition", services.ticket_progress, actor=cast.editor_a, ticket=make_ticket(), note="x")


def test_reply_needs_text(cast, signed):
    _refused("required", services.ticket_reply, actor=cast.editor_a, ticket=signed, reply="")


def test_extension_once_approved_by_the_dispatcher(cast, signed):
    request = services.ticket_extension_request(actor=cast.editor_a, ticket=signed, days_requested=5,
                                                reason="需协调供电公司更换线路")
    _refused("pending_request", services.ticket_reply, actor=cast.editor_a, ticket=signed, reply="好")
    services.request_decide(actor=cast.office, request=request, approve=True)
    ticket = Ticket.objects.get(pk=signed.pk)
    assert (ticket.extension_days, ticket.reply_due) == (5, date(2023, 3, 22))
    _refused("already_extended", services.ticket_extension_request, actor=cast.editor_a, ticket=ticket,
             days_requested=3, reason="还要延")
    assert _events(ticket)[-2:] == ["ticket.extension_request", "ticket.extension_approve"]


def test_extension_refused_leaves_the_deadline_and_allows_a_new_request(cast, signed):
    request = services.ticket_extension_request(actor=cast.editor_a, ticket=signed, days_requested=5, reason="协调中")
    services.request_decide(actor=cast.office, request=request, approve=False, note="可在时限内完成")
    ticket = Ticket.objects.get(pk=signed.pk)
    assert (ticket.extension_days, ticket.reply_due) == (0, date(2023, 3, 15))
    assert services.ticket_extension_request(actor=cast.editor_a, ticket=ticket, days_requested=2, reason="再议").pk


@pytest.mark.parametrize("days_requested", [0, 11, None])
def test_extension_is_one_to_ten_working_days(cast, signed, days_requested):
    _refused("invalid", services.ticket_extension_request, actor=cast.editor_a, ticket=signed,
             days_requested=days_requested, reason="协调中")


def test_extension_before_signing_is_refused(cast, assigned):
    _refused("bad_transition", services.ticket_extension_request, actor=cast.editor_a, ticket=assigned,
             days_requested=3, reason="协调中")


def test_unsatisfied_visit_sends_the_ticket_back_for_redo(cast, replied, settings):
    services.ticket_visit(actor=cast.office, ticket=replied, resolved=False, satisfaction="unsatisfied",
                          note="路灯仍不亮")
    settings.GONGJIAN_TODAY = date(2023, 3, 6)
    ticket = services.ticket_redo(actor=cast.office, ticket=Ticket.objects.get(pk=replied.pk), reason="路灯仍不亮")
    assert (ticket.state, ticket.redo_count, ticket.reply_due) == (State.IN_PROGRESS, 1, date(2023, 3, 20))
    assert ticket.satisfaction == "" and ticket.resolved is None
    ticket = services.ticket_reply(actor=cast.editor_a, ticket=ticket, reply="已更换灯具。")
    services.ticket_visit(actor=cast.office, ticket=ticket, resolved=True, satisfaction="basic")
    assert services.ticket_close(actor=cast.office, ticket=ticket).state == State.CLOSED
    assert Visit.objects.filter(ticket=ticket, kind=Visit.Kind.CLOSING).count() == 2


def test_redo_of_a_satisfied_visit_is_refused(cast, replied):
    services.ticket_visit(actor=cast.office, ticket=replied, resolved=True, satisfaction="satisfied")
    _refused("not_unsatisfied", services.ticket_redo, actor=cast.office, ticket=replied, reason="再办")


def test_visit_needs_a_reply_first_and_valid_answers(cast, signed):
    _refused("bad_transition", services.ticket_visit, actor=cast.office, ticket=signed, resolved=True,
             satisfaction="satisfied")
    replied = services.ticket_reply(actor=cast.editor_a, ticket=signed, reply="已处理")
    _refused("required", services.ticket_visit, actor=cast.office, ticket=replied, resolved=True, satisfaction="ok")
    _refused("required", services.ticket_visit, actor=cast.office, ticket=replied, resolved=None,
             satisfaction="satisfied")


def test_close_needs_a_visit_and_a_reason_when_the_citizen_is_unhappy(cast, replied):
    _refused("bad_transition", services.ticket_close, actor=cast.office, ticket=replied)
    services.ticket_visit(actor=cast.office, ticket=replied, resolved=False, satisfaction="unsatisfied")
    _refused("required", services.ticket_close, actor=cast.office, ticket=replied)
    ticket = services.ticket_close(actor=cast.office, ticket=replied, note="诉求超出政策范围，已解释")
    assert ticket.state == State.CLOSED


def test_nothing_happens_to_a_closed_ticket(cast, replied):
    services.ticket_visit(actor=cast.office, ticket=replied, resolved=True, satisfaction="satisfied")
    ticket = services.ticket_close(actor=cast.office, ticket=replied)
    _refused("bad_transition", services.ticket_close, actor=cast.office, ticket=ticket)
    _refused("bad_transition", services.ticket_assign, actor=cast.office, ticket=ticket, unit=cast.unit_b)
    _refused("bad_transition", services.ticket_redo, actor=cast.office, ticket=ticket, reason="x")
    _refused("bad_transition", services.ticket_reply, actor=cast.editor_a, ticket=ticket, reply="x")


def test_merge_a_duplicate_into_the_original(cast, make_ticket, assigned):
    duplicate = make_ticket("前垛埠村路灯不亮已经十多天了，晚上出门黑漆漆的")
    merged = services.ticket_merge(actor=cast.office, ticket=duplicate, into=assigned)
    assert (merged.state, merged.merged_into) == (State.MERGED, assigned)
    assert TicketEvent.objects.filter(ticket=assigned, kind="merge").exists()
    assert _events(merged) == ["ticket.create", "ticket.merge"]


def test_merge_refusals(cast, make_ticket, signed):
    other = make_ticket()
    _refused("invalid", services.ticket_merge, actor=cast.office, ticket=other, into=other)
    _refused("bad_transition", services.ticket_merge, actor=cast.office, ticket=signed, into=other)
    replied = services.ticket_reply(actor=cast.editor_a, ticket=signed, reply="已处理")
    services.ticket_visit(actor=cast.office, ticket=replied, resolved=True, satisfaction="satisfied")
    closed = services.ticket_close(actor=cast.office, ticket=replied)
    _refused("target_closed", services.ticket_merge, actor=cast.office, ticket=make_ticket(), into=closed)


def test_dispute_is_graded_with_a_leader_and_followed_up(cast, make_ticket):
    from gongjian.org.models import Person

    ticket = services.ticket_assign(actor=cast.office, ticket=make_ticket("和邻居因为宅基地边界发生纠纷",
                                                                             category="dispute"), unit=cast.unit_a)
    leader = Person.objects.get(user=cast.leader)
    leader.is_city_leader = True
    leader.save()
    ticket = services.ticket_set_dispute(actor=cast.office, ticket=ticket, risk_level="orange",
                                         responsible_leader=leader)
    assert (ticket.risk_level, ticket.responsible_leader) == ("orange", leader)
    services.ticket_follow_up(actor=cast.editor_a, ticket=ticket, note="已组织双方调解，约定下周丈量")
    services.ticket_follow_up(actor=cast.office, ticket=ticket, note="双方签订调解协议", resolved=True)
    assert Visit.objects.filter(ticket=ticket, kind=Visit.Kind.FOLLOW_UP).count() == 2
    assert _events(ticket)[-3:] == ["ticket.dispute_grade", "ticket.follow_up", "ticket.follow_up"]
    _refused("required", services.ticket_set_dispute, actor=cast.office, ticket=ticket, risk_level="purple",
             responsible_leader=leader)


def test_only_disputes_are_graded_or_followed_up(cast, assigned):
    from gongjian.org.models import Person

    leader = Person.objects.get(user=cast.leader)
    _refused("not_dispute", services.ticket_set_dispute, actor=cast.office, ticket=assigned, risk_level="red",
             responsible_leader=leader)
    _refused("not_dispute", services.ticket_follow_up, actor=cast.office, ticket=assigned, note="x")


def test_promote_a_cluster_of_tickets_to_one_task(cast, campaign, make_ticket, assigned):
    other = make_ticket("姜山镇杨家庄村路灯坏了好几盏，晚上老人孩子出门不安全")
    task = services.ticket_promote(actor=cast.office, tickets=[assigned, other], campaign=campaign,
                                   title="全镇路灯排查整修", lead_unit=cast.unit_a, deadline=date(2023, 6, 30))
    assert task.source == "ticket" and task.status == "draft"
    assert set(task.tickets.values_list("pk", flat=True)) == {assigned.pk, other.pk}
    assert assigned.code in task.source_sentence
    _refused("already_promoted", services.ticket_promote, actor=cast.office, tickets=[other], campaign=campaign,
             title="再转一次", lead_unit=cast.unit_a, deadline=date(2023, 6, 30))


def test_contact_view_is_audited(cast, assigned):
    contact = services.ticket_contact(actor=cast.office, ticket=assigned)
    assert contact["contact_phone"] == "13812345678"
    assert _events(assigned)[-1] == "ticket.contact_view"


def test_a_failed_write_leaves_nothing_behind(cast, make_ticket):
    ticket = make_ticket()
    before = (TicketEvent.objects.count(), AuditEvent.objects.count(), Assignment.objects.count())
    _refused("invalid", services.ticket_assign, actor=cast.office, ticket=ticket, unit=cast.leadership)
    assert (TicketEvent.objects.count(), AuditEvent.objects.count(), Assignment.objects.count()) == before
