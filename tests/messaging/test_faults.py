"""Fault injection: two workers at once, and a worker killed after the vendor took the message but before the
delivery was recorded. After recovery every message has reached its person exactly once."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from gongjian.messaging.models import Delivery
from gongjian.messaging.services import deliver_pending, message_queue
from tests.messaging import wire
from tests.messaging.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)
# SQLite's in-memory test database answers "table is locked" to a second writer instead of waiting (a database file,
# as deployed, waits), and a second process cannot reach it at all.
needs_server = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server shared by two "
                                  "workers (run with DATABASE_URL=postgres://…; CI's PostgreSQL pass does)")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _queue_many(people, count: int, now):
    liaison, head, leader = people
    for i in range(count):
        message_queue(notice_key=f"fault:{i}", chain=[[liaison, head, leader]], title=f"【督办单】第{i}号",
                      body="请于今日签收", link="", now=now)


def _received(vendor) -> list[tuple[str, str]]:
    return sorted((d["to"], d["title"]) for d in vendor.vendor.delivered)


@needs_server
def test_two_workers_at_once_send_each_message_once(vendor, people):
    now = at(27, 10)
    _queue_many(people, 8, now)
    results = []

    def work():
        try:
            results.append(deliver_pending(now=now))
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sum(r["sent"] for r in results) == 24
    received = _received(vendor)
    assert len(received) == 24 and len(set(received)) == 24, "each person got each notice exactly once"
    assert Delivery.objects.exclude(state="sent").count() == 0


@needs_server
def test_a_worker_killed_between_send_and_record_loses_nothing_and_sends_nothing_twice(vendor, people, tmp_path,
                                                                                        settings):
    liaison, head, leader = people
    leader.wecom_userid, leader.dingtalk_userid = "", "leader01"  # one channel without a duplicate check
    leader.save()
    now = timezone.now()
    _queue_many(people, 3, now)
    # The vendor takes the first message, then the worker is killed before it hears back.
    vendor.vendor.fault("/cgi-bin/message/send", "hang")
    settings_dict = connection.settings_dict
    env = {**os.environ, "PYTHONPATH": ROOT,
           "DATABASE_URL": f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
                           f"{settings_dict['NAME']}",
           "WECOM_API_BASE": vendor.url, "WECOM_CORP_ID": wire.CORP_ID, "WECOM_SECRET": wire.CORP_SECRET,
           "WECOM_AGENT_ID": wire.AGENT_ID, "DINGTALK_API_BASE": vendor.url, "DINGTALK_APP_KEY": wire.APP_KEY,
           "DINGTALK_APP_SECRET": wire.APP_SECRET, "DINGTALK_AGENT_ID": wire.DING_AGENT_ID,
           "MESSAGING_TIMEOUT_SECONDS": "30", "SITE_URL": "https://gj.example.gov.cn", "GONGJIAN_VAR_DIR": str(tmp_path),
           "SECRET_KEY": settings.SECRET_KEY}
    env.pop("GONGJIAN_TODAY", None)
    worker = subprocess.Popen([sys.executable, "-m", "gongjian.cli", "deliver", "--json"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        def hanging():
            return not vendor.vendor.faults["/cgi-bin/message/send"] and any(
                d["to"] != "leader01" for d in vendor.vendor.delivered)

        while not hanging() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert hanging(), worker.stderr.read().decode() if worker.poll() is not None else "no send"
        os.killpg(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(10)
    in_flight = list(Delivery.objects.filter(state="sending"))
    assert len(in_flight) == 1, "the killed worker left the message it was sending unrecorded"
    assert len(vendor.vendor.delivered) == Delivery.objects.filter(state="sent").count() + 1
    vendor.vendor.release.set()

    # Recovery: a new run once the dead worker's lease has run out.
    later = timezone.now() + timedelta(minutes=5)
    for _ in range(3):
        deliver_pending(now=later)
        later += timedelta(minutes=5)
    assert Delivery.objects.exclude(state="sent").count() == 0, "0 lost"
    received = _received(vendor)
    assert len(received) == 9 and len(set(received)) == 9, f"0 sent twice: {received}"
