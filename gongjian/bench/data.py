"""Reproducible synthetic data for `gongjian bench`: the same scale and seed give the same rows, every time.

What is generated (per county-sized block of 80 units, see scale.py), as of `clock.today()` (the bench sets
GONGJIAN_TODAY=2023-09-15):
- units of every kind (leadership and its supervision office, 8 towns, 3 streets, a development zone, 6 task forces,
  60 departments), 8 city leaders, a supervision-office account and a liaison account per town and department;
- one 2023 campaign with 6 focus areas and, for most blocks, a campaign rule override; one general rule row;
- tasks: a mix of statuses (draft, assigned, in progress, completed, suspended, cancelled), deadlines through the
  year (some overdue, some due within days), co-units, task forces, leaders, 25 % hot tasks (一周一反馈);
- 5 weighted milestones per task with planned dates; done dates follow the task's pace (ahead, on track, slipping,
  late, stalled), so some are done early, some late and some not at all;
- monthly reporting periods January–August and weekly ones for hot tasks; about 12 reports per task in every state
  (approved, submitted, returned once or twice, draft, corrected), with some months missing;
- blockers (some overdue, some due yesterday so that today's run escalates them) and a few card overrides;
- yesterday's supervision run, so that today's run works on a realistic state (cards, the escalation ladder, notices).

Rows are written in one transaction (on SQLite with `synchronous=OFF` while generating): bulk_create for the small
tables, executemany (blocks.insert_rows) for milestones and reports; then ANALYZE, so the planner has statistics. A
single audit event, `bench.generate`, records the marker (scale, seed, today, generator versions), the row counts
and a checksum. `ensure_data` reuses a database whose marker matches and regenerates otherwise.

Hook for other modules
----------------------
Other apps add their bench data (projects, tickets, …) by dropping a module `gongjian/bench/populate_<name>.py`:

    VERSION = 1  # optional; bump it when the data it makes changes, so stored bench databases are regenerated

    def populate(scale: Scale, seed: int, log) -> dict:
        '''Add this module's rows; return {table_name: rows_created}.'''

Populators are found with pkgutil and called after the core data, in module-name order, inside the generation's
transaction, before ANALYZE and yesterday's supervision run. They must be deterministic for `seed` (use
`random.Random(f"{seed}:<name>")`), write in bulk (bulk_create with large batches, or blocks.insert_rows for
hundreds of thousands of rows), write no audit rows (the generation records
one event) and size themselves from `scale` (`scale.projects`, `scale.tickets`, `scale.blocks`). `log(text)` prints a
progress line. What they can rely on: `Campaign.objects.order_by("id")` is one campaign per block (block i is the
i-th), each block's units share the campaign's city prefix (`Unit.name`), its liaison accounts are
`bench<block:03d>u<nn>` and its supervision-office account `bench<block:03d>office`; `clock.today()` is the bench day.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import pkgutil
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from types import ModuleType

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from gongjian import clock
from gongjian.audit.models import AuditEvent
from gongjian.audit.services import record
from gongjian.bench import names
from gongjian.bench.blocks import BlockGenerator, World
from gongjian.bench.scale import Scale
from gongjian.campaigns.models import Milestone, Task
from gongjian.dispatch.models import ProgressReport
from gongjian.org.models import Unit
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Rule
from gongjian.workdays import days

GENERATOR_VERSION = 2
MARKER_EVENT = "bench.generate"
POPULATE_PREFIX = "populate_"

Log = Callable[[str], None]


class BenchDataError(Exception):
    """The bench database cannot be used: it holds data the bench did not generate."""


# --- markers and reuse ------------------------------------------------------------------------------------------

def populators(package: ModuleType | None = None) -> list[ModuleType]:
    """The `populate_*` modules of `package` (default gongjian.bench), in name order."""
    if package is None:
        package = importlib.import_module("gongjian.bench")
    found = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith(POPULATE_PREFIX))
    return [importlib.import_module(f"{package.__name__}.{name}") for name in found]


def marker(scale: Scale, seed: int, today: date) -> dict:
    return {
        "scale": scale.name, "seed": seed, "today": today.isoformat(), "generator": GENERATOR_VERSION,
        "populators": {m.__name__.rsplit(".", 1)[-1]: getattr(m, "VERSION", 1) for m in populators()},
    }


def stored_generation() -> dict | None:
    event = AuditEvent.objects.filter(event=MARKER_EVENT).order_by("-seq").first()
    return event.changes if event is not None else None


def database_is_empty() -> bool:
    return not (Unit.objects.exists() or Task.objects.exists() or get_user_model().objects.exists())


def ensure_data(scale: Scale, seed: int, log: Log, *, fresh: bool = False, owned: bool = False,
                reset: Callable[[], None] | None = None) -> dict:
    """Generate the data unless the database already holds exactly this scale, seed and day.

    Returns {"reused", "seconds", "counts", "checksum", "marker"}. `reset` empties the database (default: flush);
    it is only called on a database the bench generated, or on one the bench owns (its own SQLite file)."""
    wanted = marker(scale, seed, clock.today())
    stored = stored_generation()
    if stored is not None and stored.get("marker") == wanted and not fresh:
        log(f"reusing the generated {scale.name} data (seed {seed}, generated in {stored['seconds']:.1f} s)")
        return {**stored, "reused": True}
    if not database_is_empty():
        if stored is None and not owned:
            raise BenchDataError("the bench database holds data that gongjian bench did not generate; "
                                 "refusing to overwrite it (point --database-url at an empty database)")
        log("emptying the bench database (" + ("--fresh" if fresh else "made for other settings") + ")")
        (reset or _flush)()
    return {**generate(scale, seed, log), "reused": False}


def _flush() -> None:
    call_command("flush", interactive=False, verbosity=0)


# --- generation -------------------------------------------------------------------------------------------------

@contextmanager
def fast_writes() -> Iterator[None]:
    """On SQLite, skip fsync while generating (a crash leaves a half-built bench file that the next run replaces),
    and afterwards fold the generation's write-ahead log into the database file, so the file is the whole database
    and the next run starts with an empty log."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("PRAGMA synchronous=NORMAL")


def generate(scale: Scale, seed: int, log: Log) -> dict:
    started = time.perf_counter()
    today = clock.today()
    counts: Counter[str] = Counter()
    with fast_writes(), transaction.atomic():
        world = World.build(today, days.calendar(), counts)
        Rule.objects.create(code="deadline_near", campaign=None, task_kind="", params={"days": 3})
        counts["rules"] += 1
        cities = city_names(seed, scale.blocks)
        for block in range(scale.blocks):
            BlockGenerator(world, block, cities[block], scale.tasks_per_block, random.Random(f"{seed}:{block}")).run()
            if scale.blocks < 20 or (block + 1) % 10 == 0 or block + 1 == scale.blocks:
                log(f"block {block + 1}/{scale.blocks}: {counts['tasks']:,} tasks, {counts['milestones']:,} "
                    f"milestones, {counts['reports']:,} reports ({time.perf_counter() - started:.1f} s)")
        for module in populators():
            log(f"{module.__name__}.populate …")
            counts.update(module.populate(scale, seed, log) or {})
        checksum = data_checksum()
        log("ANALYZE …")
        analyze()
        yesterday = today - timedelta(days=1)
        log(f"yesterday's supervision run ({yesterday.isoformat()}) …")
        supervise(on=yesterday)
        seconds = round(time.perf_counter() - started, 3)
        info = {"marker": marker(scale, seed, today), "seconds": seconds, "counts": dict(sorted(counts.items())),
                "checksum": checksum}
        record(actor=None, actor_name="bench", event=MARKER_EVENT, object_type="bench", object_id=scale.name,
               changes=info)
    log(f"generated {scale.name} in {seconds:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    return info


def vacuum() -> None:
    """Before each benchmark on PostgreSQL: VACUUM ANALYZE the bench's tables. Every benchmark rolls back what it wrote,
    which leaves dead rows behind; a live server's autovacuum clears them, but on a server where autovacuum is off
    they pile up, and each run on the same data was slower than the last (357,000 dead rows under 97,000 cards after
    a few province runs, and plans that scanned them all). Must run outside a transaction."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(t) for t in connection.introspection.django_table_names(
        only_existing=True, include_views=False))
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def analyze() -> None:
    """Give the query planner statistics, as any database holding a year of data would have (PostgreSQL's
    autovacuum gathers them on its own; SQLite only on ANALYZE). Without them SQLite picks the wrong index for
    per-task queries such as `task_id = ? AND period_id = ?` and the naive baseline would look slower than it is."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        # Our own tables by name: a bare ANALYZE also takes the shared catalogs (pg_authid …) and, inside the
        # generation's transaction, holds them until it commits, so every other database's ANALYZE on the server waits.
        tables = ", ".join(connection.ops.quote_name(t) for t in connection.introspection.django_table_names(
            only_existing=True, include_views=False))
        cursor.execute(f"ANALYZE {tables}")


def city_names(seed: int, blocks: int) -> list[str]:
    pairs = list(itertools.product(names.PLACE_FIRST, names.PLACE_SECOND))
    return [a + b + "市" for a, b in random.Random(f"{seed}:cities").sample(pairs, blocks)]


def data_checksum() -> str:
    """SHA-256 over some columns of every task, milestone and report, in insertion order (ids excluded)."""
    digest = hashlib.sha256()
    queries = [
        Task.objects.order_by("id").values_list("title", "status", "start", "deadline", "progress", "lead_unit__name",
                                                "is_hot"),
        Milestone.objects.order_by("id").values_list("title", "planned_date", "done_on", "weight", "order"),
        ProgressReport.objects.order_by("id").values_list("period__label", "state", "percent", "return_count",
                                                          "work_done"),
    ]
    for query in queries:
        for row in query.iterator(chunk_size=20000):
            digest.update(repr(row).encode())
    return digest.hexdigest()
