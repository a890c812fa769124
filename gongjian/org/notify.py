"""The one group bot of the setting `GONGJIAN_WEBHOOK_URL` (政务微信/钉钉 group webhook).

Notices to people go through `messaging` (`messaging.services.unit_notify`): to their phones, signed for, climbing
when nobody signs. This module only posts a copy of each to the configured group bot, queued on the job queue after
the transaction commits, so a rolled-back write posts nothing and no row lock is held while the bot answers."""

import json
import logging
import urllib.request

from django.conf import settings
from django.db import transaction

log = logging.getLogger("gongjian.notify")
CHANNELS = ("webhook",)


def queue_message(*, channel: str, title: str, body: str) -> None:
    """Queue one post to the group bot; it leaves through the job queue after the current transaction commits (at
    once when there is none)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel}")
    message = {"channel": channel, "title": title, "body": body}

    def enqueue() -> None:
        from gongjian.org.jobs import deliver_message

        deliver_message(message)

    transaction.on_commit(enqueue)


def deliver(message: dict) -> bool:
    """Post one queued message now (the job queue calls this); False when the other side refused it."""
    return _webhook(f"{message['title']}\n{message['body']}")


def _webhook(text: str) -> bool:
    payload = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is an administrator's setting
        settings.GONGJIAN_WEBHOOK_URL, data=payload, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return 200 <= response.status < 300
    except OSError:
        log.warning("webhook failed")
        return False
