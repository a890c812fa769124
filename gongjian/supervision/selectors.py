"""Reads for the supervision pages and API: the card board, a task's card history, blocker ages, a unit's desk.

Every count here is computed from the same queryset the matching list shows, so a number and its list agree."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, CharField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from gongjian import clock
from gongjian.campaigns.access import tasks_visible_to
from gongjian.campaigns.models import Campaign, Task
from gongjian.org.models import Unit
from gongjian.supervision.models import (
    Blocker,
    Card,
    CardOverride,
    Color,
    Notice,
    Rule,
    SupervisionRun,
    blocker_overdue_q,
)
from gongjian.supervision.rules import default_rules, effective_rules, rule_names
from gongjian.types import User
from gongjian.workdays import days
from gongjian.xlsx import Column, SheetSpec, write_table

COLORS = tuple(Color.values)  # red, yellow, green: the order every breakdown shows them in
_EXTRA_LABELS = {"override": "人工亮牌", "manual": "人工下发", "escalation": "升级督办",
                 "blocker_overdue": "要素保障事项超期"}


class _RuleLabels(Mapping):
    """Rule code → name, read from the registry when asked: apps register their rules at start-up."""

    def _all(self) -> dict[str, str]:
        return {**rule_names(), **_EXTRA_LABELS}

    def __getitem__(self, code: str) -> str:
        return self._all()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


RULE_LABELS = _RuleLabels()
PENDING_NOTICE_STATES = (Notice.State.OPEN, Notice.State.ACKNOWLEDGED)
LIVE_BLOCKER_STATES = (Blocker.State.OPEN, Blocker.State.RESOLVED)


def latest_run(on_or_before: date | None = None) -> SupervisionRun | None:
    """The newest run up to today; a run dated in the future (a rehearsal) only when there is nothing else."""
    runs = SupervisionRun.objects.order_by("-date")
    on_or_before = on_or_before or clock.today()
    return runs.filter(date__lte=on_or_before).first() or runs.first()


def cards_on(day: date, tasks: QuerySet[Task] | Iterable[int] | None = None) -> QuerySet[Card]:
    """The cards standing on `day` (each with `date` = `day`), of `tasks` (a queryset or ids) if given. Every reader
    asks for "the card on D" through here or `Card.objects.on`, never by writing the span condition itself."""
    cards = Card.objects.on(day)
    if tasks is None:
        return cards
    if isinstance(tasks, QuerySet):
        return cards.filter(task__in=tasks.values("pk"))
    return cards.filter(task_id__in=list(tasks))


def with_current_color(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Each task's card on the latest supervision run (`current_color`) and `color_rank` (red 0, yellow 1,
    green 2, none 3), so that a list can put red first."""
    run = latest_run()
    if run is None:
        return tasks.annotate(current_color=Value("", output_field=CharField()), color_rank=Value(3))
    color = cards_on(run.date).filter(task=OuterRef("pk")).values("color")[:1]
    return tasks.annotate(current_color=Subquery(color)).annotate(color_rank=Case(
        When(current_color=Color.RED, then=Value(0)), When(current_color=Color.YELLOW, then=Value(1)),
        When(current_color=Color.GREEN, then=Value(2)), default=Value(3)))


def current_colors(task_ids: list[int]) -> dict[int, str]:
    """task id → its card on the latest supervision run (tasks without one are left out)."""
    run = latest_run()
    if run is None:
        return {}
    return dict(cards_on(run.date, task_ids).values_list("task_id", "color"))


def run_on(day: date) -> SupervisionRun | None:
    return SupervisionRun.objects.filter(date=day).first()


def recent_run_dates(limit: int = 60) -> list[date]:
    return list(SupervisionRun.objects.order_by("-date").values_list("date", flat=True)[:limit])


def card_rows(cards: QuerySet[Card]) -> QuerySet[Card]:
    """What a card list shows, in a fixed number of queries, with a sortable severity (red first)."""
    rank = Case(When(color=Color.RED, then=Value(0)), When(color=Color.YELLOW, then=Value(1)), default=Value(2),
                output_field=IntegerField())
    return cards.select_related("task", "task__lead_unit", "task__lead_leader", "task__focus_area").annotate(
        color_rank=rank)


@dataclass
class BoardRow:
    key: str  # the filter value a link adds: an id, or "null" for "not set"
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLORS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _breakdown(cards: QuerySet[Card], key: str, label: str, order: str | None, empty_label: str) -> list[BoardRow]:
    fields = [key, label] + ([order] if order else [])
    rows: dict[str, BoardRow] = {}
    sort_keys: dict[str, tuple] = {}
    for item in cards.values(*fields, "color").annotate(n=Count("id")).order_by():
        pk = item[key]
        row_key = "null" if pk is None else str(pk)
        row = rows.setdefault(row_key, BoardRow(row_key, item[label] or empty_label))
        row.counts[item["color"]] += item["n"]
        sort_keys[row_key] = (pk is None, item[order] if order else 0, pk or 0)
    return sorted(rows.values(), key=lambda r: sort_keys[r.key])


def _worst_first(rows: list[BoardRow]) -> list[BoardRow]:
    return sorted(rows, key=lambda r: (-r.counts[Color.RED], -r.counts[Color.YELLOW]))


def board(cards: QuerySet[Card]) -> dict:
    """Counts of each colour in total and by focus area, lead unit and lead leader (units and leaders worst first)."""
    totals = dict.fromkeys(COLORS, 0)
    for color, n in cards.values_list("color").annotate(n=Count("id")).order_by():
        totals[color] += n
    return {
        "totals": totals,
        "total": sum(totals.values()),
        "by_area": _breakdown(cards, "task__focus_area", "task__focus_area__title", "task__focus_area__order",
                              "未分重点方向"),
        "by_unit": _worst_first(_breakdown(cards, "task__lead_unit", "task__lead_unit__name",
                                           "task__lead_unit__order", "—")),
        "by_leader": _worst_first(_breakdown(cards, "task__lead_leader", "task__lead_leader__display_name", None,
                                             "未设牵头领导")),
    }


@dataclass
class CardSpan:
    """One stored span of a task's card: from its first run day to its last, with the last run day's findings."""

    start: date
    end: date
    color: str
    findings: list[dict]
    overridden: bool
    days: int = 1  # the run days it covers

    @property
    def color_label(self) -> str:
        return Color(self.color).label


def card_history(task: Task) -> list[CardSpan]:
    """The task's card spans, newest first."""
    rows = list(Card.objects.filter(task=task).order_by("-valid_from").values_list(
        "valid_from", "valid_until", "color", "findings", "overridden"))
    if not rows:
        return []
    run_days = list(SupervisionRun.objects.filter(date__gte=rows[-1][0]).order_by("date").values_list(
        "date", flat=True))
    spans = []
    for start, until, color, findings, overridden in rows:
        covered = [d for d in run_days if start <= d and (until is None or d <= until)]
        spans.append(CardSpan(start, covered[-1] if covered else until or start, color, findings, overridden,
                              max(len(covered), 1)))
    return spans


def active_override(task: Task, on: date | None = None) -> CardOverride | None:
    on = on or clock.today()
    return task.card_overrides.filter(valid_from__lte=on, valid_until__gte=on).order_by("-created_at", "-id").first()


def notice_rows(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    return notices.select_related("task", "unit", "leader", "blocker")


def blocker_rows(blockers: QuerySet[Blocker]) -> QuerySet[Blocker]:
    return blockers.select_related("task", "responsible_unit", "raised_unit", "raised_by__person")


def with_age(blockers: Iterable[Blocker], today: date | None = None) -> list[Blocker]:
    """Working days since raised (until sign-off once closed), and whether it is overdue."""
    today = today or clock.today()
    calendar = days.calendar()
    items = list(blockers)
    for b in items:
        b.age = calendar.between(b.raised_on, b.closed_on or today)
        b.is_overdue = b.is_overdue_on(today)
    return items


def blocker_summary(blockers: QuerySet[Blocker]) -> dict:
    by_category = dict(blockers.values_list("category").annotate(n=Count("id")).order_by())
    category_rows = [(value, label, by_category[value]) for value, label in Blocker.Category.choices
                     if value in by_category]
    unit_rows = list(blockers.values("responsible_unit", "responsible_unit__name", "responsible_unit__order")
                     .annotate(n=Count("id")).order_by("-n", "responsible_unit__order", "responsible_unit"))
    return {"by_category": category_rows, "by_unit": unit_rows, "overdue": blockers.filter(blocker_overdue_q(clock.today())).count()}


def unit_desk(unit: Unit, user: User | AnonymousUser, on: date | None) -> dict:
    """A unit's supervision page: its cards on the run date, notices awaiting it, blockers it clears or suffers."""
    visible = tasks_visible_to(user)
    cards = cards_on(on).filter(task__in=visible, task__lead_unit=unit) if on else Card.objects.none()
    totals = dict.fromkeys(COLORS, 0)
    for color, n in cards.values_list("color").annotate(n=Count("id")).order_by():
        totals[color] += n
    own_tasks = Task.objects.filter(Q(lead_unit=unit) | Q(id__in=Task.co_units.through.objects.filter(
        unit=unit).values("task_id")))
    live = Blocker.objects.filter(state__in=LIVE_BLOCKER_STATES)
    return {
        "totals": totals,
        "total": sum(totals.values()),
        "cards": card_rows(cards).order_by("color_rank", "task__deadline", "id"),
        "notices": notice_rows(Notice.objects.filter(unit=unit, state__in=PENDING_NOTICE_STATES)),
        "responsible": with_age(blocker_rows(live.filter(responsible_unit=unit))),
        "on_tasks": with_age(blocker_rows(live.filter(task__in=own_tasks))),
    }


def _findings_text(findings: list[dict]) -> str:
    return "；".join(f"{RULE_LABELS.get(f['rule'], f['rule'])}：{f['message']}" for f in findings)


def export_cards(cards: QuerySet[Card]) -> bytes:
    columns = [Column("date", "督查日期", "date"), Column("task", "任务", "text"),
               Column("focus_area", "重点方向", "text"), Column("lead_unit", "牵头单位", "text"),
               Column("leader", "牵头领导", "text"), Column("deadline", "办结时限", "date"),
               Column("color", "亮牌", "text"), Column("findings", "亮牌依据", "text")]

    def rows() -> Iterator[dict[str, object]]:
        for c in cards.iterator(chunk_size=2000):
            yield {"date": c.date, "task": c.task.title, "focus_area": c.task.focus_area.title if c.task.focus_area
                   else "", "lead_unit": c.task.lead_unit.name,
                   "leader": c.task.lead_leader.display_name if c.task.lead_leader else "",
                   "deadline": c.task.deadline, "color": c.get_color_display() + ("（人工）" if c.overridden else ""),
                   "findings": _findings_text(c.findings)}

    return write_table([SheetSpec(title="亮牌清单", columns=columns, rows=rows(), dropdowns=False)])


def export_notices(notices: QuerySet[Notice]) -> bytes:
    columns = [Column("issued_on", "下发日期", "date"), Column("kind", "类型", "text"), Column("task", "任务", "text"),
               Column("unit", "责任单位", "text"), Column("leader", "告知领导", "text"),
               Column("rule", "依据", "text"), Column("reason", "事由", "text"), Column("state", "状态", "text"),
               Column("reply", "回复", "text")]

    def rows() -> Iterator[dict[str, object]]:
        for n in notices.iterator(chunk_size=2000):
            yield {"issued_on": n.issued_on, "kind": n.get_kind_display(), "task": n.task.title if n.task else "",
                   "unit": n.unit.name, "leader": n.leader.display_name if n.leader else "",
                   "rule": RULE_LABELS.get(n.rule, n.rule), "reason": n.reason, "state": n.get_state_display(),
                   "reply": n.reply}

    return write_table([SheetSpec(title="督办通知", columns=columns, rows=rows(), dropdowns=False)])


def export_blockers(blockers: QuerySet[Blocker]) -> bytes:
    columns = [Column("description", "问题描述", "text"), Column("category", "类别", "text"),
               Column("task", "任务", "text"), Column("unit", "责任单位", "text"),
               Column("raised_on", "提出日期", "date"), Column("age", "已历时（工作日）", "int"),
               Column("due_on", "办理时限", "date"), Column("overdue", "是否超期", "text"),
               Column("level", "协调层级", "text"), Column("state", "状态", "text"),
               Column("resolution", "办理情况", "text")]

    def rows() -> Iterator[dict[str, object]]:
        for chunk in _chunks(blockers.iterator(chunk_size=2000), 2000):
            for b in with_age(chunk):
                yield {"description": b.description, "category": b.get_category_display(), "task": b.task.title,
                       "unit": b.responsible_unit.name, "raised_on": b.raised_on, "age": b.age, "due_on": b.due_on,
                       "overdue": "已超期" if b.is_overdue else "", "level": b.get_level_display(),
                       "state": b.get_state_display(), "resolution": b.resolution}

    return write_table([SheetSpec(title="要素保障事项", columns=columns, rows=rows(), dropdowns=False)])


def _chunks(items: Iterable, size: int) -> Iterable[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rule_settings(campaign: Campaign | None) -> list[dict]:
    """Each rule with its shipped defaults, what applies in this scope (all campaigns, or one campaign on top of the
    general settings), and the scope's own settings row if the office has saved one."""
    rows = list(Rule.objects.filter(task_kind="").values("code", "enabled", "params", "campaign_id"))
    general = [r for r in rows if r["campaign_id"] is None]
    own_rows = [r for r in rows if r["campaign_id"] == (campaign.pk if campaign else None)]
    inherited = effective_rules(general) if campaign else effective_rules([])
    effective = effective_rules(general + own_rows) if campaign else effective_rules(general)
    own = {r["code"]: r for r in own_rows}
    result = []
    for code, rule in default_rules().items():
        current = effective.get(code)
        # A disabled rule's form still shows the numbers it would use if switched back on.
        shown = current if current is not None else {**rule["params"], **inherited.get(code, {}),
                                                      **(own[code]["params"] if code in own else {})}
        result.append({
            "code": code, "name": rule["name"], "defaults": rule["params"], "effective": current,
            "own": own.get(code), "inherited": inherited.get(code),
            "initial": {"enabled": current is not None, **{f"p_{k}": v for k, v in shown.items()}},
        })
    return result
