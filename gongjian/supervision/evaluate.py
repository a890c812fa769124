"""The pure half of supervision: from a task's facts on a day, the findings of every rule (docs/rules.md §1, §3).

No database here: the daily run loads facts in bulk and calls `evaluate` per task; tests call it directly."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from gongjian.campaigns.overdue import overdue_on
from gongjian.supervision import registry

RED, YELLOW, GREEN = "red", "yellow", "green"
WARNING = "warning"  # shown beside the card; changes neither its colour nor the score
_RANK = {GREEN: 0, YELLOW: 1, RED: 2}


@dataclass(frozen=True)
class MilestoneFacts:
    title: str
    planned: date | None
    done: date | None
    weight: float = 1.0
    was_red: bool = False  # a red card named it (milestone_overdue) while it was late


@dataclass(frozen=True)
class TaskFacts:
    id: int
    start: date
    deadline: date
    progress: float  # the latest approved percent
    milestones: tuple[MilestoneFacts, ...] = ()
    missing_periods: int = 0  # consecutive past-due periods without a submitted report, newest first
    returned_this_period: int = 0
    history: tuple[tuple[date, float], ...] = ()  # approved progress points, oldest first
    override: tuple[str, str] | None = None  # (colour, reason)


@dataclass(frozen=True)
class Finding:
    rule: str
    color: str
    message: str
    facts: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"rule": self.rule, "color": self.color, "message": self.message, "facts": self.facts}


def worst(findings: list[Finding]) -> str:
    return max((f.color for f in findings if f.color in _RANK), key=_RANK.__getitem__, default=GREEN)


def card_color(findings: list[Finding]) -> str:
    """The card's colour: the office's override when there is one, else the worst finding."""
    overrides = [f.color for f in findings if f.rule == "override"]
    return overrides[0] if overrides else worst(findings)


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _date_text(d: date, on: date) -> str:
    """3月5日 this year, 2024年3月5日 any other year."""
    return _md(d) if d.year == on.year else f"{d.year}年{_md(d)}"


def expected_progress(task: TaskFacts, on: date, calendar) -> float:
    """序时进度: milestone-weighted when every milestone is planned and weighted, else linear in working days."""
    weighted = [m for m in task.milestones if m.planned is not None]
    total = sum(m.weight for m in weighted)
    if weighted and len(weighted) == len(task.milestones) and total > 0:
        return 100.0 * sum(m.weight for m in weighted if m.planned <= on) / total
    if on <= task.start:
        return 0.0
    span = calendar.between(task.start, task.deadline)
    if span <= 0:
        return 100.0
    return min(100.0, 100.0 * calendar.between(task.start, on) / span)


STALLED = date.max


def forecast_finish(task: TaskFacts, calendar) -> date | None:
    """Expected finish from the velocity of reported progress over working days, counted from the task's start at
    0 %. None when too early to tell; STALLED when progress has not moved."""
    (t0, p0), (t1, p1) = (task.start, 0.0), task.history[-1] if task.history else (task.start, 0.0)
    elapsed = calendar.between(t0, t1)
    if p1 >= 100:
        return t1
    if elapsed <= 0:
        return None
    if p1 <= p0:
        return STALLED
    velocity = (p1 - p0) / elapsed
    return calendar.add(t1, math.ceil((100.0 - p1) / velocity))


def evaluate(task: TaskFacts, rules: Mapping[str, dict], on: date, calendar) -> list[Finding]:
    """Every registered task rule that is enabled in `rules`, in registration order."""
    findings = [f for spec in registry.evaluators(registry.TASK) if spec.code in rules
                for f in spec.evaluate(task, rules, on, calendar) if f is not None]
    if task.override is not None:
        color, reason = task.override
        findings.insert(0, Finding("override", color, f"督查室人工亮牌：{reason}", {"reason": reason}))
    return findings


def _overdue(task, rules, on, cal):
    if overdue_on(task.deadline, None, on):  # the run's facts are of open tasks only
        late = cal.between(task.deadline, on)
        yield Finding("overdue", RED, f"已超过办结时限（{_md(task.deadline)}）{late}个工作日，尚未办结",
                      {"deadline": task.deadline.isoformat(), "late_workdays": late})


def _deadline_near(task, rules, on, cal):
    if on <= task.deadline:
        left = cal.between(on, task.deadline)
        if left <= rules["deadline_near"]["days"]:
            text = "今日到期" if left == 0 else f"距办结时限还有{left}个工作日"
            yield Finding("deadline_near", YELLOW, f"{text}（{_md(task.deadline)}）",
                          {"deadline": task.deadline.isoformat(), "workdays_left": left})


def _milestone_overdue(task, rules, on, cal):
    red_after = rules["milestone_overdue"]["red_after_days"]
    late = [(cal.between(m.planned, on), m) for m in task.milestones
            if overdue_on(m.planned, m.done, on)]
    if late:
        days_late, milestone = max(late, key=lambda pair: pair[0])
        color = RED if days_late > red_after else YELLOW
        more = f"等{len(late)}个节点" if len(late) > 1 else ""
        yield Finding("milestone_overdue", color,
                      f"节点“{milestone.title}”{more}计划{_md(milestone.planned)}完成，已逾期{days_late}个工作日",
                      {"milestone": milestone.title, "planned": milestone.planned.isoformat(),
                       "late_workdays": days_late, "count": len(late)})


def _caught_up(task, rules, on, cal):
    """A milestone that actually lit a red card and is now done keeps the card yellow for the rest of the month."""
    for m in task.milestones:
        if (m.was_red and m.done is not None and m.planned is not None and m.done <= on
                and (m.done.year, m.done.month) == (on.year, on.month)):
            yield Finding("caught_up", YELLOW, f"节点“{m.title}”逾期后于{_md(m.done)}补齐，本月保持黄牌",
                          {"milestone": m.title, "planned": m.planned.isoformat(), "done": m.done.isoformat()})
            break


def _progress_lag(task, rules, on, cal):
    if on < task.start or on > task.deadline:
        return
    expected = expected_progress(task, on, cal)
    lag = expected - task.progress
    params = rules["progress_lag"]
    if lag >= params["yellow_points"]:
        color = RED if lag > params["red_points"] else YELLOW
        yield Finding("progress_lag", color,
                      f"进度{task.progress:.1f}%，序时进度{expected:.1f}%，落后{lag:.1f}个百分点",
                      {"progress": round(task.progress, 1), "expected": round(expected, 1), "lag": round(lag, 1)})


def _report_missing(task, rules, on, cal):
    if task.missing_periods:
        color = RED if task.missing_periods >= rules["report_missing"]["red_periods"] else YELLOW
        text = "未按时报送本期进展" if task.missing_periods == 1 else f"连续{task.missing_periods}期未报送进展"
        yield Finding("report_missing", color, text, {"periods": task.missing_periods})


def _returned_twice(task, rules, on, cal):
    if task.returned_this_period >= rules["returned_twice"]["times"]:
        yield Finding("returned_twice", YELLOW, f"本期填报被退回{task.returned_this_period}次",
                      {"returned": task.returned_this_period})


def _forecast_late(task, rules, on, cal):
    """An early warning (docs/rules.md §3): beside the card unless the campaign lets it light yellow."""
    params = rules["forecast_late"]
    if on > task.deadline or len(task.history) < max(params["min_points"], 1):
        return
    finish = forecast_finish(task, cal)
    if finish is None:
        return
    color = YELLOW if params["lights_yellow"] else WARNING
    if finish is STALLED:
        yield Finding("forecast_late", color, "预警：进度停滞，按当前速度无法按期完成", {"forecast": None})
        return
    late = cal.between(task.deadline, finish)
    if late <= 0:
        return
    if cal.between(on, finish) > params["horizon_workdays"]:
        yield Finding("forecast_late", color, "预警：按当前速度一年内无法完成，将超过办结时限",
                      {"forecast": None, "beyond_workdays": params["horizon_workdays"]})
        return
    yield Finding("forecast_late", color,
                  f"预警：按当前进度预计{_date_text(finish, on)}完成，超过办结时限{late}个工作日",
                  {"forecast": finish.isoformat(), "late_workdays": late})


# Registration order is the order of a card's findings.
for _code, _name, _params, _evaluate, _source in (
    ("deadline_near", "临近办结时限", {"days": 3}, _deadline_near, "docs/rules.md §1"),
    ("overdue", "超期未办结", {}, _overdue, "docs/rules.md §1"),
    ("milestone_overdue", "节点逾期", {"red_after_days": 10}, _milestone_overdue, "docs/rules.md §1"),
    ("caught_up", "逾期节点补齐", {}, _caught_up, "docs/rules.md §1"),
    ("progress_lag", "进度滞后于序时进度", {"yellow_points": 10, "red_points": 30}, _progress_lag, "docs/rules.md §1"),
    ("report_missing", "未按时报送进展", {"red_periods": 2}, _report_missing, "docs/rules.md §1"),
    ("returned_twice", "填报两次被退回", {"times": 2}, _returned_twice, "docs/rules.md §1"),
    ("forecast_late", "预计逾期", {"min_points": 3, "horizon_workdays": 250, "lights_yellow": 0}, _forecast_late,
     "docs/rules.md §3"),
):
    registry.register_rule(code=_code, name=_name, params=_params, evaluate=_evaluate, source=_source)
BLOCKER_DEFAULTS = {"due_days": 10, "escalation_days": 10}
registry.register_rule(code="blocker", name="要素保障事项办理时限", params=BLOCKER_DEFAULTS, source="docs/rules.md §4")
registry.register_rule(code="escalation", name="升级督办", source="docs/rules.md §1",
                       params={"yellow_periods": 2, "red_supervise_after_days": 5, "red_periods_interview": 3})
