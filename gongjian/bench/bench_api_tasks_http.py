"""The 50-row task API page (`GET /api/v1/tasks/?limit=50`) over HTTP through `gongjian serve`, 16 and 64 clients,
beside /healthz and the plain 50-row ORM JSON view (the same rows with no DRF), same loader, same run (web.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from gongjian.bench.bench_cockpit_http import measure
from gongjian.bench.registry import Context

NAME = "api_tasks_http"
ORDER = 72
TARGET_SHARE = 0.5


def run(ctx: Context) -> dict:
    user = get_user_model().objects.filter(username="bench000office").first()
    if user is None:
        return {"skipped": "the bench data has no office account"}
    return measure(ctx, user, "/api/v1/tasks/?limit=50", TARGET_SHARE, "orm") | {
        "target": f"16 clients: ≥ {TARGET_SHARE:.0%} of the plain ORM view's req/s"}
