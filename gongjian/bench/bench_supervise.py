"""The daily supervision run at scale, beside three references measured in the same run: the naive per-task loop,
a competent `prefetch_related` version, and the floor (reading the same facts with no evaluation at all).

Figures (all inside one transaction that is rolled back, so the bench database stays as generated; the references
are timed first, before the run writes anything):
- `seconds`: `supervise(on=today)` in full — load, evaluate (task rules, and project rules for projects), cards,
  escalation ladder, notices, blockers, audit — right after yesterday's run (`supervise(on=today - 1 day)`, untimed,
  in the same transaction): cards are spans, so a fair daily figure is the run of a day whose eve was run, which
  writes only the cards and ladder states that changed overnight;
- `repeat_seconds`: the same call again for the same day (the idempotent re-run path);
- `floor_seconds`: the run's own reads — every open task's facts, the projects' facts, the rules and the tickets whose
  SLA clock runs (the run's ticket step colours them), loaded in bulk — with no evaluation and no writes;
- `fast_eval_seconds`: the open tasks' facts and rules read as in the floor, plus the task rules' `evaluate` for every
  open task, without writes;
- `baseline_seconds`: the prefetch version (naive.prefetch_cards: chunks of tasks with milestones, reports and
  overrides prefetched, periods and rules read once, the same `evaluate`), on up to PREFETCH_SAMPLE plain tasks and
  extrapolated per task to all open tasks;
- `naive_seconds`: the per-task loop (naive.naive_card: ~10 queries per task) on a sample, extrapolated likewise;
- `ratio` = baseline_seconds / seconds (the whole run, writes included, against the prefetch version's load and
  evaluation without writes); `floor_ratio` = seconds / floor_seconds.
Before anything is reported, the run's card colour must equal the fast evaluation's for every plain task, and both the
naive and the prefetch cards (colour and every finding) must equal the cards the run wrote. Tasks that are also rows
of a subclass (a Project is a Task) get extra findings from their own rules, so they are left out of the checks and
the samples.
"""

from __future__ import annotations

import gc
import random
import time
from datetime import timedelta

from django.apps import apps
from django.db import transaction

from gongjian.bench.naive import Disagreement, check_agreement, naive_card, prefetch_cards
from gongjian.bench.registry import Context
from gongjian.campaigns.models import Task
from gongjian.frontline.jobs import clock_ticket_pages
from gongjian.projects.rules import load_project_facts
from gongjian.supervision.evaluate import card_color, evaluate
from gongjian.supervision.jobs import load_facts, rules_by_campaign, supervise
from gongjian.supervision.models import Card
from gongjian.workdays import days

NAME = "supervise"
ORDER = 10
TARGET_SECONDS = 60.0
TARGET_RATIO = 5.0  # ≥ 5× the prefetch version
TARGET_FLOOR_RATIO = 3.0  # ≤ 3× the floor
PREFETCH_SAMPLE = 20_000


def floor_read(on) -> float:
    """Seconds to read what the run reads (open tasks' facts, projects' facts, rules, and the tickets whose SLA
    clock runs, which the run's ticket step colours), evaluating nothing."""
    started = time.perf_counter()
    facts = load_facts(on)
    rules_by_campaign({row["campaign_id"] for row, _ in facts})
    load_project_facts(on)
    for _ in clock_ticket_pages(on):
        pass
    return time.perf_counter() - started


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
    written = dict(Card.objects.on(on).values_list("task_id", "color"))
    differing = [pk for pk in task_ids if written.get(pk) != fast[pk]]
    if differing:
        pk = differing[0]
        raise Disagreement(f"the run's card colour differs from the fast evaluation's on {len(differing)} of "
                           f"{len(task_ids)} tasks (e.g. task {pk}: run {written.get(pk)}, evaluation {fast[pk]})")


def run(ctx: Context) -> dict:
    on = ctx.today
    with transaction.atomic():
        floor_seconds = floor_read(on)
        fast_seconds, colors = fast_evaluation(on)
        plain = plain_tasks(colors)
        rng = random.Random(f"{ctx.seed}:sample")
        sample = sorted(rng.sample(plain, min(ctx.sample, len(plain))))
        naive_seconds, naive = naive_evaluation(sample, on)
        prefetch_sample = sorted(rng.sample(plain, min(PREFETCH_SAMPLE, len(plain))))
        started = time.perf_counter()
        prefetched = prefetch_cards(prefetch_sample, on, days.calendar())
        prefetch_seconds = time.perf_counter() - started
        ctx.log(f"  floor {floor_seconds:.2f} s, prefetch {prefetch_seconds:.2f} s on {len(prefetch_sample)} tasks")
        # The references' model instances and prefetch caches hold reference cycles; collected now, untimed, the run
        # does not pay for them as a daily job in a fresh worker would not.
        gc.collect()
        eve = supervise(on=on - timedelta(days=1))
        ctx.log(f"  eve's run (untimed): {eve['card_rows']}")
        started = time.perf_counter()
        first = supervise(on=on)
        seconds = time.perf_counter() - started
        ctx.log(f"  first run {seconds:.2f} s: {first['colors']}, {first['notices']} notices, card rows "
                f"{first['card_rows']}")
        started = time.perf_counter()
        repeat = supervise(on=on)
        repeat_seconds = time.perf_counter() - started
        ctx.log(f"  repeat run {repeat_seconds:.2f} s")
        check_colors(colors, plain, on)
        compared = check_agreement(naive, on)
        compared_prefetch = check_agreement(prefetched, on)
        transaction.set_rollback(True)
    tasks = len(colors)
    naive_per_task = naive_seconds / len(sample) if sample else 0.0
    prefetch_per_task = prefetch_seconds / len(prefetch_sample) if prefetch_sample else 0.0
    naive_total, prefetch_total = naive_per_task * tasks, prefetch_per_task * tasks
    ratio = prefetch_total / seconds if seconds else None
    floor_ratio = seconds / floor_seconds if floor_seconds else None
    ctx.log(f"  load+evaluate {fast_seconds:.2f} s; prefetch {prefetch_per_task * 1e3:.3f} ms/task, naive "
            f"{naive_per_task * 1e3:.3f} ms/task; cards agree on {compared} naive and {compared_prefetch} prefetch")
    return {
        "seconds": round(seconds, 3),
        "repeat_seconds": round(repeat_seconds, 3),
        "floor_seconds": round(floor_seconds, 3),
        "fast_eval_seconds": round(fast_seconds, 3),
        "baseline_seconds": round(prefetch_total, 3),
        "naive_seconds": round(naive_total, 3),
        "ratio": round(ratio, 1) if ratio is not None else None,
        "floor_ratio": round(floor_ratio, 2) if floor_ratio is not None else None,
        "naive_ratio": round(naive_total / seconds, 1) if seconds else None,
        "writes_seconds": round(seconds - fast_seconds, 3),
        "tasks": tasks,
        "per_task_ms": {"full_run": round(seconds / tasks * 1e3, 4) if tasks else None,
                        "floor": round(floor_seconds / tasks * 1e3, 4) if tasks else None,
                        "prefetch": round(prefetch_per_task * 1e3, 4), "naive": round(naive_per_task * 1e3, 4)},
        "sample": {"naive": len(sample), "prefetch": len(prefetch_sample)},
        "agreement": f"run colours equal the fast evaluation's on all {len(plain)} plain tasks; naive cards equal "
                     f"the run's on {compared} sampled tasks, prefetch cards on {compared_prefetch}",
        "colors": first["colors"],
        "card_rows": {"eve": eve["card_rows"], "first": first["card_rows"], "repeat": repeat["card_rows"]},
        "notices": {"first": first["notices"], "repeat": repeat["notices"]},
        "target": f"≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_FLOOR_RATIO:.0f}× the floor, ≥ {TARGET_RATIO:.0f}× faster "
                  "than the prefetch version (province, PostgreSQL)",
        "met": (seconds <= TARGET_SECONDS and ratio is not None and ratio >= TARGET_RATIO
                and floor_ratio is not None and floor_ratio <= TARGET_FLOOR_RATIO),
        "note": "ratio = prefetch version's load+evaluate (no writes, extrapolated per task) ÷ the full run (with "
                "writes); floor = the run's bulk reads with no evaluation; the timed run is today's after yesterday's "
                "(untimed, same transaction), so it writes only what changed overnight; run inside a rolled-back "
                "transaction",
    }
