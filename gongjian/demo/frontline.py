"""万事有解 and 金点子 in Laixi, 2023 Q1: about 2,000 tickets across the towns with the hotline's category mix and a
realistic assignment history (a few wrong first assignments returned and reassigned, late signatures, extensions,
unsatisfied visits sent back for redo, suspected duplicates, graded disputes), the state on 2023-03-31, the routing
model trained on that history, and 50 golden ideas, some adopted as tasks.

Tickets are bulk-written (2,000 tickets through the services would take minutes) with one audit event for the load;
ideas go through the services. Loading twice changes nothing: the second load only restores the duty-list keywords
that the org loader resets.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from gongjian.audit.services import record
from gongjian.demo.ticket_texts import (
    CATEGORY_LABELS,
    DUTY_LISTS,
    TOWN_DUTY_LIST,
    TOWNS,
    generate_ideas,
    generate_tickets,
)
from gongjian.dispatch import periods
from gongjian.dispatch import services as report_services
from gongjian.dispatch.models import ReportingPeriod
from gongjian.frontline import routing_store, services, sla
from gongjian.frontline.jobs import ticket_sla_run
from gongjian.frontline.models import (
    Assignment,
    Category,
    Idea,
    Ticket,
    TicketEvent,
    TicketRequest,
    Visit,
)
from gongjian.frontline.text import CODE_ALPHABET
from gongjian.org.models import Grid, Person, Role, RoleGrant, Unit
from gongjian.workdays import days

SEED = 2023
N_TICKETS = 2000
N_IDEAS = 50
Q1_START, DEMO_DAY = date(2023, 1, 1), date(2023, 3, 31)
CATEGORIES = [
    # code, kind, description, group
    ("consultation", "consultation", "政策、办事流程等咨询", "咨询"),
    ("help", "help", "生活、生产中遇到困难，请求帮助", "求助"),
    ("suggestion", "suggestion", "对城市管理和公共服务的意见建议", "建议"),
    ("complaint", "complaint", "对环境、服务、管理等问题的投诉", "投诉举报"),
    ("report", "report", "对违法违规行为的举报", "投诉举报"),
    ("dispute", "dispute", "邻里、家庭、土地、劳资、物业等矛盾纠纷，请求调解", "矛盾纠纷"),
]
ATTRIBUTES = {
    "complaint": [("repeat", "是否重复反映", "singlevaluelist", True, [("yes", "是"), ("no", "否")])],
    "report": [("anonymous", "是否要求保密", "singlevaluelist", False, [("yes", "是"), ("no", "否")])],
    "help": [("vulnerable", "是否涉及老幼病残孕", "singlevaluelist", False, [("yes", "是"), ("no", "否")])],
    "dispute": [("dispute_type", "纠纷类型", "singlevaluelist", True,
                 [("neighbour", "邻里"), ("family", "婚姻家庭"), ("land", "土地山林"), ("labour", "劳资"),
                  ("property", "物业"), ("other", "其他")]),
                ("parties", "当事人数", "number", False, [])],
}
TOWN_CENTRES = {
    "水集街道": (36.889, 120.517), "望城街道": (36.860, 120.497), "沽河街道": (36.908, 120.556),
    "姜山镇": (36.744, 120.474), "夏格庄镇": (36.963, 120.431), "院上镇": (36.927, 120.372),
    "日庄镇": (36.981, 120.587), "南墅镇": (37.077, 120.498), "河头店镇": (37.026, 120.577),
    "店埠镇": (36.787, 120.581), "马连庄镇": (37.002, 120.347), "莱西经济开发区": (36.834, 120.540),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华玉兰桂珍建国志刚海燕红霞平"
SOURCES = [(Ticket.Source.PHONE, 0.5), (Ticket.Source.WEB, 0.3), (Ticket.Source.GRID, 0.15),
           (Ticket.Source.OPEN311, 0.05)]
IDEA_UNITS = {
    "urban": "住建局", "industry": "农业农村局", "rural": "农业农村局", "livelihood": "民政局",
    "business": "人社局", "culture_tourism": "文旅局", "ecology": "生态环境分局", "governance": "政法委",
}
# Where an idea's subject names the unit better than its category does.
IDEA_SUBJECT_UNITS = (("学校", "教体局"), ("放学", "教体局"), ("公交", "交通运输局"), ("快递", "交通运输局"),
                      ("公园", "城管局"), ("电梯", "住建局"), ("用工", "人社局"), ("企业开办", "行政审批服务局"))
REPLIES = {
    "consultation": "已电话答复市民，告知办理条件、所需材料和办理地点。",
    "help": "已上门核实情况，协调相关方面解决，市民表示认可。",
    "suggestion": "感谢您的建议，已纳入研究，将结合年度计划统筹推进。",
    "complaint": "经现场核实，问题属实，已责令整改到位，将加强日常巡查。",
    "report": "经调查核实，已依法依规处理，并将持续跟踪监管。",
    "dispute": "已组织双方当事人调解，达成一致意见，签订调解协议。",
}

User = get_user_model()


class _Clock:
    """Moments of the demo quarter: working-day arithmetic and times of day in Asia/Shanghai."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cal = days.calendar()

    def at(self, day: date, low: int = 8, high: int = 18) -> datetime:
        moment = time(self.rng.randint(low, high - 1), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day, moment))

    def later(self, day: date, n: int) -> date:
        return self.cal.add(day, n) if n > 0 else day


def load(campaign, office) -> dict:
    _duty_lists()
    if Ticket.objects.exists():
        return {"tickets": Ticket.objects.count(), "ideas": Idea.objects.count()}
    with override_settings(GONGJIAN_TODAY=DEMO_DAY):
        categories = _categories(office)
        counts = _tickets(categories, office)
        record(actor=office, event="frontline.demo_load", object_type="frontline.ticket", changes=counts)
        ticket_sla_run(DEMO_DAY)
        routing_store.routing_train(actor=office)
    counts["ideas"] = _ideas(campaign, office)
    return counts


def _duty_lists() -> None:
    """Add the hotline keywords of each unit's duty list (权责清单) that seed routing, when missing."""
    wanted = {name: text for name, text in DUTY_LISTS.items()}
    wanted.update(dict.fromkeys(TOWNS, TOWN_DUTY_LIST))
    for unit in Unit.objects.filter(name__in=wanted):
        missing = [w for w in wanted[unit.name].split() if w not in unit.duty_list.split()]
        if missing:
            Unit.objects.filter(pk=unit.pk).update(duty_list=" ".join([unit.duty_list, *missing]).strip())


def _categories(office) -> dict[str, Category]:
    found = {}
    for order, (code, kind, description, group) in enumerate(CATEGORIES, start=1):
        category = Category.objects.filter(code=code).first() or services.category_save(
            actor=office, code=code, name=CATEGORY_LABELS[code], kind=kind, description=description, group=group,
            order=order)
        for n, (attr, question, datatype, required, values) in enumerate(ATTRIBUTES.get(code, []), start=1):
            services.attribute_save(actor=office, category=category, code=attr, description=question,
                                    datatype=datatype, required=required, order=n,
                                    values=[{"key": k, "name": v} for k, v in values])
        found[code] = category
    return found


def _editors() -> dict[int, User]:
    grants = RoleGrant.objects.filter(role=Role.UNIT_EDITOR).select_related("user__person").order_by("user_id")
    editors: dict[int, User] = {}
    for grant in grants:
        editors.setdefault(grant.user.person.unit_id, grant.user)
    return editors


def _tickets(categories: dict[str, Category], office) -> dict:
    rng = random.Random(SEED)
    clock = _Clock(rng)
    units = {u.name: u for u in Unit.objects.filter(is_active=True)}
    towns = [t for t in TOWNS if t in units]
    departments = [d for d in DUTY_LISTS if d in units]
    editors = _editors()
    grid_worker = User.objects.filter(username="grid_jiangshan").first()
    grids = list(Grid.objects.filter(worker=grid_worker, level=Grid.Level.GRID)) if grid_worker else []
    leaders = {p.display_name: p for p in Person.objects.filter(is_city_leader=True)}
    quarter = [Q1_START + timedelta(days=i) for i in range((DEMO_DAY - Q1_START).days + 1)]
    # The hotline is busier on working days.
    weights = [3 if clock.cal.is_workday(d) else 1 for d in quarter]
    writer = _Writer(office, editors)
    codes: set[str] = set()
    received_days = sorted(rng.choices(quarter, weights, k=N_TICKETS))
    rows = generate_tickets(N_TICKETS, SEED, towns=towns, departments=departments,
                            months=[d.month for d in received_days])
    previous: list[Ticket] = []
    for row, day in zip(rows, received_days, strict=True):
        duplicate_of = rng.choice(previous[-40:]) if previous and rng.random() < 0.03 else None
        ticket = _ticket(rng, clock, row, day, categories, units, codes, grids, duplicate_of)
        writer.add_ticket(ticket)
        previous.append(ticket)
        still_open = duplicate_of is not None and duplicate_of.state != Ticket.State.MERGED and (
            duplicate_of.closed_at is None or duplicate_of.closed_at > ticket.received_at)
        if still_open and rng.random() < 0.6:
            writer.merge(ticket, duplicate_of, clock)
            continue
        if ticket.received_at.date() >= DEMO_DAY and rng.random() < 0.7:
            continue  # still waiting for the dispatcher
        _life(rng, clock, writer, ticket, units[row["unit"]], row, units, leaders)
    return writer.flush()


def _ticket(rng, clock, row, day, categories, units, codes, grids, duplicate_of) -> Ticket:
    code = "".join(rng.choice(CODE_ALPHABET) for _ in range(10))
    while code in codes:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(10))
    codes.add(code)
    source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
    town = units[row["town"]]
    grid = rng.choice(grids) if grids and row["town"] == "姜山镇" and rng.random() < 0.6 else None
    if source == Ticket.Source.GRID and grid is None:
        source = Ticket.Source.PHONE
    if grid is not None:
        source = Ticket.Source.GRID
    lat, lng = TOWN_CENTRES.get(row["town"], (36.87, 120.52))
    lat, lng = lat + rng.uniform(-0.02, 0.02), lng + rng.uniform(-0.025, 0.025)
    text, address, category = row["text"], row["address"], categories[row["category"]]
    if duplicate_of is not None:
        # The same matter reported again by a neighbour a few days later.
        text, address, category = duplicate_of.text.replace("。", "，麻烦尽快处理。", 1), duplicate_of.address, \
            duplicate_of.category
        lat, lng = (duplicate_of.lat or lat) + rng.uniform(-0.0005, 0.0005), (duplicate_of.lng or lng) + \
            rng.uniform(-0.0005, 0.0005)
        # Within the same month: a neighbour's heating complaint of late February is not repeated in March.
        first = duplicate_of.received_at.date()
        _, month_end = periods.month_bounds(first)
        town, day = duplicate_of.town, min(DEMO_DAY, month_end, first + timedelta(days=rng.randint(0, 3)))
    anonymous = source != Ticket.Source.GRID and rng.random() < 0.15
    attributes = {}
    if category.code == "complaint":
        attributes["repeat"] = "yes" if rng.random() < 0.2 else "no"
    elif category.code == "dispute":
        attributes = {"dispute_type": rng.choice(["neighbour", "family", "land", "labour", "property", "other"]),
                      "parties": str(rng.randint(2, 6))}
    return Ticket(
        code=code, category=category, attributes=attributes, text=text, source=source, town=town, grid=grid,
        address=address, lat=round(lat, 6), lng=round(lng, 6), urgent=row["urgent"],
        contact_name="" if anonymous else rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
        contact_phone="" if anonymous else f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        received_at=clock.at(day, 7, 22),
        token=f"{rng.getrandbits(128):032x}" if source == Ticket.Source.OPEN311 else None,
    )


class _Writer:
    """Collects the quarter's rows and writes them in bulk, in the order the foreign keys need."""

    def __init__(self, office, editors):
        self.office, self.editors = office, editors
        self.tickets: list[Ticket] = []
        self.assignments: list[Assignment] = []
        self.events: list[TicketEvent] = []
        self.requests: list[TicketRequest] = []
        self.visits: list[Visit] = []
        self.merges: list[tuple[Ticket, Ticket]] = []

    def add_ticket(self, ticket: Ticket) -> None:
        self.tickets.append(ticket)

    def event(self, ticket, kind, at, actor, note, *, public=False, unit=None) -> None:
        self.events.append(TicketEvent(ticket=ticket, kind=kind, at=at, actor=actor, unit=unit, note=note,
                                       public=public))

    def editor(self, unit: Unit):
        return self.editors.get(unit.pk, self.office)

    def merge(self, ticket: Ticket, into: Ticket, clock: _Clock) -> None:
        at = max(ticket.received_at, clock.at(ticket.received_at.date(), 9, 17))
        ticket.state, ticket.closed_at = Ticket.State.MERGED, at
        self.merges.append((ticket, into))
        self.event(ticket, "merge", at, self.office, f"与工单{into.code}反映同一问题，合并办理", public=True)
        self.event(into, "merge", at, self.office, f"并入重复工单{ticket.code}")

    def flush(self) -> dict:
        with transaction.atomic():
            Ticket.objects.bulk_create(self.tickets, batch_size=500)
            for ticket, into in self.merges:
                ticket.merged_into = into
            Ticket.objects.bulk_update([t for t, _ in self.merges], ["merged_into"], batch_size=500)
            for rows in (self.assignments, self.events, self.requests, self.visits):
                for row in rows:
                    row.ticket_id = row.ticket.pk
            Assignment.objects.bulk_create(self.assignments, batch_size=1000)
            TicketEvent.objects.bulk_create(self.events, batch_size=1000)
            TicketRequest.objects.bulk_create(self.requests, batch_size=1000)
            Visit.objects.bulk_create(self.visits, batch_size=1000)
        states: dict[str, int] = {}
        for ticket in self.tickets:
            states[str(ticket.state)] = states.get(str(ticket.state), 0) + 1
        return {"tickets": len(self.tickets), "assignments": len(self.assignments), "events": len(self.events),
                "requests": len(self.requests), "visits": len(self.visits), "states": states}


def _assign(clock, writer, ticket, unit, day, *, reassign: bool) -> Assignment:
    at = clock.at(day, 8, 18)
    at = max(at, ticket.received_at + timedelta(minutes=20))
    on = timezone.localtime(at).date()
    due = sla.deadlines(assigned_on=on, sign_days=ticket.category.sign_days, reply_days=ticket.category.reply_days,
                        urgent=ticket.urgent, cal=clock.cal)
    assignment = Assignment(ticket=ticket, unit=unit, assigned_by=writer.office, assigned_at=at, assigned_on=on,
                            sign_due=due.sign_due)
    writer.assignments.append(assignment)
    ticket.unit, ticket.state, ticket.assigned_at = unit, Ticket.State.ASSIGNED, at
    ticket.sign_due, ticket.reply_due = due.sign_due, due.reply_due
    writer.event(ticket, "reassign" if reassign else "assign", at, writer.office,
                 f"派至{unit.name}办理，答复时限{due.reply_due:%Y-%m-%d}", public=True, unit=unit)
    return assignment


def _life(rng, clock, writer, ticket, unit, row, units, leaders) -> None:
    """Walk the ticket through its states for as long as the quarter lasts."""
    received = timezone.localtime(ticket.received_at)
    day = received.date() if received.hour < 16 else clock.later(received.date(), 1)
    if day > DEMO_DAY:
        return
    if rng.random() < 0.06:
        wrong = rng.choice([u for name, u in units.items() if name in DUTY_LISTS and u != unit])
        first = _assign(clock, writer, ticket, wrong, day, reassign=False)
        asked = clock.later(first.assigned_on, rng.randint(0, 1))
        if asked > DEMO_DAY:
            return
        asked_at = max(clock.at(asked, 9, 17), first.assigned_at + timedelta(minutes=30))
        decided_at = asked_at + timedelta(hours=rng.randint(1, 3))
        if decided_at.date() > DEMO_DAY:
            return
        writer.requests.append(TicketRequest(
            ticket=ticket, unit=wrong, kind=TicketRequest.Kind.RETURN, reason=f"该事项不属于{wrong.name}职责，建议改派",
            status=TicketRequest.Status.APPROVED, requested_by=writer.editor(wrong), requested_at=asked_at,
            decided_by=writer.office, decided_at=decided_at))
        writer.event(ticket, "return_request", asked_at, writer.editor(wrong), "该事项不属于本单位职责", unit=wrong)
        writer.event(ticket, "return_approve", decided_at, writer.office, "同意退单，重新派单", unit=wrong)
        first.outcome = Assignment.Outcome.RETURNED
        assignment = _assign(clock, writer, ticket, unit, timezone.localtime(decided_at).date(), reassign=True)
    else:
        assignment = _assign(clock, writer, ticket, unit, day, reassign=False)
    _handle(rng, clock, writer, ticket, assignment, row, leaders)


def _handle(rng, clock, writer, ticket, assignment, row, leaders) -> None:
    unit, editor = assignment.unit, writer.editor(assignment.unit)
    if ticket.category.is_dispute:
        _grade(rng, writer, ticket, leaders)
    late_sign = rng.random() < 0.08
    sign_day = clock.later(assignment.assigned_on, rng.randint(2, 3) if late_sign else rng.randint(0, 1))
    if sign_day > DEMO_DAY:
        return
    signed_at = max(clock.at(sign_day, 8, 18), assignment.assigned_at + timedelta(minutes=10))
    assignment.signed_at, assignment.signed_on_time = signed_at, signed_at.date() <= assignment.sign_due
    ticket.state, ticket.signed_at = Ticket.State.SIGNED, signed_at
    writer.event(ticket, "sign", signed_at, editor, f"{unit.name}已签收", public=True, unit=unit)
    budget = clock.cal.between(assignment.assigned_on, ticket.reply_due)
    stalled = rng.random() < 0.015
    late = rng.random() < 0.07
    if rng.random() < 0.03 and budget > 3:
        _extend(rng, clock, writer, ticket, unit, editor, signed_at)
        budget += ticket.extension_days
    progress_day = clock.later(sign_day, 1)
    if progress_day <= DEMO_DAY and budget > 2:
        ticket.state = Ticket.State.IN_PROGRESS
        writer.event(ticket, "progress", clock.at(progress_day), editor, "已安排专人现场核实，正在协调处理。", unit=unit)
    if stalled:
        return
    offset = budget + rng.randint(1, 4) if late else rng.randint(max(1, budget // 4), max(1, budget))
    reply_day = clock.later(assignment.assigned_on, offset)
    if reply_day > DEMO_DAY:
        return
    _reply(rng, clock, writer, ticket, unit, editor, reply_day, row)
    _visit_and_close(rng, clock, writer, ticket, unit, editor, reply_day, row)


def _extend(rng, clock, writer, ticket, unit, editor, signed_at) -> None:
    days_requested = rng.randint(3, 10)
    asked_at = signed_at + timedelta(days=rng.randint(1, 3))
    if asked_at.date() > DEMO_DAY:
        return
    decided_at = asked_at + timedelta(hours=rng.randint(2, 20))
    writer.requests.append(TicketRequest(
        ticket=ticket, unit=unit, kind=TicketRequest.Kind.EXTENSION, reason="需协调多个部门现场会商，申请延期",
        days=days_requested, status=TicketRequest.Status.APPROVED, requested_by=editor, requested_at=asked_at,
        decided_by=writer.office, decided_at=decided_at))
    ticket.extension_days = days_requested
    ticket.reply_due = sla.extended(ticket.reply_due, days_requested, clock.cal)
    writer.event(ticket, "extension_request", asked_at, editor, f"申请延期{days_requested}个工作日", unit=unit)
    writer.event(ticket, "extension_approve", decided_at, writer.office,
                 f"延期{days_requested}个工作日，答复时限延至{ticket.reply_due:%Y-%m-%d}", public=True, unit=unit)


def _reply(rng, clock, writer, ticket, unit, editor, reply_day, row) -> None:
    replied_at = max(clock.at(reply_day, 9, 19), (ticket.signed_at or ticket.assigned_at) + timedelta(hours=1))
    ticket.state, ticket.replied_at = Ticket.State.REPLIED, replied_at
    ticket.public_reply = REPLIES[row["category"]]
    writer.event(ticket, "reply", replied_at, editor, ticket.public_reply, public=True, unit=unit)


def _visit_and_close(rng, clock, writer, ticket, unit, editor, reply_day, row) -> None:
    visit_day = clock.later(reply_day, rng.randint(1, 3))
    if visit_day > DEMO_DAY:
        return
    satisfaction = rng.choices(["satisfied", "basic", "unsatisfied"], [78, 14, 8])[0]
    resolved = satisfaction != "unsatisfied" and rng.random() < 0.96
    by = writer.office
    kind = Visit.Kind.CLOSING
    if ticket.source == Ticket.Source.GRID and ticket.grid is not None and ticket.grid.worker is not None:
        by, kind = ticket.grid.worker, Visit.Kind.GRID
    visited_at = max(clock.at(visit_day, 9, 18), ticket.replied_at + timedelta(hours=2))
    writer.visits.append(Visit(ticket=ticket, kind=kind, unit=unit, on=visited_at.date(), by=by, resolved=resolved,
                               satisfaction=satisfaction))
    ticket.state, ticket.visited_at, ticket.resolved, ticket.satisfaction = (Ticket.State.VISITED, visited_at,
                                                                             resolved, satisfaction)
    summary = f"{'已解决' if resolved else '未解决'}，{Ticket.Satisfaction(satisfaction).label}"
    writer.event(ticket, "visit", visited_at, by, f"{Visit.Kind(kind).label}：{summary}", public=True, unit=unit)
    if satisfaction == "unsatisfied" and ticket.redo_count == 0 and rng.random() < 0.6:
        redo_day = clock.later(visit_day, 1)
        if redo_day > DEMO_DAY:
            return
        due = sla.deadlines(assigned_on=redo_day, sign_days=1, reply_days=ticket.category.reply_days,
                            urgent=ticket.urgent, cal=clock.cal)
        ticket.state, ticket.redo_count, ticket.reply_due = Ticket.State.IN_PROGRESS, 1, due.reply_due
        ticket.replied_at = ticket.visited_at = ticket.resolved = None
        ticket.satisfaction = ""
        writer.event(ticket, "redo", clock.at(redo_day), writer.office,
                     f"重新办理：群众不满意（答复时限{due.reply_due:%Y-%m-%d}）", public=True, unit=unit)
        second = clock.later(redo_day, rng.randint(2, 6))
        if second <= DEMO_DAY:
            _reply(rng, clock, writer, ticket, unit, editor, second, row)
            _visit_and_close(rng, clock, writer, ticket, unit, editor, second, row)
        return
    close_day = clock.later(visit_day, rng.randint(0, 2))
    if close_day > DEMO_DAY:
        return
    closed_at = max(clock.at(close_day, 9, 18), visited_at + timedelta(minutes=30))
    ticket.state, ticket.closed_at = Ticket.State.CLOSED, closed_at
    note = "已办结" if satisfaction != "unsatisfied" else "已向群众解释政策，诉求超出政策范围，办结"
    writer.event(ticket, "close", closed_at, writer.office, note, public=True, unit=unit)


def _grade(rng, writer, ticket, leaders: dict[str, Person]) -> None:
    """Serious disputes go to the leader in charge of political and legal affairs, the rest to the leaders who
    hold the town's social work."""
    ticket.risk_level = rng.choices([r.value for r in Ticket.Risk], [5, 15, 40, 40])[0]
    serious = ticket.risk_level in (Ticket.Risk.RED, Ticket.Risk.ORANGE)
    names = ["市委常委、政法委书记"] if serious else ["市委副书记", "分管社会事业的副市长"]
    ticket.responsible_leader = leaders.get(rng.choice(names))
    at = ticket.assigned_at + timedelta(hours=1)
    writer.event(ticket, "dispute", at, writer.office,
                 f"风险等级：{Ticket.Risk(ticket.risk_level).label}；包案领导："
                 f"{ticket.responsible_leader.display_name if ticket.responsible_leader else '未指定'}")
    follow_at = at + timedelta(days=rng.randint(2, 6))
    if follow_at.date() <= DEMO_DAY:
        writer.visits.append(Visit(ticket=ticket, kind=Visit.Kind.FOLLOW_UP, unit=ticket.unit, on=follow_at.date(),
                                   by=writer.office, note="已走访当事人双方，情绪稳定，继续跟进调解。"))
        writer.event(ticket, "follow_up", follow_at, writer.office, "已走访当事人双方，情绪稳定，继续跟进调解。",
                     unit=ticket.unit)


def _ideas(campaign, office) -> int:
    rng = random.Random(f"{SEED}:ideas")
    units = {u.name: u for u in Unit.objects.all()}
    towns = [t for t in TOWNS if t in units]
    staff = list(RoleGrant.objects.filter(role=Role.UNIT_EDITOR).select_related("user").order_by("user_id")[:20])
    for n, row in enumerate(generate_ideas(N_IDEAS, SEED, towns)):
        day = min(DEMO_DAY, Q1_START + timedelta(days=int(n * 88 / N_IDEAS) + rng.randint(0, 2)))
        with override_settings(GONGJIAN_TODAY=day):
            by_staff = staff and rng.random() < 0.3
            idea = services.idea_submit(
                actor=rng.choice(staff).user if by_staff else None, title=row["title"], text=row["text"],
                category=row["category"], town=units.get(row["town"]) if rng.random() < 0.6 else None,
                proposer_name="" if by_staff else rng.choice(SURNAMES) + rng.choice(GIVEN),
                proposer_phone="" if by_staff or rng.random() < 0.2 else f"13{rng.randint(100000000, 999999999)}",
                confirm_duplicate=True)
        _decide(rng, campaign, office, units, idea, day)
    return Idea.objects.count()


def _decide(rng, campaign, office, units, idea: Idea, day: date) -> None:
    evaluate_day = day + timedelta(days=rng.randint(2, 8))
    if evaluate_day > DEMO_DAY or rng.random() < 0.15:
        return
    with override_settings(GONGJIAN_TODAY=evaluate_day):
        services.idea_evaluate(actor=office, idea=idea)
    decide_day = evaluate_day + timedelta(days=rng.randint(5, 20))
    if decide_day > DEMO_DAY or rng.random() < 0.2:
        return
    with override_settings(GONGJIAN_TODAY=decide_day):
        if idea.similar_to_id is not None or rng.random() < 0.4:
            services.idea_reject(actor=office, idea=idea, answer=_rejection(idea))
            return
        named = next((unit for word, unit in IDEA_SUBJECT_UNITS if word in idea.title), None)
        lead = units.get(named or IDEA_UNITS[idea.category]) or units["发改局"]
        deadline = date(2023, rng.choice([9, 10, 11, 12]), 28)
        first = decide_day + timedelta(days=rng.randint(20, 40))
        idea = services.idea_accept(
            actor=office, idea=idea, campaign=campaign, lead_unit=lead, deadline=deadline, task_title=f"落实金点子：{_measure(idea)}",
            answer=f"您的建议很有价值，已采纳，由{lead.name}牵头制定《{_measure(idea)}实施方案》，"
                   "纳入2023年攻坚任务推进。",
            milestones=[("制定实施方案", first), ("组织实施", first + timedelta(days=60)),
                        ("总结推广", deadline - timedelta(days=7))])
    if first <= DEMO_DAY + timedelta(days=20):
        milestone = idea.task.milestones.order_by("order").first()
        done = min(DEMO_DAY, first - timedelta(days=3))
        if done > decide_day:
            # The unit reports the milestone in that month's dispatch and the office approves it, so the task's
            # progress follows its milestones (the card then has nothing to hold against it).
            editor = RoleGrant.objects.filter(role=Role.UNIT_EDITOR, user__person__unit=lead).first()
            actor = editor.user if editor else office
            with override_settings(GONGJIAN_TODAY=DEMO_DAY):
                period = periods.period_for(ReportingPeriod.Kind.MONTH, done)
                report = report_services.report_save(
                    actor=actor, task=idea.task, period=period, work_done="实施方案已印发，正在组织实施。",
                    next_steps="按方案分步实施，及时向建议人反馈进展。", milestones_done={str(milestone.pk): done.isoformat()})
                report = report_services.report_submit(actor=actor, report=report)
                report_services.report_approve(actor=office, report=report)


def _measure(idea: Idea) -> str:
    """The office's wording of an adopted idea: the measure, not the citizen's "建议…"."""
    return idea.title.removeprefix("关于").removesuffix("的建议").removeprefix("建议")


def _rejection(idea: Idea) -> str:
    if idea.similar_to_id is not None:
        return f"感谢您的建议。此前已有市民提出相同建议（查询码{idea.similar_to.code}），已一并研究办理，请关注该建议的进展。"
    return "感谢您的建议。经研究，该事项受用地和资金条件限制，近期暂不具备实施条件，已转相关部门作为储备事项研究。"
