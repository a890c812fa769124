"""The cockpit JSON over HTTP through `gongjian serve` (gunicorn), 16 and 64 concurrent clients, beside /healthz and
a plain 50-row ORM JSON view measured by the same loader in the same run (web.py).

The account is the first block's supervision office; its session is written into the bench database and deleted
afterwards. The cockpit is cached per supervision run, so after the first request this measures the cached path —
what users get all day after the morning's run; the first (cold) request's time is reported beside it."""

from __future__ import annotations

import http.client
import time

from django.contrib.auth import get_user_model

from gongjian.bench import web
from gongjian.bench.registry import Context
from gongjian.campaigns.models import Campaign

NAME = "cockpit_http"
ORDER = 71
REQUESTS = web.requests_per_cell(2000)
MAX_SECONDS = 20.0
TARGET_SHARE = 0.5
TARGET_P99_MS = 100.0


def run(ctx: Context) -> dict:
    campaign = Campaign.objects.order_by("id").first()
    user = get_user_model().objects.filter(username="bench000office").first()
    if campaign is None or user is None:
        return {"skipped": "the bench data has no campaign or no office account"}
    path = f"/cockpit/data.json?campaign={campaign.pk}"
    return measure(ctx, user, path, TARGET_SHARE, "healthz", cold=True) | {
        "target": f"16 clients: ≥ {TARGET_SHARE:.0%} of /healthz req/s and p99 ≤ {TARGET_P99_MS:.0f} ms"}


def measure(ctx: Context, user, path: str, share: float, against: str, *, cold: bool = False) -> dict:
    with web.bench_session(user) as cookie, web.app_server(ctx) as port:
        cold_seconds = None
        if cold:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Accept": "application/json"})
            response = conn.getresponse()
            response.read()
            cold_seconds = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
        levels = web.compare(port, path, cookie, requests=REQUESTS, max_seconds=MAX_SECONDS, log=ctx.log)
    at16 = levels["16"]
    target, ceiling, orm = at16["target"], at16["healthz"], at16["orm"]
    errors = sum(v["errors"] for level in levels.values() for v in level.values())
    base = ceiling if against == "healthz" else orm
    met = errors == 0 and target["rps"] >= share * base["rps"]
    if against == "healthz":
        met = met and target["p99_ms"] is not None and target["p99_ms"] <= TARGET_P99_MS
    return {
        "seconds": round(target["p50_ms"] / 1e3, 4) if target["p50_ms"] else None,
        "rps": target["rps"], "p50_ms": target["p50_ms"], "p95_ms": target["p95_ms"], "p99_ms": target["p99_ms"],
        "ceiling_rps": ceiling["rps"], "orm_rps": orm["rps"],
        "share_of_ceiling": round(target["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None,
        "share_of_orm": round(target["rps"] / orm["rps"], 3) if orm["rps"] else None,
        "cold_first_request_seconds": round(cold_seconds, 3) if cold_seconds is not None else None,
        "errors": errors, "levels": levels, "met": met,
        "note": f"{web.server_config()}, asyncio loader, a connection per request, on the same machine, ≤ {REQUESTS} requests or {MAX_SECONDS:.0f} s per cell; "
                "headline figures at 16 clients, 64 in levels",
    }
