"""The benchmarks `gongjian bench` runs, found automatically.

Contract for a benchmark module
-------------------------------
Drop a module `gongjian/bench/bench_<name>.py` that defines

    NAME = "cockpit"         # what `--only` and the JSON's "results" use; unique
    ORDER = 50               # optional: position in the run and the table (lower first; default 50)

    def run(ctx: Context) -> dict:
        ...

`run` is called in the bench's child process, against the generated bench database (never the user's), after the
data exists; `ctx` carries the scale, seed, bench day (`ctx.today`, also `clock.today()`), the naive-sample size and a
`log(text)` for progress lines. It returns a JSON-serialisable dict with at least

    "seconds"             the headline timing (float), or None when the figure is not a time (e.g. database size)

and, where they apply,

    "baseline_seconds"    the naive version of the same work, measured in the same run
    "ratio"               how many times faster than the baseline (say in "note" what exactly is compared)
    "p50", "p95"          latency percentiles in seconds
    "rows_per_second", "requests_per_second"
    "target"              the target in words, e.g. "≤ 60 s and ≥ 20× the naive version"
    "met"                 bool, whether the target is met at this scale
    "note"                one line on method or caveats
    "skipped"             a reason, instead of figures, when the benchmark cannot run here (no browser, no peer)

Anything else it returns (sizes, samples, breakdowns) is kept in the JSON. A benchmark that writes must leave the
bench database as it found it (run inside `transaction.atomic()` and `transaction.set_rollback(True)`), so that
every run measures the same data. Raise an exception to fail loudly: the whole bench run then fails.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType

from gongjian.bench.scale import Scale

PREFIX = "bench_"
DEFAULT_ORDER = 50


class UnknownBenchmark(ValueError):
    pass


@dataclass
class Context:
    scale: Scale
    seed: int
    today: date
    sample: int = 300
    generation: dict = field(default_factory=dict)
    log: Callable[[str], None] = print


def discover(package: ModuleType | None = None) -> dict[str, ModuleType]:
    """NAME → module for every `bench_*` module of `package` (default gongjian.bench), in run order."""
    if package is None:
        package = importlib.import_module("gongjian.bench")
    modules = [importlib.import_module(f"{package.__name__}.{m.name}")
               for m in pkgutil.iter_modules(package.__path__) if m.name.startswith(PREFIX)]
    found: dict[str, ModuleType] = {}
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", DEFAULT_ORDER), m.NAME)):
        if module.NAME in found:
            raise RuntimeError(f"two benchmarks are named {module.NAME!r}: {found[module.NAME].__name__}, "
                               f"{module.__name__}")
        found[module.NAME] = module
    return found


def select(only: list[str] | None, package: ModuleType | None = None) -> dict[str, ModuleType]:
    available = discover(package)
    if not only:
        return available
    unknown = [name for name in only if name not in available]
    if unknown:
        raise UnknownBenchmark(f"unknown benchmark {', '.join(map(repr, unknown))}; "
                               f"available: {', '.join(available)}")
    return {name: module for name, module in available.items() if name in only}


def run_selected(ctx: Context, modules: dict[str, ModuleType], *, tidy=None) -> dict[str, dict]:
    """`tidy()`, when given, runs before each benchmark, untimed (PostgreSQL: what autovacuum would have done with
    the rows the previous benchmark wrote and rolled back), after a full collection of Python's garbage."""
    results = {}
    for name, module in modules.items():
        # What the previous benchmark left for Python's cycle collector (the prefetch reference's model instances and
        # their caches) is collected now, untimed, so the next benchmark starts as a fresh request or job would.
        gc.collect()
        if tidy is not None:
            started = time.perf_counter()
            tidy()
            ctx.log(f"tidied the database in {time.perf_counter() - started:.1f} s")
        ctx.log(f"benchmark {name} …")
        started = time.perf_counter()
        result = dict(module.run(ctx))
        if "seconds" not in result and "skipped" not in result:
            raise RuntimeError(f"benchmark {name} returned no 'seconds' (see gongjian/bench/registry.py)")
        result.setdefault("seconds", None)
        result["wall_seconds"] = round(time.perf_counter() - started, 3)
        results[name] = result
        ctx.log(f"benchmark {name} done in {result['wall_seconds']:.1f} s")
    return results
