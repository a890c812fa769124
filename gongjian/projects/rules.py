"""Cards on major projects (docs/rules.md §2), evaluated monthly.

`evaluate_project` is pure (tests call it directly); `load_project_facts` loads every open project's facts in a fixed
number of queries for the daily supervision run, which adds these findings to the task rules' findings."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from gongjian.campaigns.models import Campaign, Task
from gongjian.campaigns.overdue import overdue_on
from gongjian.dispatch import periods
from gongjian.dispatch.models import ProgressReport
from gongjian.projects.calc import HUNDRED, TEN_THOUSAND, ZERO, one_decimal, position, twelve, wan_text
from gongjian.projects.models import Project, ProjectFigures, ProjectPlan
from gongjian.supervision import registry
from gongjian.supervision.evaluate import RED, YELLOW, Finding
from gongjian.supervision.models import Blocker

PROJECT_RULES: dict[str, dict] = {
    "not_started": {"name": "计划开工月份已过未开工", "params": {"red_months": 3}},
    "investment_lag": {"name": "投资完成滞后于序时进度", "params": {"yellow_points": 10, "red_points": 30}},
    "not_in_stats": {"name": "开工后未纳统入库", "params": {"threshold_wan": 500, "yellow_months": 1, "red_months": 2}},
    "funds_lag": {"name": "政府资金拨付滞后于计划", "params": {"tolerance_points": 0}},
    "blocker_overdue": {"name": "要素保障事项超过办理时限", "params": {}},
}

_NO_MONTHS = (ZERO,) * 12


@dataclass(frozen=True)
class BlockerFacts:
    id: int
    category: str
    description: str
    unit_id: int
    unit: str
    due_on: date
    level: int


@dataclass(frozen=True)
class ProjectFacts:
    id: int
    planned_start: date
    actual_start: date | None
    total_investment: Decimal
    stats_status: str
    month: int  # the month the year's figures are measured at: reported, or due and so expected (0: none yet)
    plan: tuple[Decimal, ...] = _NO_MONTHS  # planned investment, January first
    actual: tuple[Decimal, ...] = _NO_MONTHS  # completed investment in approved reports
    gov_plan: tuple[Decimal, ...] = _NO_MONTHS
    gov_paid: tuple[Decimal, ...] = _NO_MONTHS
    blockers: tuple[BlockerFacts, ...] = field(default_factory=tuple)


def _ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _months(first: date, second: date) -> int:
    """Whole calendar months from first's month to second's month."""
    return (second.year * 12 + second.month) - (first.year * 12 + first.month)


def add_months(d: date, n: int) -> date:
    """The same day n months later, or the month's last day when it is shorter (1月31日 + 1 = 2月28日)."""
    total = d.year * 12 + d.month - 1 + n
    year, month = divmod(total, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(d.day, last))


def _not_started(p: ProjectFacts, rules, on, cal):
    if p.actual_start is not None and p.actual_start <= on:
        return
    late = _months(p.planned_start, on)
    if late >= 1:
        color = RED if late >= rules["not_started"]["red_months"] else YELLOW
        yield Finding("not_started", color,
                      f"计划{p.planned_start.year}年{p.planned_start.month}月开工，已过{late}个月仍未开工",
                      {"planned_start": p.planned_start.isoformat(), "months": late})


def _investment_lag(p: ProjectFacts, rules, on, cal):
    if p.month == 0:
        return
    pos = position(p.plan, p.actual, p.month)
    if pos.points is None:
        return
    lag = -pos.points
    params = rules["investment_lag"]
    if lag >= params["yellow_points"] and lag > 0:
        color = RED if lag > params["red_points"] else YELLOW
        months = "1月" if p.month == 1 else f"1—{p.month}月"
        yield Finding("investment_lag", color,
                      f"{months}完成投资{wan_text(pos.year_to_date)}万元，占年度计划{one_decimal(pos.completion)}%，"
                      f"低于时间进度{one_decimal(lag)}个百分点",
                      {"month": p.month, "year_plan": str(pos.year_plan), "year_to_date": str(pos.year_to_date),
                       "completion": str(one_decimal(pos.completion)),
                       "time_progress": str(one_decimal(pos.time_progress)), "lag": str(one_decimal(lag))})


def _not_in_stats(p: ProjectFacts, rules, on, cal):
    if p.actual_start is None or p.actual_start > on:
        return
    params = rules["not_in_stats"]
    if p.stats_status == Project.StatsStatus.IN_STATS or p.total_investment < params["threshold_wan"] * TEN_THOUSAND:
        return
    if on < add_months(p.actual_start, params["yellow_months"]):
        return
    color = RED if on > add_months(p.actual_start, params["red_months"]) else YELLOW
    status = Project.StatsStatus(p.stats_status).label if p.stats_status in Project.StatsStatus.values else ""
    yield Finding("not_in_stats", color, f"{_ymd(p.actual_start)}开工，至今未纳统入库（{status}）",
                  {"actual_start": p.actual_start.isoformat(), "stats_status": p.stats_status})


def _funds_lag(p: ProjectFacts, rules, on, cal):
    if p.month == 0:
        return
    planned, paid = sum(p.gov_plan[:p.month], ZERO), sum(p.gov_paid[:p.month], ZERO)
    if planned <= 0:
        return
    share = paid * HUNDRED / planned
    if share < HUNDRED - rules["funds_lag"]["tolerance_points"]:
        yield Finding("funds_lag", RED,
                      f"政府资金计划拨付{wan_text(planned)}万元，实际拨付{wan_text(paid)}万元，仅完成{one_decimal(share)}%",
                      {"month": p.month, "planned": str(planned), "paid": str(paid)})


def _blocker_overdue(p: ProjectFacts, rules, on, cal):
    for b in p.blockers:
        # The run lifts an overdue blocker a level and gives it a new due date; it stays overdue until cleared.
        late = overdue_on(b.due_on, None, on)  # the facts are of open blockers only
        if not late and b.level <= Blocker.Level.TASK_FORCE:
            continue
        level = Blocker.Level(b.level).label if b.level in Blocker.Level.values else ""
        yield Finding("blocker_overdue", YELLOW,
                      f"要素保障事项“{b.description[:30]}”超过办理时限（责任单位：{b.unit}，{level}）",
                      {"blocker": b.id, "category": b.category, "responsible_unit": b.unit_id, "unit": b.unit,
                       "due_on": b.due_on.isoformat(), "level": b.level,
                       "late_workdays": cal.between(b.due_on, on) if late else 0})


_CHECKS = {"not_started": _not_started, "investment_lag": _investment_lag, "not_in_stats": _not_in_stats,
           "funds_lag": _funds_lag, "blocker_overdue": _blocker_overdue}


def evaluate_project(project: ProjectFacts, rules: Mapping[str, dict], on: date, calendar) -> list[Finding]:
    """The enabled project rules' findings for one project (the daily run calls each registered rule itself)."""
    return [f for code, check in _CHECKS.items() if code in rules for f in check(project, rules, on, calendar)]


_LABELS = {"not_started": {"red_months": "未开工几个月亮红牌"},
           "not_in_stats": {"red_months": "开工后几个月未纳统亮红牌"}}


def register() -> None:
    """Called from ProjectsConfig.ready(): projects' facts and rules join the daily supervision run."""
    registry.register_facts("project", load_project_facts)
    for code, check in _CHECKS.items():
        rule = PROJECT_RULES[code]
        registry.register_rule(code=code, name=rule["name"], params=rule["params"], kinds=("project",),
                               evaluate=check, source="docs/rules.md §2", labels=_LABELS.get(code))


def due_month(on: date, campaign: Campaign | None = None) -> int:
    """The latest month of on's year whose reports were due before `on` (0 when none), by the campaign's due day
    (the shipped default for lists that span campaigns)."""
    for month in range(on.month, 0, -1):
        _, end = periods.month_bounds(date(on.year, month, 1))
        due = periods.month_due(end) if campaign is None else periods.month_report_due(end, campaign)
        if end < on and due < on:
            return month
    return 0


@dataclass
class YearNumbers:
    """Plans and approved figures of a year, by project and month."""

    plan: dict[int, dict[int, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    gov_plan: dict[int, dict[int, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    actual: dict[int, dict[int, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    gov_paid: dict[int, dict[int, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    reported: dict[int, int] = field(default_factory=dict)  # project → latest month with approved figures

    def month(self, pid: int, expected: int) -> int:
        return max(expected, self.reported.get(pid, 0))

    def position(self, pid: int, expected: int):
        return position(twelve(self.plan[pid]), twelve(self.actual[pid]), self.month(pid, expected))


def year_numbers(projects, on: date) -> YearNumbers:
    """Two queries for any number of projects: `projects` is a Project queryset (used as a subquery)."""
    numbers = YearNumbers()
    # No ordering: the default one joins the project's task, campaign and focus area just to sort.
    for pid, month, investment, gov in ProjectPlan.objects.filter(project__in=projects, year=on.year).order_by(
            ).values_list("project_id", "month", "investment", "gov_funds"):
        numbers.plan[pid][month], numbers.gov_plan[pid][month] = investment, gov
    figures = (ProjectFigures.objects.filter(project__in=projects, year=on.year, month__lte=on.month,
                                             report__state=ProgressReport.State.APPROVED)
               .values("project_id", "month").annotate(invested=Sum("invested"), gov=Sum("gov_funds_paid"))
               .order_by())
    for row in figures:
        pid, month = row["project_id"], row["month"]
        numbers.actual[pid][month], numbers.gov_paid[pid][month] = row["invested"], row["gov"]
        numbers.reported[pid] = max(numbers.reported.get(pid, 0), month)
    return numbers


def load_project_facts(on: date) -> dict[int, ProjectFacts]:
    """Every open project's facts on a day, in four queries whatever the number of projects."""
    open_projects = Project.objects.filter(status__in=Task.OPEN_STATUSES, start__lte=on)
    rows = list(open_projects.values_list("id", "start", "actual_start", "total_investment", "stats_status",
                                          "campaign_id"))
    expected = {cid: due_month(on, campaign)
                for cid, campaign in Campaign.objects.in_bulk({row[-1] for row in rows}).items()}
    numbers = year_numbers(open_projects, on)
    blockers: dict[int, list[BlockerFacts]] = defaultdict(list)
    for bid, task_id, category, text, unit_id, unit, due_on, level in Blocker.objects.filter(
            task__in=open_projects.values("task_ptr_id"), state=Blocker.State.OPEN).order_by("due_on", "id").values_list(
            "id", "task_id", "category", "description", "responsible_unit_id", "responsible_unit__name", "due_on",
            "level"):
        blockers[task_id].append(BlockerFacts(bid, category, text, unit_id, unit, due_on, level))
    return {
        pid: ProjectFacts(
            id=pid, planned_start=start, actual_start=actual_start, total_investment=total, stats_status=stats,
            month=numbers.month(pid, expected[campaign_id]), plan=twelve(numbers.plan[pid]), actual=twelve(numbers.actual[pid]),
            gov_plan=twelve(numbers.gov_plan[pid]), gov_paid=twelve(numbers.gov_paid[pid]),
            blockers=tuple(blockers[pid]),
        )
        for pid, start, actual_start, total, stats, campaign_id in rows
    }
