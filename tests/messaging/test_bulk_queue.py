"""The daily run queues its notices in bulk: the same threads, deliveries, journey and audit rows as one by one, in a
number of statements that does not grow with the notices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian import clock
from gongjian.audit.models import AuditEvent
from gongjian.audit.services import audit_verify
from gongjian.messaging import services
from gongjian.messaging.models import Delivery, Thread
from gongjian.org.models import UnitDuty
from gongjian.org.selectors import notice_chain, notice_chains

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast):
    cast.viewer_a.person.unit_duty = UnitDuty.HEAD
    cast.viewer_a.person.save()
    cast.leader.person.oversees.add(cast.unit_a, cast.unit_b)
    return cast


def _shape(thread: Thread) -> tuple:
    deliveries = sorted(thread.deliveries.values_list("person_id", "channel", "step", "state"))
    events = [{**e, "at": None} for e in thread.events]
    return (thread.title, thread.body, thread.link, thread.chain, thread.step, thread.sign_hours,
            thread.next_step_at, events, deliveries)


def test_notice_chains_agree_with_the_chain_of_each_unit(people):
    chains = notice_chains(unit_ids=[people.unit_a.pk, people.unit_b.pk])
    for unit in (people.unit_a, people.unit_b):
        assert chains[unit.pk] == notice_chain(unit_id=unit.pk)
    assert chains[people.unit_a.pk][2] == [people.leader.person]


def test_bulk_queue_writes_what_one_by_one_writes(people):
    chain = notice_chain(unit_id=people.unit_a.pk)
    # One moment for both: within working hours the next step is due exactly four hours after the queueing.
    now = clock.now()
    one = services.message_queue(notice_key="n:1", chain=chain, title="督办", body="已逾期", link="/notices/1/",
                                 now=now)
    [bulk] = services.messages_queue(items=[services.Queued("n:2", chain, "督办", "已逾期", "/notices/1/")], now=now)
    bulk = Thread.objects.get(pk=bulk.pk)
    assert _shape(bulk) == _shape(Thread.objects.get(pk=one.pk))
    assert Delivery.objects.filter(thread=bulk).count() >= 1
    written = list(AuditEvent.objects.filter(event="message.queue").order_by("seq").values_list("object_id", "changes"))
    assert written == [(str(one.pk), {"notice": "n:1", "people": [p.pk for p in chain[0]]}),
                       (str(bulk.pk), {"notice": "n:2", "people": [p.pk for p in chain[0]]})]
    assert audit_verify().ok


def test_bulk_queue_skips_known_keys_and_empty_chains(people):
    chain = notice_chain(unit_id=people.unit_a.pk)
    services.message_queue(notice_key="n:1", chain=chain, title="t", body="", link="/")
    made = services.messages_queue(items=[services.Queued("n:1", chain, "t", "", "/"),
                                          services.Queued("n:3", [[], [], []], "t", "", "/"),
                                          services.Queued("n:4", chain, "t", "", "/"),
                                          services.Queued("n:4", chain, "t", "", "/")])
    assert [t.notice_key for t in made] == ["n:4"]
    assert Thread.objects.count() == 2


@pytest.mark.parametrize("n", [3, 30])
def test_bulk_queue_statements_do_not_grow_with_the_notices(people, n):
    chains = notice_chains(unit_ids=[people.unit_a.pk, people.unit_b.pk])
    items = [services.Queued(f"n:{i}", chains[people.unit_a.pk if i % 2 else people.unit_b.pk], "t", "", "/")
             for i in range(n)]
    with CaptureQueriesContext(connection) as queries:
        services.messages_queue(items=items)
    assert len(queries) <= 12, [q["sql"][:80] for q in queries]
    assert Thread.objects.count() == n


def test_a_person_named_twice_in_a_step_is_told_once(people):
    chain = notice_chain(unit_id=people.unit_a.pk, also=[people.leader.person, people.leader.person])
    for key, queue in (("n:1", lambda c: services.message_queue(notice_key="n:1", chain=c, title="t", body="", link="/")),
                       ("n:2", lambda c: services.messages_queue(items=[services.Queued("n:2", c, "t", "", "/")]))):
        queue(chain)
        thread = Thread.objects.get(notice_key=key)
        assert thread.chain[0].count(people.leader.person.pk) == 1
        assert thread.deliveries.filter(person=people.leader.person).count() == 1
