"""Battle map end to end, 5000 rows: navigation start to chart drawn, ours beside dhtmlx-gantt (gantt_e2e.py)."""

from gongjian.bench import gantt_e2e
from gongjian.bench.registry import Context

NAME = "gantt_e2e_5k"
ORDER = 31


def run(ctx: Context) -> dict:
    return gantt_e2e.run(ctx, 5_000, 0.5)
