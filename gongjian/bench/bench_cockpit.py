"""The cockpit's one JSON endpoint under load: p50/p95 of `GET /cockpit/data.json` for the first campaign.

The requests go through Django's test client (the whole stack: middleware, session, access checks, the selector and
JSON encoding) against the bench database, as the first block's supervision office; the login's session and audit
rows are rolled back afterwards. A few warm-up requests are not counted. The figure to meet: p95 ≤ 0.3 s."""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from gongjian.bench.registry import Context
from gongjian.campaigns.models import Campaign

NAME = "cockpit"
ORDER = 70
REQUESTS = 50
WARM_UP = 3
TARGET_P95 = 0.3


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(ctx: Context) -> dict:
    campaign = Campaign.objects.order_by("id").first()
    user = get_user_model().objects.filter(username="bench000office").first()
    if campaign is None or user is None:
        return {"skipped": "the bench data has no campaign or no office account"}
    url = f"/cockpit/data.json?campaign={campaign.pk}"
    timings: list[float] = []
    with transaction.atomic():
        client = Client()
        client.force_login(user)
        for _ in range(WARM_UP):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        data = response.json()
        transaction.set_rollback(True)
    p95 = _percentile(timings, 0.95)
    return {
        "seconds": round(statistics.median(timings), 4), "p50": round(statistics.median(timings), 4),
        "p95": round(p95, 4), "max": round(max(timings), 4), "requests": REQUESTS,
        "requests_per_second": round(REQUESTS / sum(timings), 1),
        "cards_counted": data["colors"]["totals"]["total"]["n"], "target": "p95 ≤ 0.3 s", "met": p95 <= TARGET_P95,
        "note": f"{REQUESTS} sequential requests through Django's test client as the first block's office "
                f"(campaign {campaign.pk}), after {WARM_UP} warm-up requests",
    }
