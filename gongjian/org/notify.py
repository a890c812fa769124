"""Notifications: always in-app; also e-mail and a webhook (政务微信/钉钉 group bots) when configured."""

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from gongjian.org.models import Notification, Person, Role, RoleGrant, Unit

log = logging.getLogger("gongjian.notify")


def unit_recipients(unit: Unit) -> list:
    editors = RoleGrant.objects.filter(role=Role.UNIT_EDITOR, user__person__unit=unit, user__is_active=True)
    return [g.user for g in editors.select_related("user")]


def notify_unit(*, unit: Unit, title: str, body: str, link: str = "") -> list[str]:
    """Notify a unit's editors; return the channels used."""
    users = unit_recipients(unit)
    Notification.objects.bulk_create(
        [Notification(user=u, unit=unit, title=title, body=body, link=link) for u in users]
    )
    channels = ["in_app"] if users else []
    if settings.GONGJIAN_NOTIFY_EMAIL:
        emails = [e for e in Person.objects.filter(user__in=users).values_list("user__email", flat=True) if e]
        if emails:
            try:
                send_mail(title, body, None, emails, fail_silently=False)
                channels.append("email")
            except OSError:
                log.warning("e-mail to %s failed", unit.name)
    if settings.GONGJIAN_WEBHOOK_URL and _webhook(f"【{unit.name}】{title}\n{body}"):
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
