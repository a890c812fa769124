"""Major projects' indicators per lead unit (assessment registry contract: assessment/registry.py): investment
completed against 序时进度, 开工率 and 纳统率, over the campaign's projects as of the assessment day.

The full score of each is part of the base of 100: a unit loses the score times its shortfall (1 − rate), and each
project that falls short is one line linked to it, carrying its share of the loss (rounded so that the lines add up).
A unit with no project in an indicator, or none short, gets no line for it."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from gongjian.campaigns.models import Campaign, Task
from gongjian.projects.calc import HUNDRED, TEN_THOUSAND, ZERO, one_decimal, wan_text
from gongjian.projects.models import Project
from gongjian.projects.rules import add_months, due_month, year_numbers

JUDGED = (Task.Status.ASSIGNED, Task.Status.IN_PROGRESS, Task.Status.COMPLETED)
CENT = Decimal("0.01")


def _projects(period):
    return Project.objects.filter(campaign_id=period.campaign_id, status__in=JUDGED)


def _shares(score, weights: list[Decimal], whole: Decimal) -> list[Decimal]:
    """−score × weight / whole for each weight, rounded on the running total so that the shares add up exactly."""
    score, shares, running, given = -Decimal(str(score)), [], ZERO, ZERO
    for weight in weights:
        running += weight
        upto = (score * running / whole).quantize(CENT, rounding=ROUND_HALF_UP)
        shares.append(upto - given)
        given = upto
    return shares


def _md(d) -> str:
    return f"{d.month}月{d.day}日"


def investment_progress(period, units, params):
    """Completed investment over the plan to date (序时计划), per lead unit; each project counts at most its plan to
    date, so one project ahead does not hide another behind. A project's line carries its shortfall's share."""
    projects = _projects(period)
    rows = list(projects.order_by("lead_unit_id", "id").values_list("id", "lead_unit_id", "title"))
    if not rows:
        return
    expected = due_month(period.as_of, Campaign.objects.get(pk=period.campaign_id))
    numbers = year_numbers(projects, period.as_of)
    by_unit: dict[int, list] = defaultdict(list)
    for pid, unit_id, title in rows:
        position = numbers.position(pid, expected)
        if position.planned_to_date > 0:
            by_unit[unit_id].append((pid, title, position))
    for unit_id, listed in by_unit.items():
        whole = sum((p.planned_to_date for _, _, p in listed), ZERO)
        short = [p.planned_to_date - min(p.year_to_date, p.planned_to_date) for _, _, p in listed]
        for (pid, title, p), share in zip(listed, _shares(params["score"], short, whole), strict=True):
            yield (unit_id, share,
                   f"投资完成：项目“{title}”至{p.month}月完成{wan_text(p.year_to_date)}万元，序时计划"
                   f"{wan_text(p.planned_to_date)}万元，完成序时进度的{one_decimal(p.against_time_progress)}%",
                   ("projects.project", pid))


def start_rate(period, units, params):
    """开工率: of the new projects planned to start this year by the assessment day, those started by then."""
    rows = (_projects(period).filter(nature=Project.Nature.NEW, start__gte=period.year_start, start__lte=period.as_of)
            .order_by("lead_unit_id", "start", "id").values_list("id", "lead_unit_id", "title", "start", "actual_start"))

    def judge(planned, actual):
        if actual is not None and actual <= period.as_of:
            return True, "已开工", f"计划{_md(planned)}，{_md(actual)}开工"
        return False, "未开工", f"计划{_md(planned)}开工"

    yield from _rate_lines(rows, params, judge)


def stats_rate(period, units, params):
    """纳统率: of the projects of the threshold or more started at least `grace_months` ago, those in statistics."""
    started_by = add_months(period.as_of, -int(params["grace_months"]))
    threshold = Decimal(str(params["threshold_wan"])) * TEN_THOUSAND
    rows = (_projects(period).filter(total_investment__gte=threshold, actual_start__lte=started_by)
            .order_by("lead_unit_id", "actual_start", "id")
            .values_list("id", "lead_unit_id", "title", "actual_start", "stats_status", "stats_on"))

    def judge(actual, status, stats_on):
        if status == Project.StatsStatus.IN_STATS and (stats_on is None or stats_on <= period.as_of):
            return True, "已纳统", f"{_md(actual)}开工" + (f"，{_md(stats_on)}入库" if stats_on else "")
        label = Project.StatsStatus(status).label if status in Project.StatsStatus.values else "未入库"
        return False, "未纳统", f"{_md(actual)}开工，{label}"

    yield from _rate_lines(rows, params, judge)


def _rate_lines(rows, params, judge):
    """One line per project, judged (hit, word, detail); the misses share the loss."""
    by_unit: dict[int, list] = defaultdict(list)
    for pid, unit_id, title, *facts in rows:
        by_unit[unit_id].append((pid, title, *judge(*facts)))
    for unit_id, listed in by_unit.items():
        hits = sum(hit for _, _, hit, _, _ in listed)
        rate = f"{hits}/{len(listed)}，{one_decimal(Decimal(hits) * HUNDRED / len(listed))}%"
        shares = _shares(params["score"], [Decimal(not hit) for _, _, hit, _, _ in listed], Decimal(len(listed)))
        for (pid, title, _, word, detail), share in zip(listed, shares, strict=True):
            yield unit_id, share, f"{word}：项目“{title}”（{detail}；{rate}）", ("projects.project", pid)


INDICATORS = [
    {"code": "project_investment", "name": "投资完成（对序时进度）", "compute": investment_progress,
     "group": "重点项目", "order": 65, "defaults": {"score": 3},
     "rule": "牵头单位的重点项目本年累计完成投资占序时计划（年度计划累计到应报月份）的比例乘以3分，满分含在基础分内，"
             "按差额扣分，扣分落到未完成序时计划的项目；每个项目最多按其序时计划计，超额部分不抵补其他项目。"},
    {"code": "project_start_rate", "name": "开工率", "compute": start_rate, "group": "重点项目", "order": 66,
     "defaults": {"score": 2},
     "rule": "本年计划在考核日前开工的新开工项目中，已实际开工的比例乘以2分，满分含在基础分内，按差额扣分，"
             "扣分落到未开工的项目，计牵头单位。"},
    {"code": "project_stats_rate", "name": "纳统率", "compute": stats_rate, "group": "重点项目", "order": 67,
     "defaults": {"score": 2, "threshold_wan": 500, "grace_months": 1},
     "rule": "总投资500万元及以上、开工满1个月的项目中，已纳统入库的比例乘以2分，满分含在基础分内，按差额扣分，"
             "扣分落到未纳统的项目，计牵头单位。"},
]
