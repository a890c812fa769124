"""Notifications: always in-app; also e-mail and a webhook (政务微信/钉钉 group bots) when configured.

In-app notifications are rows written in the caller's transaction. Everything that leaves the machine goes through
`queue_message`: it is queued on the job queue only after the transaction commits, so a rolled-back write sends
nothing and no row lock is held while a mail server or a webhook answers."""

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from gongjian.org.models import Notification, Person, Role, RoleGrant, Unit

log = logging.getLogger("gongjian.notify")
CHANNELS = ("email", "webhook")


def unit_recipients(unit: Unit) -> list:
    editors = RoleGrant.objects.filter(role=Role.UNIT_EDITOR, user__person__unit=unit, user__is_active=True)
    return [g.user for g in editors.select_related("user")]


def queue_message(*, channel: str, title: str, body: str, to: list[str] | None = None) -> None:
    """Queue one outgoing message; it leaves through the job queue after the current transaction commits (at once
    when there is none). `to`: addresses for e-mail; the webhook posts to the configured group bot."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel}")
    message = {"channel": channel, "title": title, "body": body, "to": list(to or [])}

    def enqueue() -> None:
        from gongjian.org.jobs import deliver_message

        deliver_message(message)

    transaction.on_commit(enqueue)


def deliver(message: dict) -> bool:
    """Send one queued message now (the job queue calls this); False when the other side refused it."""
    if message["channel"] == "email":
        try:
            send_mail(message["title"], message["body"], None, message["to"], fail_silently=False)
            return True
        except OSError:
            log.warning("e-mail to %d recipients failed", len(message["to"]))
            return False
    return _webhook(f"{message['title']}\n{message['body']}")


def notify_unit(*, unit: Unit, title: str, body: str, link: str = "") -> list[str]:
    """Notify a unit's editors; return the channels used (e-mail and webhook are queued until commit)."""
    users = unit_recipients(unit)
    Notification.objects.bulk_create(
        [Notification(user=u, unit=unit, title=title, body=body, link=link) for u in users]
    )
    channels = ["in_app"] if users else []
    if settings.GONGJIAN_NOTIFY_EMAIL:
        emails = [e for e in Person.objects.filter(user__in=users).values_list("user__email", flat=True) if e]
        if emails:
            queue_message(channel="email", title=title, body=body, to=emails)
            channels.append("email")
    if settings.GONGJIAN_WEBHOOK_URL:
        queue_message(channel="webhook", title=f"【{unit.name}】{title}", body=body)
        channels.append("webhook")
    return channels


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
