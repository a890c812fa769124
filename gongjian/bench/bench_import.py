"""Ledger (台账) import: a generated 10,000-row .xlsx through `campaigns.ledger.import_tasks`, dry run and commit.

The rows go into a throw-away campaign inside a transaction that is rolled back, so the bench database is left as it
was. `seconds` is the committing import (read, validate, write tasks, co-units and milestones); building the file is
not timed.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from django.db import transaction

from gongjian.bench import names
from gongjian.bench.registry import Context
from gongjian.campaigns.ledger import Lookups, import_tasks
from gongjian.campaigns.models import Campaign, FocusArea
from gongjian.org.models import Unit
from gongjian.xlsx import SheetSpec, write_table

NAME = "import"
ORDER = 20
ROWS = 10_000
TARGET_RATE = 5_000  # validated rows per second, read + validate + write


def ledger_bytes(lookups: Lookups, rows: int, rng: random.Random) -> bytes:
    units = sorted(name for name, unit in lookups.units.items() if unit.kind != Unit.Kind.LEADERSHIP)
    leaders = sorted(lookups.leaders)
    areas = sorted(lookups.areas)
    task_forces = sorted(lookups.task_forces)

    def row(n: int) -> dict:
        area = rng.choice(areas)
        lead = rng.choice(units)
        deadline = date(2023, rng.choice([6, 9, 12]), 30)
        start = date(2023, 2, 1) + timedelta(days=rng.randrange(90))
        steps = rng.randint(3, 5)
        span = (deadline - start).days
        return {
            "focus_area": area, "title": f"{rng.choice(names.TASK_VERBS)}{rng.choice(names.TASK_OBJECTS[area])}（{n}）",
            "description": rng.choice(names.WORK_DONE), "source": "年度攻坚",
            "lead_leader": rng.choice(leaders) if leaders else "", "lead_unit": lead,
            "co_units": "、".join(u for u in rng.sample(units, 3) if u != lead),
            "task_force": rng.choice(task_forces) if task_forces and rng.random() < 0.1 else "",
            "start": start, "deadline": deadline, "indicator": "完成投资", "indicator_unit": "亿元",
            "target_value": rng.randint(1, 50), "is_hot": "否",
            "milestones": "；".join(f"{names.MILESTONES[j]}@{(start + timedelta(days=span * (j + 1) // steps)).isoformat()}"
                                   for j in range(steps)),
        }

    return write_table([SheetSpec(title="任务台账", columns=lookups.columns(), rows=(row(n) for n in range(1, rows + 1)),
                                  dropdowns=False)])


def run(ctx: Context) -> dict:
    rng = random.Random(f"{ctx.seed}:ledger")
    with transaction.atomic():
        campaign = Campaign.objects.create(name="基准测试·台账导入（临时）", year=2023, start=date(2023, 1, 28),
                                           end=date(2023, 12, 31))
        FocusArea.objects.bulk_create([FocusArea(campaign=campaign, title=t, order=i)
                                       for i, t in enumerate(names.FOCUS_AREAS)])
        data = ledger_bytes(Lookups.for_campaign(campaign), ROWS, rng)
        ctx.log(f"  ledger of {ROWS:,} rows: {len(data) / 1e6:.1f} MB")
        started = time.perf_counter()
        dry = import_tasks(actor=None, campaign=campaign, data=data, commit=False)
        dry_seconds = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        result = import_tasks(actor=None, campaign=campaign, data=data, commit=True)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        if dry.errors or result.errors or result.created != ROWS:
            raise RuntimeError(f"the generated ledger did not import cleanly: {result.as_dict()['errors'][:3]}")
        transaction.set_rollback(True)
    ctx.log(f"  dry run {dry_seconds:.2f} s, import {seconds:.2f} s")
    return {
        "seconds": round(seconds, 3),
        "dry_run_seconds": round(dry_seconds, 3),
        "rows": ROWS,
        "rows_per_second": round(ROWS / seconds),
        "cpu_seconds": round(cpu_seconds, 3),
        "rows_per_cpu_second": round(ROWS / cpu_seconds) if cpu_seconds else None,
        "file_bytes": len(data),
        "units_to_choose_from": len(Lookups.for_campaign(None).units),
        "target": f"≥ {TARGET_RATE:,} validated rows/s",
        "met": ROWS / seconds >= TARGET_RATE,
        "note": "import_tasks(commit=True) on a generated ledger into a throw-away campaign, rolled back; wall time "
                "(rows_per_second) and this process's CPU time (rows_per_cpu_second, what a busy machine hides)",
    }
