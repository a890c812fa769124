"""Bench data for 万事有解 tickets (data.py's populate hook): `scale.tickets` tickets spread over the blocks, received
from 1 January to the bench day, each walked through assignment, signing, reply, visit and closing as far as its age
allows (a few signed late, replied late or stalled), with one assignment row per 派单 and the closing visits — what
the SLA run, the three rates, the lists and Open311 read. Deterministic for the seed; no audit rows.

Two million tickets must go in within a minute or two, so rows are written with executemany in the database's own
value formats, prepared here once per value kind rather than per value through the fields: times are drawn between
08:00 and 22:59 in Asia/Shanghai, which is the same calendar day in UTC, so a stored time is the day plus a UTC
hour. Ids are explicit, so that assignments and visits point at their tickets without reading them back.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from django.core.management.color import no_style
from django.db import connection, models

from gongjian import clock
from gongjian.bench.blocks import batched
from gongjian.campaigns.models import Campaign
from gongjian.demo.ticket_texts import CATEGORY_LABELS, DEPARTMENTS, TOWNS, generate_tickets
from gongjian.frontline import sla
from gongjian.frontline.models import Assignment, Category, Ticket, Visit
from gongjian.frontline.text import CODE_ALPHABET
from gongjian.org.models import Role, RoleGrant, Unit
from gongjian.workdays import days

VERSION = 1
POOL = 50_000  # distinct generated texts; larger scales reuse them
BATCH = 5000
SHANGHAI_OFFSET_HOURS = 8
FIRST_HOUR, LAST_HOUR = 8, 22  # local; minus the offset stays within the same UTC day
State = Ticket.State
TICKET_COLUMNS = ["id", "code", "category_id", "text", "source", "state", "urgent", "town_id", "address", "unit_id",
                  "received_at", "assigned_at", "sign_due", "reply_due", "signed_at", "replied_at", "public_reply",
                  "visited_at", "resolved", "satisfaction", "closed_at"]
ASSIGNMENT_COLUMNS = ["id", "ticket_id", "unit_id", "assigned_at", "assigned_on", "sign_due", "signed_at",
                      "signed_on_time", "outcome"]
VISIT_COLUMNS = ["ticket_id", "kind", "unit_id", "on", "by_id", "resolved", "satisfaction"]
SOURCES = ["phone", "phone", "phone", "web", "web", "grid", "open311"]
REPLY = "经核实，已协调处理完毕，并向群众作了答复。"


def populate(scale, seed: int, log) -> dict:
    rng = random.Random(f"{seed}:frontline")
    categories = _categories()
    campaigns = list(Campaign.objects.order_by("id"))
    pool = generate_tickets(min(POOL, max(1, scale.tickets)), seed, towns=TOWNS, departments=DEPARTMENTS)
    plan = _Plan(rng, clock.today(), categories, pool)
    per_block, extra = divmod(scale.tickets, max(1, len(campaigns)))
    for block, campaign in enumerate(campaigns):
        n = per_block + (block < extra)
        if n:
            plan.block(campaign, n)
        if len(campaigns) < 20 or (block + 1) % 10 == 0:
            log(f"tickets: block {block + 1}/{len(campaigns)}, {plan.counts['tickets']:,} tickets")
    _reset_sequences()
    return plan.counts


def _categories() -> dict[str, Category]:
    existing = {c.code: c for c in Category.objects.all()}
    missing = [Category(code=code, name=label, kind=code, sign_days=sla.DEFAULT_DAYS[code][0],
                        reply_days=sla.DEFAULT_DAYS[code][1], order=i)
               for i, (code, label) in enumerate(CATEGORY_LABELS.items()) if code not in existing]
    Category.objects.bulk_create(missing)
    return {c.code: c for c in Category.objects.all()}


def _reset_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; SQLite needs nothing."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Ticket, Assignment])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _insert(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """INSERT rows whose values are already in the database's format; other columns get their defaults."""
    meta = model._meta
    given = [meta.get_field(c.removesuffix("_id")) if c.endswith("_id") else meta.get_field(c) for c in columns]
    rest = [f for f in meta.concrete_fields if f not in given and not (f.primary_key and "id" not in columns)]
    constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    names = ", ".join(connection.ops.quote_name(f.column) for f in given + rest)
    marks = ", ".join(["%s"] * (len(given) + len(rest)))
    # Only the model's own table and column names, quoted by the backend, go into the text; values are parameters.
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in batched(rows, BATCH):
            cursor.executemany(sql, [row + constants for row in chunk])


def _code(number: int) -> str:
    digits = []
    for _ in range(9):
        number, rest = divmod(number, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[rest])
    return "Z" + "".join(reversed(digits))


class _Formats:
    """Dates and times as the database driver takes them: text on SQLite (how Django stores them there), objects
    elsewhere. A time is a day and minutes after 08:00 local."""

    def __init__(self):
        self.text = connection.vendor == "sqlite"
        self._days: dict[date, object] = {}

    def day(self, d: date):
        value = self._days.get(d)
        if value is None:
            value = self._days[d] = d.isoformat() if self.text else d
        return value

    def moment(self, d: date, minutes: int):
        hour, minute = divmod(minutes, 60)
        hour += FIRST_HOUR - SHANGHAI_OFFSET_HOURS
        if self.text:
            return f"{d.isoformat()} {hour:02d}:{minute:02d}:00"
        return datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC)


class _Plan:
    def __init__(self, rng: random.Random, today: date, categories: dict[str, Category], pool: list[dict]):
        self.rng, self.today, self.categories, self.pool = rng, today, categories, pool
        self.cal = days.calendar()
        self.fmt = _Formats()
        self.days = [date(today.year, 1, 1) + timedelta(days=i) for i in range((today - date(today.year, 1, 1)).days + 1)]
        self.next_ticket = (Ticket.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        self.next_assignment = (Assignment.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        self.counts = {"tickets": 0, "ticket_assignments": 0, "ticket_visits": 0}
        self._due: dict[tuple[date, int, bool], sla.Deadlines] = {}
        self._add: dict[tuple[date, int], date] = {}

    def add(self, d: date, n: int) -> date:
        key = (d, n)
        found = self._add.get(key)
        if found is None:
            found = self._add[key] = self.cal.add(d, n)
        return found

    def deadlines(self, on: date, category: Category, urgent: bool) -> sla.Deadlines:
        key = (on, category.reply_days, urgent)
        found = self._due.get(key)
        if found is None:
            found = self._due[key] = sla.deadlines(assigned_on=on, sign_days=category.sign_days,
                                                   reply_days=category.reply_days, urgent=urgent, cal=self.cal)
        return found

    def minutes(self) -> int:
        return int(self.rng.random() * (LAST_HOUR - FIRST_HOUR + 1) * 60)

    def block(self, campaign: Campaign, n: int) -> None:
        city = campaign.name[:campaign.name.index(str(campaign.year))]
        units = list(Unit.objects.filter(name__startswith=city))
        areas = sorted((u for u in units if u.is_area), key=lambda u: u.order)
        town_of = {name: areas[i % len(areas)].pk for i, name in enumerate(TOWNS)} if areas else {}
        by_short = {u.short_name: u.pk for u in units if u.kind == Unit.Kind.DEPARTMENT}
        office = RoleGrant.objects.filter(role=Role.SUPERVISION_OFFICE, user__person__unit__in=units) \
            .values_list("user_id", flat=True).first()
        tickets, assignments, visits = [], [], []
        for _ in range(n):
            row = self.pool[self.counts["tickets"] % len(self.pool)]
            self.counts["tickets"] += 1
            town = town_of.get(row["town"])
            unit = by_short.get(row["unit"]) or town_of.get(row["unit"]) or town
            if unit is not None:
                self._ticket(row, town, unit, office, tickets, assignments, visits)
        _insert(Ticket, TICKET_COLUMNS, tickets)
        _insert(Assignment, ASSIGNMENT_COLUMNS, assignments)
        _insert(Visit, VISIT_COLUMNS, visits)
        self.counts["ticket_assignments"] += len(assignments)
        self.counts["ticket_visits"] += len(visits)

    def _ticket(self, row: dict, town: int | None, unit: int, office: int | None, tickets: list, assignments: list,
                visits: list) -> None:
        rng, fmt, today = self.rng, self.fmt, self.today
        pk = self.next_ticket
        self.next_ticket += 1
        category = self.categories[row["category"]]
        received_day = self.days[int(rng.random() * len(self.days))]
        received_minutes = self.minutes()
        # unit_id, then assigned_at … closed_at, in TICKET_COLUMNS order (received_at goes between them)
        state, values = State.RECEIVED, [None] * 11
        values[6], values[9] = "", ""
        assign_day = self.add(received_day, 0)
        if assign_day < today or (assign_day == today and rng.random() < 0.5):
            state = self._handle(pk, category, row["urgent"], unit, assign_day, received_day, received_minutes,
                                 office, values, assignments, visits)
        tickets.append((pk, _code(pk), category.pk, row["text"], SOURCES[int(rng.random() * len(SOURCES))], state,
                        row["urgent"], town, row["address"], values[0], fmt.moment(received_day, received_minutes),
                        *values[1:]))

    def _handle(self, pk, category, urgent, unit, day, received_day, received_minutes, office, values, assignments,
                visits) -> str:
        rng, fmt, today, add = self.rng, self.fmt, self.today, self.add
        due = self.deadlines(day, category, urgent)
        assigned_minutes = max(self.minutes(), received_minutes if day == received_day else 0)
        assigned = fmt.moment(day, assigned_minutes)
        values[0:4] = [unit, assigned, fmt.day(due.sign_due), fmt.day(due.reply_due)]
        assignment_id = self.next_assignment
        self.next_assignment += 1
        sign_day = add(day, 2 + int(rng.random() * 2) if rng.random() < 0.08 else int(rng.random() * 2))
        if sign_day > today:
            assignments.append((assignment_id, pk, unit, assigned, fmt.day(day), fmt.day(due.sign_due), None, None,
                                Assignment.Outcome.ACTIVE))
            return State.ASSIGNED
        signed_minutes = max(self.minutes(), assigned_minutes if sign_day == day else 0)
        signed = fmt.moment(sign_day, signed_minutes)
        assignments.append((assignment_id, pk, unit, assigned, fmt.day(day), fmt.day(due.sign_due), signed,
                            sign_day <= due.sign_due, Assignment.Outcome.ACTIVE))
        values[4] = signed
        budget = self.cal.between(day, due.reply_due)
        if rng.random() < 0.015:
            return State.IN_PROGRESS  # stalled
        late = rng.random() < 0.07
        offset = budget + 1 + int(rng.random() * 4) if late else max(1, budget // 4) + int(
            rng.random() * (budget - max(1, budget // 4) + 1))
        reply_day = max(add(day, offset), sign_day)
        if reply_day > today:
            return State.IN_PROGRESS
        values[5] = fmt.moment(reply_day, max(self.minutes(), signed_minutes if reply_day == sign_day else 0))
        values[6] = REPLY
        visit_day = add(reply_day, 1 + int(rng.random() * 3))
        if visit_day > today or office is None:
            return State.REPLIED
        draw = rng.random()
        satisfaction = "satisfied" if draw < 0.78 else ("basic" if draw < 0.92 else "unsatisfied")
        resolved = satisfaction != "unsatisfied"
        values[7], values[8], values[9] = fmt.moment(visit_day, self.minutes()), resolved, satisfaction
        visits.append((pk, Visit.Kind.CLOSING, unit, fmt.day(visit_day), office, resolved, satisfaction))
        close_day = add(visit_day, int(rng.random() * 3))
        if close_day > today:
            return State.VISITED
        values[10] = fmt.moment(close_day, (LAST_HOUR - FIRST_HOUR + 1) * 60 - 1)
        return State.CLOSED
