"""Scoring one month for every campaign (docs/architecture.md: ≤ 30 s at province scale), beside a naive per-unit scorer.

Figures (inside one transaction that is rolled back, so the bench database stays as generated):
- `seconds`: `ranking_compute` for the bench day's month (as of the bench day: its cards, the reporting period due
  in it, completions, deadlines, blockers) for every campaign — one per county-sized block — schemes included;
  `cpu_seconds` is the same work's CPU time in this process (with SQLite that includes the database's work), a
  steadier figure than wall time on a shared machine;
- `baseline_seconds`: the naive version (this module's `naive_total`: a few ORM queries per task and per blocker,
  unit by unit, the way a first implementation walks from a unit to its events) timed on a random sample of ranked
  units and extrapolated to all of them;
- `ratio`: naive seconds per unit ÷ fast seconds per unit.
Before anything is reported, the sampled units' naive totals must equal the totals the fast scorer stored.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongjian.assessment import periods, registry, scoring, services
from gongjian.assessment.indicators import lead_unit_color
from gongjian.assessment.models import Score, ScoreItem
from gongjian.assessment.scoring import points_of
from gongjian.bench.registry import Context
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.frontline.assessment_indicators import rate_points
from gongjian.frontline.models import Assignment, Visit
from gongjian.projects.models import Project
from gongjian.projects.rules import add_months, due_month, year_numbers
from gongjian.supervision.models import Blocker, Card, Notice
from gongjian.workdays import days

NAME = "assess"
ORDER = 60
TARGET_SECONDS = 30.0
JUDGED = (Task.Status.ASSIGNED, Task.Status.IN_PROGRESS, Task.Status.COMPLETED)
LADDER = [Decimal("-0.5"), Decimal("-1"), Decimal("-2"), Decimal("-5")]


class Disagreement(AssertionError):
    """The naive and the fast scorer differ: the benchmark would compare different work."""


def _snapshot_day(period):
    first, last = period.start, period.as_of
    return Card.objects.last_day(first, last)


def _task_points(task: Task, unit_id: int, period, snapshot, calendar) -> Decimal:
    lead = task.lead_unit_id == unit_id
    total = Decimal("0")
    first, last = period.passed_within()
    if task.status == Task.Status.COMPLETED and period.start <= task.completed_on <= period.as_of \
            and task.completed_on <= task.deadline:
        total += 2 if lead else 1
        if lead:
            early = calendar.between(task.completed_on, task.deadline)
            bonus = Decimal("1") if early >= 20 else Decimal("0.5") if early >= 5 else Decimal("0")
            actual = (task.reports.filter(state=ProgressReport.State.APPROVED, indicator_actual__isnull=False)
                      .order_by("period__start", "id").values_list("indicator_actual", flat=True).last())
            if task.target_value and task.target_value > 0 and actual is not None and actual > task.target_value:
                bonus = max(bonus, Decimal("1") if actual * 100 / task.target_value >= 110 else Decimal("0.5"))
            total += bonus
    if task.status in JUDGED and first <= task.deadline <= last and (
            task.completed_on is None or task.completed_on > task.deadline):
        total += Decimal("-5") if lead else Decimal("-2.5")
    if lead and snapshot is not None:
        card = task.cards.on(snapshot).first()
        # An overdue blocker's finding is charged to its responsible unit, not to the lead unit (docs/rules.md §5).
        color = lead_unit_color(card.color, card.findings, task.lead_unit_id) if card is not None else None
        if color in ("red", "yellow"):
            total += Decimal("-2") if color == "red" else Decimal("-1")
    return total


def _report_points(task: Task, period) -> Decimal:
    total = Decimal("0")
    first, last = period.passed_within()
    for reporting in ReportingPeriod.objects.filter(kind="month", due_on__gte=first, due_on__lte=last):
        if task.start > reporting.end or task.status not in JUDGED or (
                task.completed_on is not None and task.completed_on <= reporting.due_on):
            continue
        report = task.reports.filter(period=reporting, supersedes__isnull=True).first()
        if report is not None and report.return_count:
            continue
        submitted = timezone.localtime(report.submitted_at).date() if report and report.submitted_at else None
        if submitted is None or submitted > period.as_of:
            total += Decimal("-0.5")
        elif submitted > reporting.due_on:
            total += Decimal("-0.1")
    return total


def _return_points(unit_id: int, campaign_id: int, period) -> Decimal:
    first, last = period.passed_within()
    mine = ProgressReport.objects.filter(unit_id=unit_id, task__campaign_id=campaign_id, period__kind="month")
    before = sum(r.return_count for r in mine.filter(period__due_on__gte=period.year_start - timedelta(days=1),
                                                     period__due_on__lt=first))
    now = sum(r.return_count for r in mine.filter(period__due_on__gte=first, period__due_on__lte=last))
    return sum((LADDER[min(n, len(LADDER)) - 1] for n in range(before + 1, before + now + 1)), Decimal("0"))


def _blocker_points(unit_id: int, campaign_id: int, period) -> Decimal:
    total = Decimal("0")
    for blocker in Blocker.objects.filter(responsible_unit_id=unit_id, task__campaign_id=campaign_id,
                                          raised_on__lte=period.as_of):
        escalated = Notice.objects.filter(blocker=blocker, rule="blocker_overdue", issued_on__gte=period.start,
                                          issued_on__lte=period.as_of).exists()
        resolved = blocker.resolved_on if blocker.state != Blocker.State.OPEN else None
        last = min(resolved or period.as_of, period.as_of)
        if escalated or (blocker.due_on < period.as_of
                         and max(blocker.due_on + timedelta(days=1), period.start) <= last):
            total += Decimal("-1")
    return total


def _ticket_points(unit_id: int, period) -> Decimal:
    """The 三率 of one unit, counted row by row; the score curve is frontline's."""
    specs = registry.specs()
    assignments = list(Assignment.objects.filter(unit_id=unit_id, assigned_on__gte=period.start,
                                                 assigned_on__lte=period.as_of)
                       .exclude(outcome=Assignment.Outcome.RETURNED).values_list("signed_on_time", flat=True))
    visits = list(Visit.objects.filter(unit_id=unit_id, on__gte=period.start, on__lte=period.as_of,
                                       kind__in=(Visit.Kind.CLOSING, Visit.Kind.GRID))
                  .values_list("resolved", "satisfaction"))
    rated = [s for _, s in visits if s]
    counts = {"ticket_response_rate": (sum(1 for s in assignments if s is True), len(assignments)),
              "ticket_resolution_rate": (sum(1 for r, _ in visits if r is True), len(visits)),
              "ticket_satisfaction_rate": (sum(1 for s in rated if s in ("satisfied", "basic")), len(rated))}
    return sum((points_of(rate_points(Decimal(hit) / Decimal(whole), specs[code].defaults))
                for code, (hit, whole) in counts.items() if whole), Decimal("0"))


def _project_points(unit_id: int, campaign_id: int, period) -> Decimal:
    """Investment against 序时进度, 开工率 and 纳统率 of one unit's projects, one project at a time."""
    specs = registry.specs()
    mine = Project.objects.filter(lead_unit_id=unit_id, campaign_id=campaign_id, status__in=JUDGED)
    expected = due_month(period.as_of, Campaign.objects.get(pk=campaign_id))
    total = Decimal("0")
    planned = short = Decimal("0")
    for project in mine:
        position = year_numbers(Project.objects.filter(pk=project.pk), period.as_of).position(project.pk, expected)
        if position.planned_to_date > 0:
            planned += position.planned_to_date
            short += position.planned_to_date - min(position.year_to_date, position.planned_to_date)
    if planned:
        total -= points_of(specs["project_investment"].defaults["score"] * short / planned)
    due = [p.actual_start is not None and p.actual_start <= period.as_of for p in mine
           if p.nature == Project.Nature.NEW and period.year_start <= p.start <= period.as_of]
    stats = specs["project_stats_rate"].defaults
    started_by = add_months(period.as_of, -int(stats["grace_months"]))
    listed = [p.stats_status == Project.StatsStatus.IN_STATS and (p.stats_on is None or p.stats_on <= period.as_of)
              for p in mine if p.actual_start is not None and p.actual_start <= started_by
              and p.total_investment >= stats["threshold_wan"] * 10000]
    for code, flags in (("project_start_rate", due), ("project_stats_rate", listed)):
        if flags:
            total -= points_of(Decimal(str(specs[code].defaults["score"])) * (len(flags) - sum(flags)) / len(flags))
    return total


def naive_total(unit_id: int, campaign_id: int, period, base: Decimal) -> Decimal:
    """One unit's score the naive way: its tasks one by one, each with its own queries."""
    calendar = days.calendar()
    snapshot = _snapshot_day(period)
    total = base
    for task in Task.objects.filter(Q(lead_unit_id=unit_id) | Q(co_units__id=unit_id), campaign_id=campaign_id
                                    ).distinct():
        total += points_of(_task_points(task, unit_id, period, snapshot, calendar))
        if task.lead_unit_id == unit_id:
            total += points_of(_report_points(task, period))
    total += _return_points(unit_id, campaign_id, period) + _blocker_points(unit_id, campaign_id, period)
    return total + _ticket_points(unit_id, period) + _project_points(unit_id, campaign_id, period)


def run(ctx: Context) -> dict:
    label = periods.label_for(periods.MONTH, ctx.today)
    campaigns = list(Campaign.objects.order_by("id"))
    with transaction.atomic():
        started, cpu_started = time.perf_counter(), time.process_time()
        rankings = []
        for campaign in campaigns:
            scheme = services.scheme_for(actor=None, campaign=campaign, period_type=periods.MONTH)
            rankings.append(services.ranking_compute(actor=None, scheme=scheme, label=label))
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        scores = list(Score.objects.filter(ranking__in=rankings).values_list("unit_id", "ranking__scheme__campaign_id", "total", "base"))
        items = ScoreItem.objects.filter(score__ranking__in=rankings).count()
        ctx.log(f"  {len(rankings)} campaigns, {len(scores):,} units scored for {label} in {seconds:.2f} s")
        sample = random.Random(f"{ctx.seed}:assess").sample(scores, min(ctx.sample, len(scores)))
        period = scoring.period_of(rankings[0].scheme, label, ctx.today) if rankings else None
        started = time.perf_counter()
        naive = []
        for unit_id, campaign_id, total, base in sample:
            period.campaign_id = campaign_id
            naive.append((unit_id, naive_total(unit_id, campaign_id, period, base), total))
        naive_seconds = time.perf_counter() - started
        differing = [(u, n, t) for u, n, t in naive if n != t]
        transaction.set_rollback(True)
    if differing:
        raise Disagreement(f"naive and fast totals differ on {len(differing)} of {len(naive)} sampled units, "
                           f"e.g. unit {differing[0][0]}: naive {differing[0][1]}, fast {differing[0][2]}")
    units = len(scores)
    fast_per_unit = seconds / units if units else 0.0
    naive_per_unit = naive_seconds / len(sample) if sample else 0.0
    ratio = naive_per_unit / fast_per_unit if fast_per_unit else None
    ctx.log(f"  naive {naive_per_unit * 1e3:.1f} ms/unit on {len(sample)} units, fast {fast_per_unit * 1e3:.2f} "
            f"ms/unit; totals agree on all {len(sample)}")
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "baseline_seconds": round(naive_per_unit * units, 3),
        "ratio": round(ratio, 1) if ratio is not None else None,
        "period": label,
        "campaigns": len(rankings),
        "units": units,
        "items": items,
        "sample": len(sample),
        "agreement": f"naive totals equal the stored scores on all {len(sample)} sampled units",
        "target": f"≤ {TARGET_SECONDS:.0f} s for one month at province scale",
        "met": seconds <= TARGET_SECONDS,
        "note": "every campaign's month scored with ranking_compute (reads, ranking and writes); naive = per-unit, "
                "per-task ORM walk extrapolated from the sample; run inside a rolled-back transaction",
    }
