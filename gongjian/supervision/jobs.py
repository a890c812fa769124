"""The daily supervision run (a scheduled job, also the command `gongjian supervise`): load every open task's facts
in a handful of queries, evaluate every registered rule, write the cards that changed (a card is a span of days,
docs/architecture.md "Card history"), climb the escalation ladder (writing only the states that moved), escalate
overdue blockers, then run the registered steps (tickets' SLA clocks). Idempotent for a date."""

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import NamedTuple

from django.db import transaction
from django.db.models import Case, Q, TextField, When
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongjian import clock
from gongjian.audit.services import record
from gongjian.bulk import existing_values, json_text, shared_json, update_rows
from gongjian.campaigns.models import Campaign, Milestone, Task
from gongjian.dispatch import periods
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.org.models import Person
from gongjian.supervision import ladder, registry
from gongjian.supervision.evaluate import BLOCKER_DEFAULTS, MilestoneFacts, TaskFacts, card_color, evaluate
from gongjian.supervision.messages import post_to_robots, send_notices
from gongjian.supervision.models import (
    Blocker,
    Card,
    CardOverride,
    Color,
    EscalationState,
    Notice,
    Rule,
    SupervisionRun,
)
from gongjian.supervision.rules import effective_rules
from gongjian.types import User
from gongjian.workdays import days

REPORTED = (ProgressReport.State.SUBMITTED, ProgressReport.State.APPROVED, ProgressReport.State.SUPERSEDED)
CHUNK = 500
# A past day's run (catching up, or the demo's history) sends that day's notices as of that morning.
MORNING = clock_time(9, 0)


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def open_tasks(on: date):
    return Task.objects.filter(status__in=Task.OPEN_STATUSES, start__lte=on)


def rules_by_campaign(campaign_ids: set[int], task_kind: str = "task") -> dict[int, dict]:
    rows = list(Rule.objects.filter(task_kind__in=("", task_kind)).values("code", "enabled", "params", "campaign_id"))
    general = [r for r in rows if r["campaign_id"] is None]
    return {cid: effective_rules(general + [r for r in rows if r["campaign_id"] == cid]) for cid in campaign_ids}


def _report_facts(on: date, red_periods: int, campaigns: dict[int, Campaign]
                  ) -> tuple[dict[int, set[int]], dict[int, int], dict[int, list[ReportingPeriod]]]:
    """(period → tasks that reported, task → returns of the report that is due, campaign → its past-due periods).

    Each campaign has its own due day (dispatch.periods.report_due_on). The report that is due is the last closed
    month's (due early this month) or the running month's; its returns count whenever they happened, so a February
    report returned twice in March still counts on 31 March."""
    months = ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH)
    # A month is due at most 20 working days (with a long holiday, up to six weeks) after it ends, so the two latest
    # closed months may not be due yet: two more than needed cover every campaign.
    closed = list(months.filter(end__lt=on).order_by("-start")[:max(red_periods, 1) + 2])
    past_due = {cid: [p for p in closed if periods.report_due_on(p, campaign) < on][:max(red_periods, 1)]
                for cid, campaign in campaigns.items()}
    due = [p.id for p in months.filter(start__lte=on).order_by("-start")[:2]]
    reported: dict[int, set[int]] = defaultdict(set)
    returns: dict[int, int] = {}
    period_ids = {p.id for listed in past_due.values() for p in listed} | set(due)
    rows = ProgressReport.objects.filter(period_id__in=period_ids, task__status__in=Task.OPEN_STATUSES)
    for task_id, period_id, state, return_count in rows.values_list("task_id", "period_id", "state", "return_count"):
        if state in REPORTED:
            reported[period_id].add(task_id)
        if period_id in due:
            returns[task_id] = max(returns.get(task_id, 0), return_count)
    return reported, returns, past_due


def _missing(task_id: int, start: date, reported, past_due: list[ReportingPeriod]) -> int:
    count = 0
    for period in past_due:
        if start > period.end or task_id in reported[period.id]:
            break
        count += 1
    return count


def _red_milestones(on: date, done_late: list[tuple[int, str, date, date]]) -> set[tuple[int, str]]:
    """Of the milestones done late this month, those a red card named while they were late (caught_up): a red span
    before `on` naming the milestone (the signature keeps it the same over the span) that overlaps the days after
    its planned date and before it was done."""
    if not done_late:
        return set()
    first = min(planned for _, _, planned, _ in done_late)
    window = {(task_id, title): (planned, done) for task_id, title, planned, done in done_late}
    red: set[tuple[int, str]] = set()
    spans = Card.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=first), color=Color.RED,
                                valid_from__lt=on)
    for chunk in _chunks(sorted({task_id for task_id, *_ in done_late})):
        for task_id, start, until, findings in spans.filter(task_id__in=chunk).values_list(
                "task_id", "valid_from", "valid_until", "findings"):
            for f in findings:
                key = (task_id, (f.get("facts") or {}).get("milestone"))
                if f.get("rule") == "milestone_overdue" and f.get("color") == "red" and key in window:
                    planned, done = window[key]
                    if start < done and (until is None or until > planned):
                        red.add(key)
    return red


def load_facts(on: date, red_periods: int = 2) -> list[tuple[dict, TaskFacts]]:
    tasks = list(open_tasks(on).values("id", "campaign_id", "start", "deadline", "progress", "lead_unit_id",
                                       "lead_leader_id", "title"))
    milestones: dict[int, list[MilestoneFacts]] = defaultdict(list)
    # An explicit order: the model's default ordering would join campaign and focus area just to sort.
    ms_rows = Milestone.objects.filter(task__status__in=Task.OPEN_STATUSES, task__start__lte=on).order_by(
        "task_id", "order", "planned_date", "id")
    rows = list(ms_rows.values_list("task_id", "title", "planned_date", "done_on", "weight"))
    red = _red_milestones(on, [(task_id, title, planned, done) for task_id, title, planned, done, _ in rows
                               if done is not None and planned is not None and planned < done <= on
                               and (done.year, done.month) == (on.year, on.month)])
    for task_id, title, planned, done, weight in rows:
        milestones[task_id].append(MilestoneFacts(title, planned, done, float(weight),
                                                  was_red=(task_id, title) in red))
    history: dict[int, list[tuple[date, float]]] = defaultdict(list)
    approved = ProgressReport.objects.filter(state=ProgressReport.State.APPROVED, task__status__in=Task.OPEN_STATUSES,
                                             period__kind=ReportingPeriod.Kind.MONTH, period__end__lt=on)
    for task_id, end, percent in approved.order_by("period__start").values_list("task_id", "period__end", "percent"):
        history[task_id].append((end, float(percent)))
    campaigns = Campaign.objects.in_bulk({row["campaign_id"] for row in tasks})
    reported, returns, past_due = _report_facts(on, red_periods, campaigns)
    overrides = {o.task_id: (o.color, o.reason)
                 for o in CardOverride.objects.filter(valid_from__lte=on, valid_until__gte=on).order_by("created_at")}
    return [
        (row, TaskFacts(
            id=row["id"], start=row["start"], deadline=row["deadline"], progress=float(row["progress"]),
            milestones=tuple(milestones.get(row["id"], ())),
            missing_periods=_missing(row["id"], row["start"], reported, past_due[row["campaign_id"]]),
            returned_this_period=returns.get(row["id"], 0), history=tuple(history.get(row["id"], ())),
            override=overrides.get(row["id"]),
        ))
        for row in tasks
    ]


def principal_leaders() -> list[tuple[int, str]]:
    """The city's principal leaders (书记、市长): (person id, how they are named), in a fixed order."""
    return list(Person.objects.filter(is_principal_leader=True, user__is_active=True).order_by("id")
                .values_list("id", "display_name"))


def _notice(row: dict, escalation: ladder.Escalation, on: date, principals: list[tuple[int, str]]) -> Notice:
    leader_id, reason = row["lead_leader_id"] if escalation.inform_leader else None, escalation.reason
    if escalation.to_principals and principals:
        # The notice is addressed to the first principal leader and names every one of them.
        leader_id = principals[0][0]
        reason += f"（报{'、'.join(name for _, name in principals)}）"
    return Notice(kind=escalation.kind, task_id=row["id"], unit_id=row["lead_unit_id"], leader_id=leader_id,
                  rule="escalation", reason=f"{row['title']}：{reason}", issued_on=on, key=_notice_key(row, escalation))


def _notice_key(row: dict, escalation: ladder.Escalation) -> str:
    return f"t{row['id']}:{escalation.key}"


def _leaders_in_charge(blockers: list[Blocker]) -> dict[int, tuple[int, str]]:
    """Blocker → the leader in charge (分管领导): the focus area's leader, else a leader who oversees the responsible
    unit, else the task's lead leader."""
    task_ids = {b.task_id for b in blockers}
    tasks = {pk: (area_leader, lead_leader) for pk, area_leader, lead_leader in Task.objects.filter(
        pk__in=task_ids).values_list("pk", "focus_area__leader_id", "lead_leader_id")}
    overseer: dict[int, int] = {}
    for unit_id, person_id in Person.oversees.through.objects.filter(
            unit_id__in={b.responsible_unit_id for b in blockers}).order_by("person_id").values_list(
            "unit_id", "person_id"):
        overseer.setdefault(unit_id, person_id)
    chosen = {}
    for b in blockers:
        area_leader, lead_leader = tasks.get(b.task_id, (None, None))
        person_id = area_leader or overseer.get(b.responsible_unit_id) or lead_leader
        if person_id:
            chosen[b.pk] = person_id
    names = dict(Person.objects.filter(pk__in=set(chosen.values())).values_list("pk", "display_name"))
    return {pk: (person_id, names[person_id]) for pk, person_id in chosen.items()}


def _escalate_blockers(on: date, params: dict | None = None) -> list[Notice]:
    """A blocker past its due date climbs one level (task force → leader in charge → principal leader), and again
    each time the level's own time (`escalation_days` working days) passes. Its due date is never rewritten. The
    notice names the leader it is escalated to."""
    notices = []
    passed = Q(next_escalation_on__lt=on) | Q(next_escalation_on__isnull=True, due_on__lt=on)
    blockers = list(Blocker.objects.filter(passed, state=Blocker.State.OPEN))
    next_time = days.add(on, (params or BLOCKER_DEFAULTS)["escalation_days"])
    in_charge = _leaders_in_charge([b for b in blockers if b.level + 1 == Blocker.Level.LEADER])
    principals = principal_leaders() if any(b.level + 1 >= Blocker.Level.PRINCIPAL for b in blockers) else []
    for blocker in blockers:
        blocker.level = min(blocker.level + 1, Blocker.Level.PRINCIPAL)
        blocker.next_escalation_on = next_time
        leader = in_charge.get(blocker.pk) if blocker.level == Blocker.Level.LEADER else (
            principals[0] if principals else None)
        to = f"，报{leader[1]}" if leader else ""
        notices.append(Notice(
            kind=Notice.Kind.SUPERVISE, task_id=blocker.task_id, blocker=blocker, unit_id=blocker.responsible_unit_id,
            leader_id=leader[0] if leader else None, rule="blocker_overdue", issued_on=on,
            key=f"b{blocker.pk}:L{blocker.level}",
            reason=f"要素保障事项“{blocker.description[:40]}”超过办理时限，升级为{blocker.get_level_display()}{to}",
        ))
    Blocker.objects.bulk_update(blockers, ["level", "next_escalation_on"], batch_size=1000)
    return notices


def card_signature(color: str, findings: list[dict], overridden: bool) -> tuple:
    """What makes two days' cards the same span: the colour, the override flag, and each finding's rule and colour
    with the milestone or responsible unit it names (caught_up and the assessment read those back). Not the
    wording: messages count days, and the run refreshes the open row's findings in place instead."""
    return (color, overridden, tuple(sorted(
        (f.get("rule", ""), f.get("color", ""), str((f.get("facts") or {}).get("milestone") or ""),
         str((f.get("facts") or {}).get("responsible_unit") or "")) for f in findings)))


class _Row(NamedTuple):
    """A stored card as the run reads it: plain values, no model instance (a province holds ~100,000 open rows)."""

    pk: int
    task_id: int
    valid_from: date
    valid_until: date | None
    color: str
    findings: list
    overridden: bool


@dataclass
class _Piece:
    id: int | None  # the row it keeps (same first day), or None for a new row
    valid_from: date
    valid_until: date | None
    color: str
    findings: list
    overridden: bool

    def signature(self) -> tuple:
        return card_signature(self.color, self.findings, self.overridden)


def _span_plan(rows: list[_Row], on: date, following: date | None, new: tuple[str, list, bool] | None
               ) -> list[_Piece]:
    """A task's spans around `on` once its card for the days from `on` to the next run (`following`) is `new`
    (None: no card). `rows` are its rows overlapping [on - 1, following]; neighbours with the same signature merge,
    the later one's findings winning (a span keeps its last run day's wording)."""
    yesterday = on - timedelta(days=1)
    before, after = [], []
    for r in rows:
        if r.valid_from < on:
            until = yesterday if r.valid_until is None or r.valid_until >= on else r.valid_until
            before.append(_Piece(r.pk, r.valid_from, until, r.color, r.findings, r.overridden))
        if following is not None and (r.valid_until is None or r.valid_until >= following):
            after.append(_Piece(r.pk if r.valid_from >= following else None, max(r.valid_from, following),
                                r.valid_until, r.color, r.findings, r.overridden))
    # A row begun on `on` (an earlier run of the day) is the new card's row, so that a re-run rewrites nothing.
    own = next((r.pk for r in rows if r.valid_from == on), None)
    middle = [_Piece(own, on, following - timedelta(days=1) if following else None, *new)] if new else []
    merged: list[_Piece] = []
    for piece in before + middle + after:
        last = merged[-1] if merged else None
        if (last is not None and last.valid_until is not None and last.valid_until + timedelta(days=1) == piece.valid_from
                and last.signature() == piece.signature()):
            last.valid_until, last.findings = piece.valid_until, piece.findings
        else:
            merged.append(piece)
    return merged


def _write_cards(on: date, computed: dict[int, tuple[str, list, bool]]) -> dict[str, int]:
    """Make the stored spans say `computed` (task → colour, findings, override) from `on` until the next run day,
    writing only what differs: the unchanged majority gets nothing, a task whose only change is the wording gets its
    row's findings updated, a changed one gets its row closed and a new one, a task no longer open gets its row
    closed. Re-running a day finds its own rows and rewrites nothing; a past day may split a span."""
    following = SupervisionRun.objects.filter(date__gt=on).order_by("date").values_list("date", flat=True).first()
    around = Card.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on - timedelta(days=1)))
    if following is not None:
        around = around.filter(valid_from__lte=following)
    rows: dict[int, list[_Row]] = defaultdict(list)
    decode = shared_json()
    for pk, task_id, valid_from, valid_until, color, findings, overridden in around.order_by(
            "task_id", "valid_from").values_list("pk", "task_id", "valid_from", "valid_until", "color",
                                                 json_text("findings"), "overridden"):
        rows[task_id].append(_Row(pk, task_id, valid_from, valid_until, color, decode(findings), overridden))
    deleted: list[int] = []
    reworded: list[tuple] = []
    changed: list[tuple] = []
    created: list[Card] = []
    for task_id in rows.keys() | computed.keys():
        existing, new = rows.get(task_id, []), computed.get(task_id)
        if (new is not None and following is None and len(existing) == 1 and existing[0].valid_until is None
                and existing[0].valid_from < on):
            # The daily case: the task's open row began before today.
            row = existing[0]
            if (row.color, row.findings, row.overridden) == new:  # most cards: nothing at all changed
                continue
            if card_signature(row.color, row.findings, row.overridden) == card_signature(*new):
                if row.findings != new[1]:
                    reworded.append((row.pk, new[1]))
                continue
        by_id = {r.pk: r for r in existing}
        kept = set()
        for piece in _span_plan(existing, on, following, new):
            if piece.id is None:
                created.append(Card(task_id=task_id, valid_from=piece.valid_from, valid_until=piece.valid_until,
                                    color=piece.color, findings=piece.findings, overridden=piece.overridden))
                continue
            kept.add(piece.id)
            row = by_id[piece.id]
            wanted = (piece.valid_until, piece.color, piece.findings, piece.overridden)
            if (row.valid_until, row.color, row.findings, row.overridden) != wanted:
                changed.append((row.pk, *wanted))
        deleted.extend(pk for pk in by_id if pk not in kept)
    # Deletions first, then updates (closing open rows), then inserts: no step breaks "one open row per task" or
    # "one row per task and first day" on the way.
    for chunk in _chunks(deleted):
        Card.objects.filter(pk__in=chunk).delete()
    update_rows(Card, ["valid_until", "color", "findings", "overridden"], changed)
    update_rows(Card, ["findings"], reworded)
    Card.objects.bulk_create(created, batch_size=2000)
    return {"created": len(created), "changed": len(changed), "reworded": len(reworded), "deleted": len(deleted)}


def supervise(*, on: date, actor: User | None = None) -> dict:
    started = time.perf_counter()
    calendar = days.calendar()
    rules = rules_by_campaign(set(open_tasks(on).order_by().values_list("campaign_id", flat=True).distinct()))
    # Load as many past periods as the strictest report_missing setting needs to turn a card red.
    red_periods = max((r["report_missing"]["red_periods"] for r in rules.values() if "report_missing" in r),
                      default=2)
    facts = load_facts(on, red_periods)
    # Items of a registered kind (a project is a task) get that kind's rules on top of the task rules.
    kinds = {kind: loader(on) for kind, loader in registry.fact_loaders().items()}
    kind_of = {task_id: kind for kind, items in kinds.items() for task_id in items}
    kind_rules = {kind: rules_by_campaign({row["campaign_id"] for row, _ in facts if kind_of.get(row["id"]) == kind},
                                          kind) for kind in kinds}
    evaluators = {kind: registry.evaluators(kind) for kind in kinds}
    # `before` is only read back when this day is run again (as_of == on); decoding it for every task cost a second.
    decode = shared_json()  # the states are shared objects: ladder.step copies before it changes one
    escalation_states = {task_id: (pk, as_of, decode(state), decode(before)) for pk, task_id, as_of, state, before in
                         EscalationState.objects.filter(task__in=open_tasks(on)).values_list(
                             "pk", "task_id", "as_of", json_text("state"),
                             Case(When(as_of=on, then=json_text("before")), default=None, output_field=TextField()))}
    general = effective_rules(Rule.objects.filter(campaign__isnull=True, task_kind="").values("code", "enabled", "params"))
    principals = principal_leaders()
    computed: dict[int, tuple[str, list, bool]] = {}
    states: list[EscalationState] = []
    # The ladder names every rung a red or yellow card has reached, every day; most were issued on an earlier day, so
    # a Notice is built only for a key that no notice has yet.
    candidates: list[tuple[str, dict, ladder.Escalation]] = []
    colors = {"red": 0, "yellow": 0, "green": 0}
    rule_counts: dict[str, int] = defaultdict(int)
    for row, task_facts in facts:
        kind = kind_of.get(row["id"])
        campaign_rules = (kind_rules[kind] if kind is not None else rules)[row["campaign_id"]]
        findings = evaluate(task_facts, campaign_rules, on, calendar)
        if kind is not None:
            item = kinds[kind][row["id"]]
            findings += [f for spec in evaluators[kind] if spec.code in campaign_rules
                         for f in spec.evaluate(item, campaign_rules, on, calendar) if f is not None]
        color = card_color(findings)
        colors[color] += 1
        for f in findings:
            rule_counts[f.rule] += 1
        computed[row["id"]] = (color, [f.as_dict() for f in findings], task_facts.override is not None)
        previous = escalation_states.get(row["id"])
        base = (previous[3] if previous[1] == on else previous[2]) if previous else {}
        if "escalation" in campaign_rules:
            state, due = ladder.step(base, color, on, campaign_rules["escalation"], calendar)
            candidates.extend((_notice_key(row, e), row, e) for e in due)
        else:
            state = base
        # Only a state that moved is written: a re-run of `on` finds its own row (as_of == on) and starts again from
        # `before`, so an unchanged state may stay on an older as_of.
        if state != (previous[2] if previous else {}):
            states.append(EscalationState(pk=previous[0] if previous else None, task_id=row["id"], as_of=on,
                                          state=state, before=base))
    with transaction.atomic():
        # Every worker's scheduler enqueues the daily run, so two may run the same day at once: the day's row, taken
        # first and locked, makes the second wait for the first to commit and then redo the day on top of it (no
        # duplicate card, no notice issued twice) instead of failing on the cards' unique keys.
        SupervisionRun.objects.select_for_update().get_or_create(date=on, defaults={"seconds": 0})
        card_rows = _write_cards(on, computed)
        update_rows(EscalationState, ["as_of", "state", "before"],
                    [(s.pk, s.as_of, s.state, s.before) for s in states if s.pk])
        created = [s for s in states if not s.pk]
        # A racing worker that ran the day first may have created these rows after this one read the states.
        for chunk in _chunks([s.task_id for s in created]):
            EscalationState.objects.filter(task_id__in=chunk).delete()
        EscalationState.objects.bulk_create(created, batch_size=2000)
        blocker_notices = _escalate_blockers(on, general.get("blocker", BLOCKER_DEFAULTS))
        already = existing_values(Notice, "key", [key for key, _, _ in candidates] + [n.key for n in blocker_notices])
        notices = [_notice(row, e, on, principals) for key, row, e in candidates if key not in already]
        notices += [n for n in blocker_notices if n.key not in already]
        Notice.objects.bulk_create(notices, batch_size=1000)
        issued = list(Notice.objects.filter(key__in=[n.key for n in notices]).select_related("unit"))
        sent_at = None if on == clock.today() else timezone.make_aware(datetime.combine(on, MORNING))
        send_notices(issued, now=sent_at)
        post_to_robots(issued, on=on, now=sent_at)
        summary = {"date": on.isoformat(), "colors": colors, "rules": dict(sorted(rule_counts.items())),
                   "notices": len(notices), "card_rows": card_rows, "seconds": round(time.perf_counter() - started, 3)}
        SupervisionRun.objects.update_or_create(date=on, defaults={"seconds": summary["seconds"], "summary": summary})
        record(actor=actor, actor_name="system" if actor is None else "", event="supervision.run",
               object_type="supervision.run", object_id=on.isoformat(), changes=summary)
    # Registered steps (the tickets' SLA clocks, …) write in their own transactions: one failing step leaves the
    # day's cards in place, and re-running the day repeats every step idempotently.
    summary["steps"] = {name: step(on=on, rules=general) for name, step in registry.steps().items()}
    return summary


@db_periodic_task(crontab(minute="0", hour="1"))
def supervise_daily():
    supervise(on=clock.today())
