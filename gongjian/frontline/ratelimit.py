"""A small fixed-window limiter for the public forms, kept in Django's cache (per process with the default
local-memory cache, shared by all app servers with Redis).

Each client address may submit LIMIT times per WINDOW seconds per scope (10 tickets and 10 ideas per 10 minutes);
the next submission gets 429 with a Chinese message. Only submissions count, not page views."""

from __future__ import annotations

import time

from django.core.cache import cache

from gongjian.audit.middleware import client_ip

LIMIT = 10
WINDOW = 600
MESSAGE = "提交过于频繁，请10分钟后再试。紧急情况请拨打12345。"


def allow(request, scope: str, *, limit: int = LIMIT, window: int = WINDOW) -> bool:
    """Count this submission; False once the address has used up its allowance in the current window."""
    return hit(f"{scope}:{client_ip(request) or 'unknown'}", limit=limit, window=window)


def retry_after(window: int) -> int:
    """Seconds until the current window ends."""
    return max(1, int(window - time.time() % window))


def hit(identity: str, *, limit: int, window: int) -> bool:
    """Count one use by `identity` (an address, a key's digest …); False once it exceeds `limit` in this window."""
    slot = int(time.time() // window)
    key = f"ratelimit:{identity}:{slot}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
