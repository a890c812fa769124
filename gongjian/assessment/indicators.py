"""The default indicators (docs/rules.md §5). Each reads its events in a few bulk queries and returns one item per event
that earns or loses points; the `rule` text is the indicator's 计分口径, shown on the scheme page and in the
unit breakdown.

When an event counts:
- a task's deadline, and a report's due date, count in the period in which they have passed (the day after falls in
  the period), so one due on the period's last day counts once, in the next period;
- cards count once per task per calendar month: the colour of the task's card on the month's last supervision run,
  never every day of it;
- report returns count with the reporting period whose due date counts in the period;
- events are judged as of the period's last day, or today while the period runs (a provisional result).
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Q, Subquery, Sum
from django.utils import timezone

from gongjian.assessment.periods import Period, months
from gongjian.assessment.registry import Item
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch import periods as dispatch_periods
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.supervision.models import Blocker, Card, Color, Notice
from gongjian.supervision.rules import rule_names
from gongjian.workdays import days

# Tasks that were handed to a unit: drafts were never assigned; suspended and cancelled tasks are not judged.
JUDGED = (Task.Status.ASSIGNED, Task.Status.IN_PROGRESS, Task.Status.COMPLETED)


def _md(d) -> str:
    return f"{d.month}月{d.day}日"


def _memo(period: Period, key: str, load):
    if key not in period.memo:
        period.memo[key] = load()
    return period.memo[key]


def _ids(tasks) -> Subquery:
    """Task ids as a subquery, without the model's ordering joins: SQLite then reaches reports, cards and co-unit
    links through their task_id indexes, in time proportional to the campaign rather than to the whole database."""
    return Subquery(tasks.order_by().values("id"))


def campaign_tasks(period: Period):
    return Task.objects.filter(campaign_id=period.campaign_id)


def _co_units(rows) -> dict[int, list[int]]:
    result: dict[int, list[int]] = defaultdict(list)
    for task_id, unit_id in rows:
        result[task_id].append(unit_id)
    return result


# ---------------------------------------------------------------- tasks completed in the period


def _completed_filter(period: Period) -> dict:
    return {"campaign_id": period.campaign_id, "status": Task.Status.COMPLETED,
            "completed_on__gte": period.start, "completed_on__lte": period.as_of}


def completed_tasks(period: Period) -> list[dict]:
    return _memo(period, "completed", lambda: list(
        Task.objects.filter(**_completed_filter(period)).order_by("id").values(
            "id", "title", "lead_unit_id", "deadline", "completed_on", "target_value", "indicator_unit")))


def task_on_time(period: Period, units, params):
    tasks = [t for t in completed_tasks(period) if t["completed_on"] <= t["deadline"]]
    through = Task.co_units.through.objects.filter(task_id__in=_ids(Task.objects.filter(**_completed_filter(period))))
    co = _co_units(through.values_list("task_id", "unit_id"))
    for t in tasks:
        yield Item(t["lead_unit_id"], params["lead"], f"按期完成：任务“{t['title']}”，牵头", ("task", t["id"]))
        for unit_id in co.get(t["id"], ()):
            yield Item(unit_id, params["co"], f"按期完成：任务“{t['title']}”，配合", ("task", t["id"]))


def _latest_actuals(period: Period) -> dict[int, Decimal]:
    rows = ProgressReport.objects.filter(
        state=ProgressReport.State.APPROVED, indicator_actual__isnull=False,
        task_id__in=_ids(Task.objects.filter(**_completed_filter(period))),
    ).order_by("period__start", "id").values_list("task_id", "indicator_actual")
    return dict(rows)


def task_early(period: Period, units, params):
    tasks = [t for t in completed_tasks(period) if t["completed_on"] <= t["deadline"]]
    if not tasks:
        return
    actuals = _latest_actuals(period)
    calendar = days.calendar()
    for t in tasks:
        options = []
        early = calendar.between(t["completed_on"], t["deadline"])
        if early >= params["early_full_days"]:
            options.append((params["full"], f"提前{early}个工作日完成"))
        elif early >= params["early_half_days"]:
            options.append((params["half"], f"提前{early}个工作日完成"))
        target, actual = t["target_value"], actuals.get(t["id"])
        if target is not None and target > 0 and actual is not None and actual > target:
            full = actual * 100 / target >= Decimal(str(params["above_full_percent"]))
            unit = t["indicator_unit"]
            options.append((params["full"] if full else params["half"],
                            f"超额完成（完成{actual.normalize():f}{unit}，目标{target.normalize():f}{unit}）"))
        if options:
            points, why = max(options, key=lambda option: option[0])
            yield Item(t["lead_unit_id"], points, f"{why}：任务“{t['title']}”", ("task", t["id"]))


# ---------------------------------------------------------------- tasks not completed by their deadline


def _late_filter(campaign_id: int, first, last) -> Q:
    """Judged tasks whose deadline passed within [first + 1, last + 1] and that were not completed by it."""
    return Q(campaign_id=campaign_id, status__in=JUDGED, deadline__gte=first, deadline__lte=last) & (
        Q(completed_on__isnull=True) | Q(completed_on__gt=F("deadline")))


def task_overdue(period: Period, units, params):
    first, last = period.passed_within()
    late = _late_filter(period.campaign_id, first, last)
    tasks = list(Task.objects.filter(late).order_by("id").values("id", "title", "lead_unit_id", "deadline"))
    if not tasks:
        return
    through = Task.co_units.through.objects.filter(task_id__in=_ids(Task.objects.filter(late)))
    co = _co_units(through.values_list("task_id", "unit_id"))
    for t in tasks:
        deadline = t["deadline"].isoformat()
        yield Item(t["lead_unit_id"], params["lead"], f"未按期完成：任务“{t['title']}”，牵头（时限{deadline}）",
                   ("task", t["id"]))
        for unit_id in co.get(t["id"], ()):
            yield Item(unit_id, params["co"], f"未按期完成：任务“{t['title']}”，配合（时限{deadline}）",
                       ("task", t["id"]))


def uncompleted_this_year(period: Period) -> dict[int, int]:
    """Lead unit → tasks not completed by a deadline that passed between 1 January and as_of (the award flag)."""
    counts: dict[int, int] = defaultdict(int)
    late = _late_filter(period.campaign_id, period.year_start - timedelta(days=1), period.as_of - timedelta(days=1))
    for unit_id in Task.objects.filter(late).order_by().values_list("lead_unit_id", flat=True):
        counts[unit_id] += 1
    return counts


# ---------------------------------------------------------------- cards


def card_snapshot(period: Period) -> list[tuple]:
    """Red and yellow cards on the last day of each month (up to as_of) that has cards, i.e. those of the month's last
    supervision run: (task, colour, lead unit, title, findings, day). Per month, one look-up of the day and one read
    of the campaign's cards standing on it."""

    def load():
        rows = []
        for first, last in months(period.start, period.as_of):
            day = Card.objects.last_day(first, last)
            if day is None:
                continue
            cards = Card.objects.on(day).filter(task_id__in=_ids(campaign_tasks(period))).exclude(
                color=Color.GREEN).order_by("task_id")
            for task_id, color, unit_id, title, findings in cards.values_list(
                    "task_id", "color", "task__lead_unit_id", "task__title", "findings"):
                color = lead_unit_color(color, findings, unit_id)
                if color != Color.GREEN:
                    rows.append((task_id, color, unit_id, title, findings, day))
        return rows

    return _memo(period, "cards", load)


def lead_unit_color(color: str, findings, lead_unit_id: int) -> str:
    """The card's colour as charged to the lead unit: a finding that names another responsible unit (an overdue
    blocker) is charged to that unit by its own indicator, not to the lead unit. The office's override stands."""
    if not findings or any(f.get("rule") == "override" for f in findings):
        return color
    own = [f.get("color") for f in findings or ()
           if (f.get("facts") or {}).get("responsible_unit") in (None, lead_unit_id)]
    if Color.RED in own:
        return Color.RED
    return Color.YELLOW if Color.YELLOW in own else Color.GREEN


def card_counts(period: Period) -> dict[int, tuple[int, int]]:
    """Lead unit → (red, yellow) cards counted in the period."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for _, color, unit_id, *_ in card_snapshot(period):
        counts[unit_id][0 if color == Color.RED else 1] += 1
    return {unit_id: (red, yellow) for unit_id, (red, yellow) in counts.items()}


def _rules_text(findings, color: str) -> str:
    labels = rule_names()
    names = [labels.get(f.get("rule"), "人工亮牌" if f.get("rule") == "override" else f.get("rule", ""))
             for f in findings or () if f.get("color") == color]
    return "、".join(dict.fromkeys(n for n in names if n))


def cards(period: Period, units, params):
    for task_id, color, unit_id, title, findings, day in card_snapshot(period):
        word = "红牌" if color == Color.RED else "黄牌"
        why = _rules_text(findings, color)
        yield Item(unit_id, params["red"] if color == Color.RED else params["yellow"],
                   f"{word}：任务“{title}”（{_md(day)}{'，' + why if why else ''}）", ("task", task_id))


# ---------------------------------------------------------------- reports


def _report_dues(period: Period) -> list[tuple[ReportingPeriod, date]]:
    """This year's monthly periods (and last December's) with the campaign's due date of each, oldest first."""
    def load():
        campaign = Campaign.objects.get(pk=period.campaign_id)
        monthly = ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH, end__gte=period.year_start - timedelta(
            days=31), start__lte=period.as_of).order_by("start")
        return [(p, dispatch_periods.report_due_on(p, campaign)) for p in monthly]
    return _memo(period, "report_dues", load)


def reporting_periods(period: Period) -> list[tuple[ReportingPeriod, date]]:
    """Monthly reporting periods whose due date (the campaign's) counts in this assessment period, with that date."""
    first, last = period.passed_within()
    return [(p, due) for p, due in _report_dues(period) if first <= due <= last]


def report_timeliness(period: Period, units, params):
    for reporting, due_on in reporting_periods(period):
        owed = Task.objects.filter(campaign_id=period.campaign_id, start__lte=reporting.end, status__in=JUDGED).filter(
            # A task completed by the due date can no longer report (dispatch refuses), so it owes nothing.
            Q(completed_on__isnull=True) | Q(completed_on__gt=due_on))
        reports = {task_id: rest for task_id, *rest in ProgressReport.objects.filter(
            period=reporting, supersedes__isnull=True, task_id__in=_ids(campaign_tasks(period)),
        ).values_list("task_id", "id", "unit_id", "submitted_at", "return_count")}
        due = due_on.isoformat()
        for task_id, unit_id, title in owed.order_by("id").values_list("id", "lead_unit_id", "title"):
            report_id, report_unit, submitted_at, returns = reports.get(task_id, (None, None, None, 0))
            submitted = timezone.localtime(submitted_at).date() if submitted_at else None
            # A returned report was submitted before its return; its resubmission time says nothing about lateness.
            if returns:
                continue
            if submitted is None or submitted > period.as_of:
                yield Item(unit_id, params["missing"], f"未报送：任务“{title}”{reporting.title}进展（截止{due}）",
                           ("task", task_id))
            elif submitted > due_on:
                yield Item(report_unit, params["late"],
                           f"迟报：任务“{title}”{reporting.title}进展（截止{due}，{submitted.isoformat()}提交）",
                           ("report", report_id))


def report_returned(period: Period, units, params):
    current = [p for p, _ in reporting_periods(period)]
    if not current:
        return
    first, _ = period.passed_within()
    earlier_periods = [p.id for p, due in _report_dues(period) if period.year_start - timedelta(days=1) <= due < first]
    earlier = ProgressReport.objects.filter(
        period_id__in=earlier_periods, return_count__gt=0,
        task_id__in=_ids(campaign_tasks(period)),
    ).order_by().values("unit_id").annotate(n=Sum("return_count")).values_list("unit_id", "n")
    count = defaultdict(int, earlier)
    ladder = [params["first"], params["second"], params["third"], params["fourth_on"]]
    rows = ProgressReport.objects.filter(period__in=current, return_count__gt=0,
                                         task_id__in=_ids(campaign_tasks(period))).order_by("period__start", "id")
    for report_id, unit_id, returns, title, reporting_start in rows.values_list(
            "id", "unit_id", "return_count", "task__title", "period__start"):
        for _ in range(returns):
            count[unit_id] += 1
            n = count[unit_id]
            yield Item(unit_id, ladder[min(n, len(ladder)) - 1],
                       f"退回重办（本年第{n}次）：任务“{title}”{reporting_start.year}年{reporting_start.month}月进展",
                       ("report", report_id))


# ---------------------------------------------------------------- blockers


def blocker_overdue(period: Period, units, params):
    """Once per blocker per period in which it was past due unresolved: on some day of [start, as_of] after its due
    date and before its resolution, or escalated by the daily run (which moves the due date on) in the period."""
    escalated = Notice.objects.filter(rule="blocker_overdue", issued_on__gte=period.start,
                                      issued_on__lte=period.as_of, blocker__isnull=False,
                                      task_id__in=_ids(campaign_tasks(period)))
    first_escalation: dict[int, object] = {}
    for blocker_id, issued_on in escalated.order_by("issued_on").values_list("blocker_id", "issued_on"):
        first_escalation.setdefault(blocker_id, issued_on)
    rows = Blocker.objects.filter(task_id__in=_ids(campaign_tasks(period)), raised_on__lte=period.as_of).filter(
        Q(due_on__lt=period.as_of) | Q(id__in=Subquery(escalated.values("blocker_id")))).order_by("id")
    for r in rows.values("id", "responsible_unit_id", "description", "due_on", "state", "resolved_on"):
        resolved = r["resolved_on"] if r["state"] != Blocker.State.OPEN else None
        last = min(resolved or period.as_of, period.as_of)
        escalated_on = first_escalation.get(r["id"])
        if escalated_on is None and max(r["due_on"] + timedelta(days=1), period.start) > last:
            continue
        when = f"{_md(escalated_on)}超期升级督办" if escalated_on else f"办理时限{r['due_on'].isoformat()}"
        yield Item(r["responsible_unit_id"], params["points"],
                   f"要素保障事项超期：“{r['description'][:40]}”（{when}）", ("blocker", r["id"]))


INDICATORS = [
    {"code": "task_on_time", "name": "按期完成任务", "compute": task_on_time, "group": "任务办理", "order": 10,
     "defaults": {"lead": 2, "co": 1},
     "rule": "任务在本期办结且不晚于办结时限：牵头单位+2分，每个配合单位+1分。"},
    {"code": "task_early", "name": "提前或超额完成", "compute": task_early, "group": "任务办理", "order": 20,
     "defaults": {"early_half_days": 5, "early_full_days": 20, "half": 0.5, "full": 1, "above_full_percent": 110},
     "rule": "本期按期办结的任务，牵头单位：提前5个工作日以上+0.5分、20个工作日以上+1分；最后一次审核通过的"
             "指标完成值超过目标+0.5分、达到目标110%以上+1分；两者取高，每项任务至多计一次。"},
    {"code": "task_overdue", "name": "未按期完成任务", "compute": task_overdue, "group": "任务办理", "order": 30,
     "defaults": {"lead": -5, "co": -2.5},
     "rule": "办结时限在本期届满（时限次日落在本期）而未在时限内办结的任务：牵头单位−5分，每个配合单位−2.5分；"
             "时限为期末最后一天的，计入下一期；每项任务只计一次。"},
    {"code": "cards", "name": "红黄牌", "compute": cards, "group": "督查亮牌", "order": 40,
     "defaults": {"yellow": -1, "red": -2},
     "rule": "每个自然月取当月最后一次督查运行日的亮牌（月度考核即期末最后运行日），每项任务每月至多计一次："
             "黄牌−1分、红牌−2分，计牵头单位；月中亮牌后已消除的不计，逐日快照不重复扣分。"},
    {"code": "report_timeliness", "name": "进展报送及时", "compute": report_timeliness, "group": "进展报送", "order": 50,
     "defaults": {"late": -0.1, "missing": -0.5},
     "rule": "填报截止日在本期届满的月度调度：截至期末仍未提交的每项任务−0.5分（计牵头单位），截止后才提交的"
             "−0.1分；在截止日前办结的任务无需填报；被退回过的填报按已提交计（退回另行扣分）。"},
    {"code": "report_returned", "name": "填报退回重办", "compute": report_returned, "group": "进展报送", "order": 60,
     "defaults": {"first": -0.5, "second": -1, "third": -2, "fourth_on": -5},
     "rule": "填报截止日在本期届满的月度调度中被退回的填报，按本单位本年度累计退回次数递增扣分："
             "第1次−0.5分、第2次−1分、第3次−2分、第4次起每次−5分。"},
    {"code": "blocker_overdue", "name": "要素保障超期", "compute": blocker_overdue, "group": "要素保障", "order": 70,
     "defaults": {"points": -1},
     "rule": "要素保障事项在本期内有超过办理时限仍未办结的日子（或因超期被升级督办），责任单位每项每期−1分。"},
    {"code": "leader_evaluation", "name": "领导评价", "compute": None, "group": "人工评价", "order": 90,
     "defaults": {"min": -5, "max": 5},
     "rule": "市级领导对单位本期工作的评价，由督查室录入，−5至+5分，须写明理由。"},
]

PARAM_LABELS = {
    "lead": "牵头单位分值", "co": "配合单位分值", "early_half_days": "提前工作日数（+0.5档）",
    "early_full_days": "提前工作日数（+1档）", "half": "较少加分", "full": "较多加分",
    "above_full_percent": "超额加满分的完成比例%", "yellow": "黄牌分值", "red": "红牌分值", "late": "迟报分值",
    "missing": "未报分值", "first": "第1次", "second": "第2次", "third": "第3次", "fourth_on": "第4次起每次",
    "points": "分值", "min": "最低分", "max": "最高分", "score": "满分",
}
