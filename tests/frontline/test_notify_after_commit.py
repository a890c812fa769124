"""The copy to the configured group bot leaves only after the transaction commits, through the job queue, as the
unit's messages do (tests/messaging/test_who_gets_what.py): a rolled-back assignment sends nothing, and nothing is sent
while the ticket's row is locked."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import transaction
from huey.contrib.djhuey import HUEY

from gongjian.frontline import services
from gongjian.messaging.models import Delivery
from gongjian.org.models import Notification

pytestmark = pytest.mark.django_db


class _Bot(BaseHTTPRequestHandler):
    """A group bot speaking the webhook wire format: POST JSON {"msgtype": "text", "text": {"content": ...}}."""

    status = 200
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server hook's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b'{"errcode":0}')

    def log_message(self, *args):
        pass


@pytest.fixture
def bot(settings):
    _Bot.received, _Bot.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Bot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GONGJIAN_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/send"
    yield _Bot
    server.shutdown()
    server.server_close()


@pytest.fixture
def queue():
    """The job queue runs each job as it is enqueued (a real huey, in memory)."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before


@pytest.fixture
def with_email(cast):
    cast.editor_a.email = "editor_a@example.gov.cn"
    cast.editor_a.save(update_fields=["email"])


def test_assignment_sends_after_commit_not_inside_the_transaction(cast, make_ticket, bot, queue, with_email,
                                                               django_capture_on_commit_callbacks):
    ticket = make_ticket()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
        assert bot.received == [] and mail.outbox == []  # the transaction has ended; nothing left yet
    assert sum(c.__qualname__.startswith("queue_message") for c in callbacks) == 1  # the webhook
    for callback in callbacks:
        callback()
    assert list(Delivery.objects.values_list("person__user__username", "channel")) == [("editor_a", "in_app")]
    assert len(bot.received) == 1 and ticket.code in bot.received[0]["text"]["content"]
    assert bot.received[0]["msgtype"] == "text" and "【姜山镇】" in bot.received[0]["text"]["content"]


def test_a_failing_transaction_sends_nothing(cast, make_ticket, bot, queue, with_email,
                                             django_capture_on_commit_callbacks):
    ticket = make_ticket()
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
        raise RuntimeError("a later step of the same transaction fails")
    assert not [c for c in callbacks if c.__qualname__.startswith("queue_message")]
    assert bot.received == [] and mail.outbox == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    ticket.refresh_from_db()
    assert ticket.unit_id is None


def test_a_refusing_webhook_does_not_undo_the_assignment(cast, make_ticket, bot, queue,
                                                       django_capture_on_commit_callbacks):
    bot.status = 500
    ticket = make_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    assert len(bot.received) == 1
    ticket.refresh_from_db()
    assert ticket.unit_id == cast.unit_a.pk
