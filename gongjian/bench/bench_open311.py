"""Open311 intake throughput: form-encoded `POST /open311/v2/requests.json` against the app under gunicorn on loopback.

The app runs as deployed (`gongjian serve --no-worker` with its default workers and threads, no debug; web.py) in a
subprocess, on a copy of the bench database (SQLite's backup API), so that the tickets and audit rows the POSTs write
never touch the bench data. A few warm-up requests are not counted; then CLIENTS clients of the HTTP benchmarks' asyncio loader (web.py: a
connection per request, as behind nginx) send up to REQUESTS requests, for at most MAX_SECONDS. Every request must
answer 200 with a service_request_id; the figure is requests per second over the measured ones, with p50/p95/p99
latency, and the copy must hold exactly as many new tickets.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.utils import timezone

from gongjian.bench import web
from gongjian.bench.registry import Context
from gongjian.frontline.models import Category
from gongjian.frontline.services import key_hash

NAME = "open311"
ORDER = 80
REQUESTS = 2000
MAX_SECONDS = 60.0
CLIENTS = 8
WARM_UP = 16
TARGET = 300.0
KEY = "bench-open311-key"
DESCRIPTIONS = ["路灯不亮已经一周了，晚上出门不安全", "小区门口垃圾清运不及时，异味很大", "路面有坑，电动车经常摔倒",
                "夜间施工噪音扰民，影响休息", "农贸市场周边占道经营，交通拥堵"]


def run(ctx: Context) -> dict:
    if connection.vendor != "sqlite":
        return {"skipped": "needs the SQLite bench database (it is copied so that the POSTs leave it untouched)"}
    code = Category.objects.filter(is_active=True, attributes__isnull=True).values_list("code", flat=True).first()
    if code is None:
        return {"skipped": "no ticket category without required attributes in the bench data"}
    with tempfile.TemporaryDirectory(prefix="gongjian-open311-") as tmp:
        copy = Path(tmp) / "open311.sqlite3"
        started = time.perf_counter()
        _copy_database(copy)
        before = _prepare(copy)
        ctx.log(f"  copied the bench database in {time.perf_counter() - started:.1f} s")
        # Throughput, not the rate limiter, is measured: one key from one address sends every request.
        limits = {"OPEN311_RATE_PER_ADDRESS": "1000000", "OPEN311_RATE_PER_KEY": "1000000"}
        with web.app_server(ctx, database_url=f"sqlite:///{copy}", env=limits) as port:
            _post(port, code, WARM_UP, 2, 30.0)
            result = _post(port, code, REQUESTS, CLIENTS, MAX_SECONDS)
        created = _count(copy) - before - WARM_UP
    served = result["requests"] - result["errors"]
    errors = result["errors"] + abs(created - served)  # a 200 that wrote no ticket is an error too
    ctx.log(f"  {served} POSTs in {result['seconds']:.2f} s: {result['rps']:.0f}/s, {errors} errors, "
            f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms")
    return {
        **result,
        "errors": errors,
        "tickets_created": created,
        "requests_per_second": result["rps"],
        "target": f"≥ {TARGET:.0f} POST/s with 0 errors",
        "met": result["rps"] >= TARGET and errors == 0,
        "note": f"{web.server_config()}, {CLIENTS} asyncio clients on loopback, a connection per request, same "
                "machine; form-encoded POST with api_key, location and description; a copy of the bench database",
    }


def _copy_database(target: Path) -> None:
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode=WAL")
    finally:
        destination.close()
        source.close()


def _prepare(path: Path) -> int:
    """Issue the bench's API key in the copy; return how many tickets it holds."""
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO frontline_open311key (name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?)",
                   ("gongjian bench", KEY[:8], key_hash(KEY), timezone.now().isoformat()))
    return _count(path)


def _count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM frontline_ticket").fetchone()[0]


def _post(port: int, code: str, count: int, clients: int, max_seconds: float) -> dict:
    def body(i: int) -> bytes:
        return urlencode({"api_key": KEY, "service_code": code, "lat": f"{36.85 + (i % 97) / 10000:.6f}",
                          "long": f"{120.50 + (i % 89) / 10000:.6f}", "description": DESCRIPTIONS[i % len(DESCRIPTIONS)],
                          "device_id": f"bench-{i}"}).encode()

    return web.load(port, "/open311/v2/requests.json", clients=clients, requests=count, max_seconds=max_seconds,
                    method="POST", body=body, content_type="application/x-www-form-urlencoded",
                    expect=b"service_request_id")
