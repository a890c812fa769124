"""The daily SLA step (`gongjian ticket-sla`), the routing commands and the Open311 key command."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from gongjian.audit.models import AuditEvent
from gongjian.demo.ticket_texts import DEPARTMENTS, DUTY_LISTS, TOWNS, generate_tickets
from gongjian.frontline import services
from gongjian.frontline.jobs import clock_ticket_pages, ticket_sla_run
from gongjian.frontline.models import Open311Key, Ticket
from gongjian.org.models import Unit
from gongjian.supervision.jobs import supervise

pytestmark = pytest.mark.django_db


def _run(day: str) -> dict:
    out = StringIO()
    call_command("ticket-sla", "--date", day, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_colours_follow_the_reply_deadline_and_rerunning_changes_nothing(cast, assigned, make_ticket):
    # assigned 2023-03-01, sign by 03-02, reply by 03-15
    services.ticket_sign(actor=cast.editor_a, ticket=assigned)
    make_ticket()  # received: no clock, no colour
    assert _run("2023-03-10")["green"] == 1
    summary = _run("2023-03-14")
    assert (summary["yellow"], summary["tickets"]) == (1, 1)
    again = _run("2023-03-14")
    assert {k: v for k, v in again.items() if k != "seconds"} == {k: v for k, v in summary.items() if k != "seconds"}
    assert Ticket.objects.get(pk=assigned.pk).sla_on == date(2023, 3, 14)
    assert _run("2023-03-16")["red"] == 1
    assert _run("2023-03-17")["red"] == 1
    ticket = Ticket.objects.get(pk=assigned.pk)
    assert (ticket.sla_color, ticket.sla_rule, ticket.sla_on) == ("red", "ticket_overdue", date(2023, 3, 16))
    assert AuditEvent.objects.filter(event="ticket.sla_run").count() == 5


def test_an_unsigned_ticket_goes_yellow_after_its_sign_deadline(assigned):
    ticket_sla_run(date(2023, 3, 3))
    assert Ticket.objects.get(pk=assigned.pk).sla_rule == "ticket_sign_late"


def test_a_green_ticket_that_stays_green_is_counted_not_read(cast, assigned):
    services.ticket_sign(actor=cast.editor_a, ticket=assigned)
    assert ticket_sla_run(date(2023, 3, 9))["green"] == 1
    assert [row[0] for page in clock_ticket_pages(date(2023, 3, 10)) for row in page] == []
    assert ticket_sla_run(date(2023, 3, 10))["green"] == 1
    # Reply by Wednesday 03-15: yellow from Tuesday 03-14, so on 03-14 it is read again and changes.
    assert [row[0] for page in clock_ticket_pages(date(2023, 3, 14)) for row in page] == [assigned.pk]
    assert ticket_sla_run(date(2023, 3, 14))["yellow"] == 1
    Ticket.objects.filter(pk=assigned.pk).update(reply_due=date(2023, 3, 31))  # as an approved extension does
    assert ticket_sla_run(date(2023, 3, 16))["green"] == 1
    assert [row[0] for page in clock_ticket_pages(date(2023, 3, 17)) for row in page] == []


def test_a_green_unsigned_ticket_turns_yellow_after_its_sign_date(assigned):
    assert ticket_sla_run(date(2023, 3, 2))["green"] == 1
    summary = ticket_sla_run(date(2023, 3, 3))
    assert (summary["yellow"], summary["green"]) == (1, 0)
    assert Ticket.objects.get(pk=assigned.pk).sla_rule == "ticket_sign_late"


def test_pages_of_one_ticket_colour_every_ticket_in_id_order(cast, assigned, make_ticket):
    second = services.ticket_assign(actor=cast.office, ticket=make_ticket(), unit=cast.unit_a)
    assert [[row[0] for row in page] for page in clock_ticket_pages(date(2023, 3, 3), chunk=1)] == [
        [assigned.pk], [second.pk]]
    assert ticket_sla_run(date(2023, 3, 3), chunk=1)["yellow"] == 2
    assert set(Ticket.objects.values_list("sla_rule", flat=True)) == {"ticket_sign_late"}


def test_a_replied_ticket_loses_its_colour(cast, replied):
    Ticket.objects.filter(pk=replied.pk).update(sla_color="red")
    assert ticket_sla_run(date(2023, 3, 20))["tickets"] == 0
    assert Ticket.objects.get(pk=replied.pk).sla_color == ""


def test_human_readable_output():
    out = StringIO()
    call_command("ticket-sla", "--date", "2023-03-01", stdout=out)
    assert "在办工单0张" in out.getvalue()


def _history(cast, n: int):
    """Signed assignments to real Laixi units, from the synthetic generator."""
    category = services.category_save(actor=None, code="any", name="诉求", kind="help")
    units = {}
    for name in TOWNS:
        units[name] = Unit.objects.get_or_create(name=name, defaults={"kind": "town"})[0]
    for name in DEPARTMENTS:
        units[name] = Unit.objects.get_or_create(name=name, defaults={"kind": "department",
                                                                       "duty_list": DUTY_LISTS[name]})[0]
    for row in generate_tickets(n, 5, towns=TOWNS, departments=DEPARTMENTS):
        ticket = services.ticket_create(actor=None, category=category, text=row["text"],
                                        source="web", town=units[row["town"]])
        ticket = services.ticket_assign(actor=cast.office, ticket=ticket, unit=units[row["unit"]])
        services.ticket_sign(actor=_editor(units[row["unit"]]), ticket=ticket)


def _editor(unit):
    from gongjian.org.models import Role
    from gongjian.org.services import user_create

    editor = unit.people.filter(user__role_grants__role=Role.UNIT_EDITOR).first()
    if editor is None:
        return user_create(actor=None, username=f"e{unit.pk}", password="Cast#Pass2023", display_name="联络员",
                           unit=unit, roles=[Role.UNIT_EDITOR])
    return editor.user


@pytest.mark.slow
def test_routing_commands_train_and_report_accuracy(cast, today):
    _history(cast, 150)
    out = StringIO()
    call_command("routing-train", stdout=out)
    assert "150条历史派单" in out.getvalue()
    out = StringIO()
    call_command("routing-eval", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["n_test"] > 0 and result["top3"] >= result["top1"] > 0.3
    out = StringIO()
    call_command("routing-eval", stdout=out)
    assert "首选命中率" in out.getvalue() and "前三命中率" in out.getvalue()


def test_routing_eval_without_history_says_so(cast):
    out = StringIO()
    call_command("routing-eval", stdout=out)
    assert "无法评估" in out.getvalue()


def test_open311_key_command(cast):
    out = StringIO()
    call_command("open311-key", "create", "爱莱西APP", stdout=out)
    key = Open311Key.objects.get()
    raw = out.getvalue().rsplit("：", 1)[1].strip()
    assert services.key_hash(raw) == key.key_hash and raw.startswith(key.prefix)
    call_command("open311-key", "revoke", key.prefix, stdout=StringIO())
    key.refresh_from_db()
    assert key.revoked_at is not None
    out = StringIO()
    call_command("open311-key", "list", stdout=out)
    assert "已停用" in out.getvalue()


def test_the_daily_run_colours_tickets_through_frontlines_registered_step(cast, assigned):
    # assigned 2023-03-01, reply due 03-15: red from 03-16, with no separate ticket run
    services.ticket_sign(actor=cast.editor_a, ticket=assigned)
    summary = supervise(on=date(2023, 3, 16))
    assert summary["steps"]["ticket_sla"]["red"] == 1
    assert Ticket.objects.get(pk=assigned.pk).sla_color == "red"


def test_the_offices_ticket_limits_drive_the_run_and_the_services(cast, assigned):
    from gongjian.errors import UserError
    from gongjian.supervision import services as rule_services

    # reply due 03-15: yellow from 03-14 by default; the office asks for three working days' warning
    services.ticket_sign(actor=cast.editor_a, ticket=assigned)
    assert supervise(on=date(2023, 3, 10))["steps"]["ticket_sla"]["yellow"] == 0
    rule_services.rule_set(actor=cast.office, code="ticket_sla", campaign=None,
                           params={"yellow_days": 3, "max_extension_days": 5})
    assert supervise(on=date(2023, 3, 10))["steps"]["ticket_sla"]["yellow"] == 1
    with pytest.raises(UserError, match="延期须为1—5个工作日"):
        services.ticket_extension_request(actor=cast.editor_a, ticket=assigned, days_requested=6, reason="需协调")


def test_a_ticket_is_written_only_when_its_colour_or_rule_changes(cast, assigned):
    services.ticket_sign(actor=cast.editor_a, ticket=assigned)
    ticket_sla_run(date(2023, 3, 9))
    before = Ticket.objects.get(pk=assigned.pk).sla_on
    ticket_sla_run(date(2023, 3, 10))  # still green, on time: not rewritten
    ticket = Ticket.objects.get(pk=assigned.pk)
    assert (ticket.sla_color, ticket.sla_on) == ("green", before)
    ticket_sla_run(date(2023, 3, 14))  # due tomorrow: yellow from today
    assert Ticket.objects.get(pk=assigned.pk).sla_on == date(2023, 3, 14)


def test_one_message_per_unit_and_colour_whatever_the_tickets(cast, assigned, make_ticket):
    from gongjian.messaging.models import Thread

    ticket_sla_run(date(2023, 3, 3))  # unsigned past its sign deadline: yellow, one message to the unit
    threads = Thread.objects.filter(notice_key__startswith="frontline.sla:")
    assert [t.notice_key for t in threads] == [f"frontline.sla:{assigned.unit_id}:yellow:2023-03-03"]
    ticket_sla_run(date(2023, 3, 3))
    assert threads.count() == 1


def test_a_ticket_red_for_its_reply_date_is_counted_without_being_read_and_an_extension_reopens_it(
        cast, assigned, make_ticket):
    from gongjian.frontline.jobs import _settled, clock_ticket_pages

    services.ticket_sign(actor=cast.editor_a, ticket=assigned)  # reply by 2023-03-15
    assert _run("2023-03-16")["red"] == 1
    read = [row[0] for page in clock_ticket_pages(date(2023, 3, 17)) for row in page]
    assert assigned.pk not in read
    assert Ticket.objects.filter(_settled(date(2023, 3, 17))).count() == 1
    summary = _run("2023-03-17")
    assert (summary["red"], summary["tickets"]) == (1, 1)
    # The reply date moves past the day: the ticket is read again and turns yellow (due within the yellow days).
    Ticket.objects.filter(pk=assigned.pk).update(reply_due=date(2023, 3, 20))
    assert assigned.pk in [row[0] for page in clock_ticket_pages(date(2023, 3, 17)) for row in page]
    assert _run("2023-03-17")["yellow"] == 1
    assert Ticket.objects.get(pk=assigned.pk).sla_color == "yellow"
