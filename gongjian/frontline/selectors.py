"""Reads on tickets and ideas: duplicates, similar clusters, the three rates, queues and ledgers."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from gongjian import clock
from gongjian.frontline import sla
from gongjian.frontline.models import (
    Assignment,
    Category,
    Idea,
    Open311Key,
    PointsEntry,
    Ticket,
    TicketEvent,
    TicketRequest,
    Visit,
)
from gongjian.frontline.text import degrees_for, haversine_m, jaccard, normalize_address, shingles, similarity
from gongjian.supervision.rules import office_params

DUPLICATE_RADIUS_M = 200
DUPLICATE_DAYS = 7
DUPLICATE_SIMILARITY = 0.5
CLUSTER_DAYS = 90
CLUSTER_SIMILARITY = 0.4
IDEA_SIMILARITY = 0.5
State = Ticket.State


@dataclass(frozen=True)
class Duplicate:
    ticket: Ticket
    score: float
    metres: float | None  # None: matched by address


def duplicate_candidates(ticket: Ticket, *, limit: int = 5) -> list[Duplicate]:
    """疑似重复: same category, within 200 m or at the same address, within 7 days, similar text."""
    window = timedelta(days=DUPLICATE_DAYS)
    nearby = Q(pk__in=[])
    if ticket.lat is not None and ticket.lng is not None:
        dlat, dlng = degrees_for(DUPLICATE_RADIUS_M, ticket.lat)
        nearby |= Q(lat__range=(ticket.lat - dlat, ticket.lat + dlat), lng__range=(ticket.lng - dlng, ticket.lng + dlng))
    if ticket.address.strip():
        nearby |= Q(address=ticket.address)
    candidates = (Ticket.objects.filter(nearby, category_id=ticket.category_id,
                                        received_at__range=(ticket.received_at - window, ticket.received_at + window))
                  .exclude(pk=ticket.pk).exclude(state=State.MERGED).only(
                      "id", "code", "text", "lat", "lng", "address", "state", "received_at", "unit_id"))
    mine = shingles(ticket.text)
    address = normalize_address(ticket.address)
    found = []
    for other in candidates[:500]:
        metres = None
        if ticket.lat is not None and ticket.lng is not None and other.lat is not None and other.lng is not None:
            metres = haversine_m(ticket.lat, ticket.lng, other.lat, other.lng)
        same_place = (metres is not None and metres <= DUPLICATE_RADIUS_M) or (
            address and normalize_address(other.address) == address)
        score = jaccard(mine, shingles(other.text))
        if same_place and score >= DUPLICATE_SIMILARITY:
            found.append(Duplicate(other, score, metres))
    found.sort(key=lambda d: (-d.score, d.ticket.received_at))
    return found[:limit]


def similar_tickets(ticket: Ticket, *, limit: int = 30) -> list[tuple[Ticket, float]]:
    """Tickets of the same category anywhere in the last 90 days that raise a similar matter: a cluster that may
    point at a systemic problem worth a supervised task."""
    since = ticket.received_at - timedelta(days=CLUSTER_DAYS)
    candidates = (Ticket.objects.filter(category_id=ticket.category_id, received_at__gte=since, task__isnull=True)
                  .exclude(pk=ticket.pk).exclude(state=State.MERGED)
                  .select_related("town", "unit").order_by("-received_at")[:2000])
    mine = shingles(ticket.text)
    scored = [(other, jaccard(mine, shingles(other.text))) for other in candidates]
    scored = [(t, s) for t, s in scored if s >= CLUSTER_SIMILARITY]
    scored.sort(key=lambda item: -item[1])
    return scored[:limit]


def ticket_rates(unit_ids: Iterable[int], month: date, last: date | None = None) -> dict[int, dict]:
    """The three rates (三率, docs/rules.md §6) per unit for the calendar month containing `month`, or from `month`
    through `last` (an assessment period so far).

    response: assignments to the unit in the time, signed within the sign deadline (a return the dispatcher approved
    does not count against it); resolution: closing visits in the time of tickets the unit handled; satisfaction:
    those of them where the citizen gave a rating (an unreachable citizen's visit is not rated and not counted).
    Each unit maps to {"assigned", "signed_on_time", "response_rate", "visited", "resolved", "resolution_rate",
    "rated", "satisfied", "satisfaction_rate"}; a rate is a fraction in [0, 1], or None when nothing was counted."""
    unit_ids = list(unit_ids)
    first = month.replace(day=1) if last is None else month
    last = last or (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    counted = (Assignment.objects.filter(unit_id__in=unit_ids, assigned_on__range=(first, last))
               .exclude(outcome=Assignment.Outcome.RETURNED)
               .values("unit_id").annotate(n=Count("id"), on_time=Count("id", filter=Q(signed_on_time=True))))
    visits = (Visit.objects.filter(unit_id__in=unit_ids, on__range=(first, last),
                                   kind__in=(Visit.Kind.CLOSING, Visit.Kind.GRID))
              .values("unit_id").annotate(
                  n=Count("id"), resolved=Count("id", filter=Q(resolved=True)), rated=Count("id", filter=~Q(satisfaction="")),
                  satisfied=Count("id", filter=Q(satisfaction__in=(Ticket.Satisfaction.SATISFIED,
                                                                   Ticket.Satisfaction.BASIC)))))
    rates: dict[int, dict[str, Any]] = {u: {"assigned": 0, "signed_on_time": 0, "visited": 0, "resolved": 0, "rated": 0,
                                            "satisfied": 0}
             for u in unit_ids}
    for row in counted:
        rates[row["unit_id"]].update(assigned=row["n"], signed_on_time=row["on_time"])
    for row in visits:
        rates[row["unit_id"]].update(visited=row["n"], resolved=row["resolved"], rated=row["rated"],
                                     satisfied=row["satisfied"])
    for item in rates.values():
        item["response_rate"] = _rate(item["signed_on_time"], item["assigned"])
        item["resolution_rate"] = _rate(item["resolved"], item["visited"])
        item["satisfaction_rate"] = _rate(item["satisfied"], item["rated"])
    return rates


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def queue_counts(tickets: QuerySet[Ticket]) -> dict[str, int]:
    """What waits for the dispatcher: new and returned tickets, pending requests, replies to visit, visits to close."""
    counts = dict(tickets.values_list("state").annotate(n=Count("id")).order_by())
    pending = TicketRequest.objects.filter(status=TicketRequest.Status.PENDING, ticket__in=tickets)
    return {
        "received": counts.get(State.RECEIVED, 0),
        "returned": counts.get(State.RETURNED, 0),
        "requests": pending.count(),
        "replied": counts.get(State.REPLIED, 0),
        "visited": counts.get(State.VISITED, 0),
        "red": tickets.filter(sla_color="red", state__in=Ticket.CLOCK_STATES).count(),
        "yellow": tickets.filter(sla_color="yellow", state__in=Ticket.CLOCK_STATES).count(),
    }


def pending_requests(tickets: QuerySet[Ticket]) -> QuerySet[TicketRequest]:
    return (TicketRequest.objects.filter(status=TicketRequest.Status.PENDING, ticket__in=tickets)
            .select_related("ticket", "unit", "requested_by__person").order_by("requested_at"))


def timeline(ticket: Ticket, *, public_only: bool = False) -> list[TicketEvent]:
    """The ticket's events, oldest first, opened by its intake. Intake writes no event row (the hottest path, Open311
    POSTs, saves an insert): the opening event is made here from the ticket itself."""
    events = ticket.events.select_related("actor__person", "unit").order_by("at", "id")
    if public_only:
        events = events.filter(public=True)
    received = TicketEvent(ticket=ticket, kind="receive", at=ticket.received_at, actor=ticket.reporter,
                           note=f"已受理（{ticket.get_source_display()}）", public=True)
    return [received, *events]


def similar_ideas(title: str, text: str, *, exclude: int | None = None, limit: int = 5) -> list[tuple[Idea, float]]:
    since = clock.now() - timedelta(days=730)
    candidates = Idea.objects.filter(submitted_at__gte=since).only("id", "code", "title", "text", "state")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    mine = f"{title} {text}"
    scored = [(idea, similarity(mine, f"{idea.title} {idea.text}")) for idea in candidates[:5000]]
    scored = [(i, s) for i, s in scored if s >= IDEA_SIMILARITY]
    scored.sort(key=lambda item: -item[1])
    return scored[:limit]


def points_balances() -> list[dict]:
    """Total points per proposer (by key, never by phone), with their names for the office."""
    rows = list(PointsEntry.objects.values("proposer_key").annotate(points=Sum("points"), entries=Count("id"))
                .order_by("-points", "proposer_key"))
    names = dict(Idea.objects.filter(proposer_key__in=[r["proposer_key"] for r in rows])
                 .values_list("proposer_key", "proposer_name"))
    for row in rows:
        row["name"] = names.get(row["proposer_key"], "")
    return rows


def idea_progress(idea: Idea) -> dict | None:
    """What the proposer sees of the task an accepted idea became."""
    task = idea.task
    if task is None:
        return None
    milestones = list(task.milestones.order_by("order", "id").values("title", "planned_date", "done_on"))
    return {"title": task.title, "status": task.get_status_display(), "progress": task.progress,
            "deadline": task.deadline, "lead_unit": task.lead_unit.name, "milestones": milestones,
            "completed_on": task.completed_on}


# Intake (the public form and Open311 POSTs) looks its category up on every request; the catalogue changes rarely.
# Each process keeps it for CATEGORY_TTL seconds, and forgets it at once when this process changes a category.
CATEGORY_TTL = 30.0
_catalogue: tuple[float, dict[str, Category]] | None = None


def active_category(code: str) -> Category | None:
    """The active category with this code, its attributes prefetched (cached per process, see CATEGORY_TTL)."""
    global _catalogue
    now = time.monotonic()
    cached = _catalogue
    if cached is None or now - cached[0] > CATEGORY_TTL:
        categories = Category.objects.filter(is_active=True).prefetch_related("attributes")
        cached = _catalogue = (now, {c.code: c for c in categories})
    return cached[1].get(code)


def forget_categories() -> None:
    global _catalogue
    _catalogue = None


# Every Open311 POST checks its api_key. Valid keys are remembered per process for KEY_TTL seconds: a key revoked
# in another process stops working within that time, in this one at once.
KEY_TTL = 10.0
_keys: dict[str, float] = {}


def api_key_is_valid(hashed: str) -> bool:
    now = time.monotonic()
    if _keys.get(hashed, 0.0) > now:
        return True
    if Open311Key.objects.filter(key_hash=hashed, revoked_at__isnull=True).exists():
        _keys[hashed] = now + KEY_TTL
        return True
    return False


def forget_keys() -> None:
    _keys.clear()


def sla_params() -> dict:
    """The office's ticket time limits (rule `ticket_sla`, docs/rules.md §6), defaults where it set none."""
    return {**sla.DEFAULTS, **office_params("ticket_sla")}
