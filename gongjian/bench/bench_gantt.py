"""Battle-map progress view: first render of 5,000 and 50,000 rows, ours beside dhtmlx-gantt, in Chromium.

gantt_bench.py does the measuring in headless Chromium; it needs no database. Skipped, with the reason, where there
is no Chromium, no Playwright or no dhtmlx-gantt in the project's node_modules."""

from __future__ import annotations

from gongjian.bench.gantt_bench import measure_gantt
from gongjian.bench.registry import Context

NAME = "gantt"
ORDER = 30
TARGETS = {5000: 0.5, 50000: 1.5}
PEER = "dhtmlx-gantt"


def run(ctx: Context) -> dict:
    try:
        result = measure_gantt(tuple(TARGETS), peer=PEER, seed=ctx.seed)
    except RuntimeError as exc:
        return {"skipped": str(exc)}
    ours, peer = result["ours"], result["peer"]
    small, large = sorted(TARGETS)
    return {
        "seconds": round(ours[small], 3),
        "baseline_seconds": round(peer[small], 3),
        "ratio": round(peer[small] / ours[small], 1) if ours[small] else None,
        "rows": {str(n): {"ours": round(ours[n], 3), "peer": round(peer[n], 3),
                          "ratio": round(peer[n] / ours[n], 1) if ours[n] else None,
                          "json_bytes": result["json_bytes"][n]} for n in TARGETS},
        "peer": result["peer_name"],
        "browser": result["browser"],
        "target": " and ".join(f"{n:,} rows ≤ {s} s" for n, s in TARGETS.items()),
        "met": all(ours[n] <= s for n, s in TARGETS.items()),
        "note": f"median first render of {small:,} rows (ours vs {result['peer_name']}); "
                f"{large:,} rows: ours {ours[large]:.3f} s, peer {peer[large]:.3f} s",
    }
