from datetime import datetime

from django.db.models import Count, Q, QuerySet

from gongjian.messaging.models import Channel, Delivery, Thread
from gongjian.messaging.services import step_name


def deliveries(*, state: str = "", channel: str = "", query: str = "") -> QuerySet[Delivery]:
    rows = Delivery.objects.select_related("thread", "person__unit")
    if state in Delivery.State.values:
        rows = rows.filter(state=state)
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    if query.strip():
        rows = rows.filter(Q(thread__title__icontains=query.strip()) | Q(person__display_name__icontains=query.strip()))
    return rows


def totals() -> dict:
    counts = dict(Delivery.objects.values_list("state").annotate(n=Count("id")).order_by())
    read = Delivery.objects.filter(read_at__isnull=False).count()
    return {"states": [(label, counts.get(value, 0), value) for value, label in Delivery.State.choices],
            "read": read, "signed": Thread.objects.filter(signed_at__isnull=False).count(),
            "escalated": Thread.objects.filter(step__gt=0).count()}


def journey(notice_key: str) -> dict | None:
    """What happened to a notice's messages, step by step, for its page."""
    thread = Thread.objects.filter(notice_key=notice_key).first()
    if thread is None:
        return None
    rows = list(thread.deliveries.select_related("person").order_by("created_at", "id"))
    events = [{**e, "at": datetime.fromisoformat(e["at"])} for e in thread.events]
    return {"thread": thread, "events": events, "deliveries": rows, "step_name": step_name(thread.step)}
