"""Frontline's scheduled jobs. The tickets' SLA step colours every ticket whose clock runs; it is registered with
supervision's rule registry (apps.py), so the daily supervision run performs it (also the command `ticket-sla`).
Reads in chunks and writes only the tickets whose colour or rule changed (`sla_on`: the day it last changed), one
UPDATE per colour and chunk; running a day twice gives the same result. No per-day history is kept: a ticket's colour,
its rule and the day it took them are on the ticket, and every day's totals are in the step's audit event."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongjian.audit.services import record
from gongjian.frontline import sla
from gongjian.frontline.models import Ticket
from gongjian.frontline.routing_store import routing_train
from gongjian.frontline.selectors import sla_params
from gongjian.messaging.services import UnitNotice, units_notify
from gongjian.org.models import Unit
from gongjian.workdays import days

CHUNK = 5000


def ticket_sla_step(*, on: date, rules: dict) -> dict:
    """The registered step of the daily supervision run; `rules` are the office's settings for all campaigns."""
    return ticket_sla_run(on, params=rules.get("ticket_sla"))


def ticket_sla_run(on: date, *, chunk: int = CHUNK, params: dict | None = None) -> dict:
    started = time.perf_counter()
    cal = days.calendar()
    params = params or sla_params()
    counts = {"red": 0, "yellow": 0, "green": 0}
    with transaction.atomic():
        # "> ''" rather than "<> ''": a range the colour's index answers, where "<>" read all two million tickets.
        Ticket.objects.exclude(state__in=Ticket.CLOCK_STATES).filter(sla_color__gt="").update(sla_color="", sla_rule="")
        warned: dict[tuple[int, str], list[str]] = defaultdict(list)
        settled, steady = _settled(on), _steady(on, cal, params)
        unchanged = Ticket.objects.filter(settled | steady, state__in=Ticket.CLOCK_STATES).aggregate(
            red=Count("id", filter=settled), green=Count("id", filter=steady))
        counts["red"], counts["green"] = unchanged["red"], unchanged["green"]
        for batch in clock_ticket_pages(on, chunk, params=params):
            _write(batch, on, cal, counts, params, warned)
        _warn(warned, on)
        summary = {"date": on.isoformat(), **counts, "tickets": sum(counts.values())}
        record(actor=None, event="ticket.sla_run", object_type="frontline.ticket", changes=summary)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


def _settled(on: date) -> Q:
    """Tickets already red for being past their reply date before `on`: `sla.evaluate` gives them that same card on
    `on` (and on every later day while their clock runs), so reading them again would change nothing. The test reads
    the current reply date: an approved extension takes the ticket out of this set at once."""
    return Q(sla_color="red", sla_rule=sla.RULE_OVERDUE, reply_due__lt=on)


def _steady(on: date, cal, params: dict) -> Q:
    """Tickets already green for being on time that stay so on `on`: their reply date is far enough off
    (`sla.green_from`) and they are signed or still within their sign date. Most tickets on the clock, most days."""
    return (Q(sla_color="green", sla_rule=sla.RULE_ON_TIME, reply_due__gte=sla.green_from(on, cal, params))
            & (Q(signed_at__isnull=False) | Q(sign_due__isnull=True) | Q(sign_due__gte=on)))


def clock_ticket_pages(on: date, chunk: int = CHUNK, *, params: dict | None = None) -> Iterator[list[tuple]]:
    """What the step reads: every ticket whose clock runs and whose card on `on` is not already known to stay as it
    is (settled red, steady green), by id, a page at a time for the writes. Read in one query through the state
    index: keyset pages in id order walked the primary key through all two million tickets for the few thousand
    that change on a day. Read whole, so no cursor stays open while the pages are written (SQLite forbids it)."""
    unchanged = _settled(on) | _steady(on, days.calendar(), params or sla_params())
    rows = sorted(Ticket.objects.filter(state__in=Ticket.CLOCK_STATES).exclude(unchanged).order_by().values_list(
        "id", "unit_id", "sign_due", "reply_due", "signed_at", "sla_color", "sla_rule", "code"))
    for start in range(0, len(rows), chunk):
        yield rows[start:start + chunk]


def _warn(warned: dict[tuple[int, str], list[str]], on: date) -> None:
    """One message per unit and colour for the tickets that turned yellow or red today; red ones climb."""
    units = Unit.objects.in_bulk({unit_id for unit_id, _ in warned})
    notices = []
    for (unit_id, color), codes in sorted(warned.items()):
        what = "已超过答复时限" if color == "red" else "临近答复时限或超时未签收"
        notices.append(UnitNotice(unit=units[unit_id], key=f"frontline.sla:{unit_id}:{color}:{on.isoformat()}",
                                  climb=color == "red", title=f"{len(codes)}件工单{what}", link="/tickets/",
                                  body="、".join(codes[:30]) + (f"等{len(codes)}件" if len(codes) > 30 else "")))
    units_notify(notices=notices)


def _write(batch: list[tuple], on: date, cal, counts: dict, params: dict,
           warned: dict[tuple[int, str], list[str]]) -> None:
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, unit_id, sign_due, reply_due, signed_at, old_color, old_rule, code in batch:
        card = sla.evaluate(sla.Facts(sign_due=sign_due, reply_due=reply_due, signed=signed_at is not None,
                                      clock_running=True), on, cal, params)
        if card is None:
            continue
        counts[card.color] += 1
        if (card.color, card.rule) != (old_color, old_rule):
            groups[(card.color, card.rule)].append(pk)
        if card.color != "green" and card.color != old_color:
            warned[(unit_id, card.color)].append(code)
    for (color, rule), ids in groups.items():
        Ticket.objects.filter(pk__in=ids).update(sla_color=color, sla_rule=rule, sla_on=on)


@db_periodic_task(crontab(minute="40", hour="2", day_of_week="1"))
def routing_train_weekly():
    routing_train(actor=None)
