"""The naive baseline of the daily run's evaluation, and the check that it agrees with the real run.

What a first implementation would do for each task: walk the ORM from the task (its milestones, its report for each
period, its history, its overrides, its campaign's rules), build the facts and call the same pure `evaluate`. It
issues about ten queries per task; the daily run (supervision/jobs.py) loads the same facts for every task in a
handful of queries. Both must produce the same findings, or the comparison measures different work.
"""

from __future__ import annotations

import json
from datetime import date

from django.db.models import Max, Prefetch, Q

from gongjian.campaigns.models import Task
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.supervision.evaluate import MilestoneFacts, TaskFacts, card_color, evaluate
from gongjian.supervision.models import Card, CardOverride, Rule, SupervisionRun
from gongjian.supervision.rules import effective_rules

REPORTED = (ProgressReport.State.SUBMITTED, ProgressReport.State.APPROVED, ProgressReport.State.SUPERSEDED)


class Disagreement(AssertionError):
    """The naive and the fast evaluation differ: the benchmark would compare different work."""


def naive_rules(task: Task) -> dict[str, dict]:
    rows = Rule.objects.filter(Q(campaign__isnull=True) | Q(campaign_id=task.campaign_id),
                               task_kind__in=("", "task")).order_by("id")
    general = [r for r in rows if r.campaign_id is None]
    specific = [r for r in rows if r.campaign_id is not None]
    return effective_rules({"code": r.code, "enabled": r.enabled, "params": r.params} for r in general + specific)


def _was_red(task: Task, milestone, on: date) -> bool:
    """caught_up's fact, asked per milestone: done late this month, and a red card named it while it was late."""
    planned, done = milestone.planned_date, milestone.done_on
    if planned is None or done is None or not planned < done <= on or (done.year, done.month) != (on.year, on.month):
        return False
    cards = Card.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=planned), task=task, color="red",
                                valid_from__lt=done)
    return any(f.get("rule") == "milestone_overdue" and f.get("color") == "red"
               and (f.get("facts") or {}).get("milestone") == milestone.title
               for findings in cards.values_list("findings", flat=True) for f in findings)


def _milestone_facts(task: Task, on: date) -> tuple[MilestoneFacts, ...]:
    return tuple(MilestoneFacts(m.title, m.planned_date, m.done_on, float(m.weight), was_red=_was_red(task, m, on))
                 for m in task.milestones.all())


def naive_facts(task: Task, on: date, red_periods: int) -> TaskFacts:
    milestones = _milestone_facts(task, on)
    months = ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH)
    missing = 0
    for period in months.filter(due_on__lt=on).order_by("-start")[:max(red_periods, 1)]:
        if task.start > period.end or task.reports.filter(period=period, state__in=REPORTED).exists():
            break
        missing += 1
    current = months.filter(start__lte=on).order_by("-start").first()
    returned = 0
    if current is not None:
        returned = task.reports.filter(period=current).aggregate(most=Max("return_count"))["most"] or 0
    approved = (task.reports.filter(state=ProgressReport.State.APPROVED, period__kind=ReportingPeriod.Kind.MONTH,
                                    period__end__lt=on).select_related("period").order_by("period__start"))
    override = task.card_overrides.filter(valid_from__lte=on, valid_until__gte=on).order_by("created_at", "id").last()
    return TaskFacts(
        id=task.pk, start=task.start, deadline=task.deadline, progress=float(task.progress), milestones=milestones,
        missing_periods=missing, returned_this_period=returned,
        history=tuple((r.period.end, float(r.percent)) for r in approved),
        override=(override.color, override.reason) if override is not None else None,
    )


def naive_card(task_id: int, on: date, calendar) -> dict:
    """One task's card, the naive way (one task at a time, straight from the ORM): {"color", "findings"}."""
    task = Task.objects.get(pk=task_id)
    rules = naive_rules(task)
    facts = naive_facts(task, on, rules.get("report_missing", {}).get("red_periods", 2))
    findings = evaluate(facts, rules, on, calendar)
    return {"color": card_color(findings), "findings": [f.as_dict() for f in findings]}


def check_agreement(naive: dict[int, dict], on: date) -> int:
    """Compare naive cards with the cards the daily run wrote for `on` (colour and every finding); raise
    Disagreement on any difference. Returns the number of tasks compared."""
    # Without a run of `on` the cards standing that day are an earlier run's: none were written for `on`.
    ran = SupervisionRun.objects.filter(date=on).exists()
    cards = {task_id: {"color": color, "findings": findings} for task_id, color, findings in
             Card.objects.on(on).filter(task_id__in=list(naive)).values_list("task_id", "color", "findings")} if ran else {}
    differing = [task_id for task_id, card in sorted(naive.items())
                 if cards.get(task_id) != json.loads(json.dumps(card))]
    if differing:
        first = differing[0]
        raise Disagreement(
            f"the naive and the fast evaluation differ on {len(differing)} of {len(naive)} sampled tasks "
            f"(e.g. task {first}: naive {naive[first]!r}, daily run {cards.get(first)!r})")
    return len(naive)


def prefetch_cards(task_ids: list[int], on: date, calendar, chunk: int = 1000) -> dict[int, dict]:
    """The competent ORM version: a chunk of tasks with their milestones, reports (with periods) and overrides
    prefetched (four queries a chunk), the periods and each campaign's rules read once, then the same `evaluate`."""
    months = list(ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH).order_by("-start"))
    rules: dict[int, dict] = {}
    overrides = Prefetch("card_overrides", to_attr="overrides_now", queryset=CardOverride.objects.filter(
        valid_from__lte=on, valid_until__gte=on).order_by("created_at", "id"))
    cards = {}
    for i in range(0, len(task_ids), chunk):
        tasks = Task.objects.filter(pk__in=task_ids[i:i + chunk]).order_by("id").prefetch_related(
            "milestones", Prefetch("reports", queryset=ProgressReport.objects.select_related("period")), overrides)
        for task in tasks:
            if task.campaign_id not in rules:
                rules[task.campaign_id] = naive_rules(task)
            task_rules = rules[task.campaign_id]
            facts = _prefetched_facts(task, on, months, task_rules.get("report_missing", {}).get("red_periods", 2))
            findings = evaluate(facts, task_rules, on, calendar)
            cards[task.pk] = {"color": card_color(findings), "findings": [f.as_dict() for f in findings]}
    return cards


def _prefetched_facts(task: Task, on: date, months: list[ReportingPeriod], red_periods: int) -> TaskFacts:
    reports = list(task.reports.all())
    reported = {r.period_id for r in reports if r.state in REPORTED}
    missing = 0
    for period in [p for p in months if p.due_on < on][:max(red_periods, 1)]:
        if task.start > period.end or period.id in reported:
            break
        missing += 1
    current = next((p for p in months if p.start <= on), None)
    returned = max((r.return_count for r in reports if current is not None and r.period_id == current.id), default=0)
    approved = sorted((r for r in reports if r.state == ProgressReport.State.APPROVED
                       and r.period.kind == ReportingPeriod.Kind.MONTH and r.period.end < on),
                      key=lambda r: r.period.start)
    override = task.overrides_now[-1] if task.overrides_now else None
    return TaskFacts(
        id=task.pk, start=task.start, deadline=task.deadline, progress=float(task.progress),
        milestones=_milestone_facts(task, on),
        missing_periods=missing, returned_this_period=returned,
        history=tuple((r.period.end, float(r.percent)) for r in approved),
        override=(override.color, override.reason) if override is not None else None,
    )
