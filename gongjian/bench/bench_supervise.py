"""The daily supervision run at scale, beside its naive per-task baseline.

Figures (all inside one transaction that is rolled back, so the bench database stays as generated; the
like-for-like pair is timed first, before the run writes anything):
- `seconds`: `supervise(on=today)` in full — load, evaluate (task rules, and project rules for projects), cards,
  escalation ladder, notices, blockers, audit;
- `repeat_seconds`: the same call again for the same day (the idempotent re-run path);
- `fast_eval_seconds`: the part of the run the baseline also does — bulk fact loading, rules and the task rules'
  `evaluate` for every open task, without writes;
- `baseline_seconds`: the naive version (naive.py: ~10 ORM queries per task, then the same `evaluate`) timed on a
  random sample of open tasks and extrapolated to all of them;
- `ratio`: naive seconds per task ÷ fast load-and-evaluate seconds per task (like for like); `ratio_vs_full_run`
  divides by the whole run's time per task instead (writes, ladder and project rules included), a lower bound.
Before anything is reported, the run's card colour must equal the fast evaluation's for every plain task, and the
sampled tasks' naive cards (colour and every finding) must equal the cards the run wrote. Tasks that are also rows of
a subclass (a Project is a Task) get extra findings from their own rules, so they are left out of both checks and of
the naive sample.
"""

from __future__ import annotations

import random
import time

from django.apps import apps
from django.db import transaction

from gongjian.bench.naive import Disagreement, check_agreement, naive_card
from gongjian.bench.registry import Context
from gongjian.campaigns.models import Task
from gongjian.supervision.evaluate import card_color, evaluate
from gongjian.supervision.jobs import load_facts, rules_by_campaign, supervise
from gongjian.supervision.models import Card
from gongjian.workdays import days

NAME = "supervise"
ORDER = 10
TARGET_SECONDS = 60.0
TARGET_RATIO = 20.0


def fast_evaluation(on) -> tuple[float, dict[int, str]]:
    """Seconds to load every open task's facts in bulk and evaluate the task rules, and each task's colour."""
    started = time.perf_counter()
    calendar = days.calendar()
    facts = load_facts(on)
    rules = rules_by_campaign({row["campaign_id"] for row, _ in facts})
    colors = {row["id"]: card_color(evaluate(task_facts, rules[row["campaign_id"]], on, calendar))
              for row, task_facts in facts}
    return time.perf_counter() - started, colors


def plain_tasks(task_ids) -> list[int]:
    """The tasks that are not also a subclass row (such as a Project), sorted."""
    subclasses = [m for m in apps.get_models() if issubclass(m, Task) and m is not Task]
    special = {pk for model in subclasses for pk in model.objects.values_list("pk", flat=True)}
    return sorted(set(task_ids) - special)


def naive_evaluation(task_ids: list[int], on) -> tuple[float, dict[int, dict]]:
    calendar = days.calendar()
    started = time.perf_counter()
    cards = {task_id: naive_card(task_id, on, calendar) for task_id in task_ids}
    return time.perf_counter() - started, cards


def check_colors(fast: dict[int, str], task_ids: list[int], on) -> None:
    written = dict(Card.objects.filter(date=on).values_list("task_id", "color"))
    differing = [pk for pk in task_ids if written.get(pk) != fast[pk]]
    if differing:
        pk = differing[0]
        raise Disagreement(f"the run's card colour differs from the fast evaluation's on {len(differing)} of "
                           f"{len(task_ids)} tasks (e.g. task {pk}: run {written.get(pk)}, evaluation {fast[pk]})")


def run(ctx: Context) -> dict:
    on = ctx.today
    with transaction.atomic():
        fast_seconds, colors = fast_evaluation(on)
        plain = plain_tasks(colors)
        sample = sorted(random.Random(f"{ctx.seed}:sample").sample(plain, min(ctx.sample, len(plain))))
        naive_seconds, naive = naive_evaluation(sample, on)
        started = time.perf_counter()
        first = supervise(on=on)
        seconds = time.perf_counter() - started
        ctx.log(f"  first run {seconds:.2f} s: {first['colors']}, {first['notices']} notices")
        started = time.perf_counter()
        repeat = supervise(on=on)
        repeat_seconds = time.perf_counter() - started
        ctx.log(f"  repeat run {repeat_seconds:.2f} s")
        check_colors(colors, plain, on)
        compared = check_agreement(naive, on)
        transaction.set_rollback(True)
    tasks = len(colors)
    fast_per_task = fast_seconds / tasks if tasks else 0.0
    naive_per_task = naive_seconds / len(sample) if sample else 0.0
    ratio = naive_per_task / fast_per_task if fast_per_task else None
    baseline = naive_per_task * tasks
    ctx.log(f"  load+evaluate {fast_seconds:.2f} s ({fast_per_task * 1e3:.3f} ms/task); naive "
            f"{naive_per_task * 1e3:.3f} ms/task on {len(sample)} tasks; cards agree on all {compared}")
    return {
        "seconds": round(seconds, 3),
        "repeat_seconds": round(repeat_seconds, 3),
        "fast_eval_seconds": round(fast_seconds, 3),
        "baseline_seconds": round(baseline, 3),
        "ratio": round(ratio, 1) if ratio is not None else None,
        "ratio_vs_full_run": round(baseline / seconds, 1) if seconds else None,
        "tasks": tasks,
        "per_task_ms": {"full_run": round(seconds / tasks * 1e3, 4) if tasks else None,
                        "fast_eval": round(fast_per_task * 1e3, 4), "naive": round(naive_per_task * 1e3, 4)},
        "sample": len(sample),
        "agreement": f"run colours equal the fast evaluation's on all {len(plain)} plain tasks; naive cards equal "
                     f"the run's on all {compared} sampled tasks",
        "colors": first["colors"],
        "notices": {"first": first["notices"], "repeat": repeat["notices"]},
        "target": f"≤ {TARGET_SECONDS:.0f} s and ≥ {TARGET_RATIO:.0f}× the naive version (province)",
        "met": seconds <= TARGET_SECONDS and ratio is not None and ratio >= TARGET_RATIO,
        "note": "ratio = naive ORM load+evaluate per task ÷ bulk load+evaluate per task (no writes on either side); "
                "baseline extrapolated from the sample; run inside a rolled-back transaction",
    }
