"""Migrations 0002 and 0003 rename ticket dispatch to assignment: stored "dispatched" states become "assigned",
the dispatch times move to assigned_at and timeline "dispatch" events become "assign", on a database that held
tickets before."""

from datetime import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("frontline", "0001_initial")]
AFTER = [("frontline", "0002_ticket_assigned")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_dispatched_tickets_become_assigned():
    at = timezone.make_aware(datetime(2023, 3, 1, 9, 30))
    old = _migrate(BEFORE)
    try:
        category = old.get_model("frontline", "Category").objects.create(code="road", name="道路", kind="help")
        Ticket = old.get_model("frontline", "Ticket")
        held = Ticket.objects.create(code="T1", text="路灯不亮", category=category, received_at=at, state="dispatched",
                                     dispatched_at=at)
        waiting = Ticket.objects.create(code="T2", text="井盖缺失", category=category, received_at=at)
        new = _migrate(AFTER)
        Ticket = new.get_model("frontline", "Ticket")
        assert Ticket.objects.get(pk=held.pk).state == "assigned"
        assert Ticket.objects.get(pk=held.pk).assigned_at == at
        assert Ticket.objects.get(pk=waiting.pk).state == "received"
        assert not Ticket.objects.filter(state="dispatched").exists()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_stored_dispatch_timeline_events_become_assign():
    at = timezone.make_aware(datetime(2023, 3, 1, 9, 30))
    old = _migrate([("frontline", "0002_ticket_assigned")])
    try:
        category = old.get_model("frontline", "Category").objects.create(code="road", name="道路", kind="help")
        ticket = old.get_model("frontline", "Ticket").objects.create(code="T1", text="路灯不亮", category=category,
                                                                     received_at=at, state="assigned", assigned_at=at)
        Event = old.get_model("frontline", "TicketEvent")
        first = Event.objects.create(ticket=ticket, at=at, kind="dispatch", public=True)
        again = Event.objects.create(ticket=ticket, at=at, kind="reassign", public=True)
        Event = _migrate([("frontline", "0003_ticket_event_assign")]).get_model("frontline", "TicketEvent")
        assert Event.objects.get(pk=first.pk).kind == "assign"
        assert Event.objects.get(pk=again.pk).kind == "reassign"
        assert not Event.objects.filter(kind="dispatch").exists()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
