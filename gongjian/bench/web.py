"""HTTP benchmarks' harness: `gongjian serve --no-worker` (gunicorn) on loopback against the bench database, a
session for a bench account, and a bounded load generator.

The load generator is asyncio over raw HTTP/1.1 (one process, no third-party client): CLIENTS clients each send their
next request as soon as the previous answer is read, until REQUESTS answers are in or MAX_SECONDS pass; each request
on its own connection (`Connection: close`), as behind nginx's default proxying. Every answer must be 200; anything
else counts as an error. It runs on the same 2 cores as the server, so every figure includes the loader's own cost —
which is why each target is a ratio to /healthz or to the plain ORM view measured by the same loader in the same run."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from gongjian.ops.management.commands import serve

CLIENTS = (16, 64)


def requests_per_cell(default: int) -> int:
    """GONGJIAN_BENCH_REQUESTS lowers the request count per measurement (the test suite's tiny runs)."""
    value = os.environ.get("GONGJIAN_BENCH_REQUESTS", "")
    return max(1, min(int(value), default)) if value.isdigit() else default


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_config() -> str:
    """What every HTTP benchmark runs: `gongjian serve`'s defaults on this machine, in words for the results."""
    workers, threads = serve.DEFAULT_WEB_WORKERS, serve.DEFAULT_THREADS
    kind = "sync" if threads == 1 else f"gthread × {threads} threads"
    return f"gongjian serve --no-worker: {workers} gunicorn worker{'s' if workers > 1 else ''} ({kind})"


@contextmanager
def app_server(ctx, *, web_workers: int | None = None, database_url: str | None = None,
               env: dict[str, str] | None = None):
    """`gongjian serve --no-worker` with the bench settings on a free loopback port, as deployed: its own worker and
    thread counts unless a benchmark names them; the bench database unless given another. Yields the port."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    environment.update({"DJANGO_SETTINGS_MODULE": "gongjian.bench.web_settings", "DEBUG": "false",
                        "GONGJIAN_TODAY": ctx.today.isoformat(),
                        "DATABASE_URL": database_url or os.environ["DATABASE_URL"], **(env or {})})
    command = [sys.executable, "-m", "gongjian.cli", "serve", "--no-worker", "--port", str(port)]
    if web_workers is not None:
        command += ["--web-workers", str(web_workers)]
    server = subprocess.Popen(command, env=environment, cwd=settings.BASE_DIR,  # noqa: S603 - fixed argv, no shell
                              stdout=subprocess.DEVNULL)
    try:
        wait_ready(port, server)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 90.0, what: str = "gongjian serve") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{what} exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer /healthz in time")


@contextmanager
def bench_session(user):
    """A logged-in session for `user` written straight into the bench database (no login request, so no audit row
    and no lockout state); deleted afterwards. Yields the Cookie header value."""
    store = SessionStore()
    now = time.time()
    store.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                  HASH_SESSION_KEY: user.get_session_auth_hash(), "login_at": now, "seen_at": now})
    store.set_expiry(timezone.now() + timedelta(hours=1))
    store.create()
    try:
        yield f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    finally:
        store.delete()


def load(port: int, path: str, *, clients: int, requests: int, max_seconds: float, cookie: str = "",
         method: str = "GET", body=None, content_type: str = "", expect: bytes = b"") -> dict:
    """`body(i)` gives the i-th request's body; `expect` must appear in every answer counted as served."""
    return asyncio.run(_load(port, path, clients, requests, max_seconds, cookie, method, body, content_type, expect))


async def _load(port: int, path: str, clients: int, requests: int, max_seconds: float, cookie: str,
                method: str, body, content_type: str, expect: bytes) -> dict:
    # Connection: close, as nginx speaks to its upstream by default (HTTP/1.0, no keepalive): every request is accepted
    # afresh by whichever gunicorn worker is free. Held keep-alive connections stay with the worker that accepted them,
    # and 16 of them often sat on one of the two workers, which made every figure swing with the draw.
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n"
            "Connection: close\r\n")
    if cookie:
        head += f"Cookie: {cookie}\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    stop_at = time.perf_counter() + max_seconds

    def request_bytes(i: int) -> bytes:
        if body is None:
            return (head + "\r\n").encode()
        payload = body(i)
        return (head + f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload

    async def client() -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < stop_at:
            i, issued = issued, issued + 1
            sent = time.perf_counter()
            writer = None
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                status, answer = await asyncio.wait_for(_exchange(reader, writer, request_bytes(i)), timeout=30)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors.append(repr(exc)[:120])
                continue
            finally:
                if writer is not None:
                    writer.close()
            if status == 200 and expect in answer:
                latencies.append(time.perf_counter() - sent)
            else:
                errors.append(f"HTTP {status}: {answer[:160].decode(errors='replace')}")

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - started
    return summarize(latencies, errors, seconds, clients)


async def _exchange(reader, writer, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("server closed the connection")
    status = int(status_line.split()[1])
    length, chunked = None, False
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
    if chunked:
        parts = []
        while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
            parts.append((await reader.readexactly(size + 2))[:-2])
        await reader.readline()
        return status, b"".join(parts)
    if length is not None:
        return status, await reader.readexactly(length)
    return status, await reader.read()


def percentile(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summarize(latencies: list[float], errors: list[str], seconds: float, clients: int) -> dict:
    ordered = sorted(latencies)
    return {
        "clients": clients, "requests": len(ordered) + len(errors), "errors": len(errors),
        "error_samples": sorted(set(errors))[:3], "seconds": round(seconds, 3),
        "rps": round(len(ordered) / seconds, 1) if seconds else 0.0,
        **{f"p{p}_ms": round(percentile(ordered, p / 100) * 1e3, 1) if ordered else None for p in (50, 95, 99)},
    }


def compare(port: int, target: str, cookie: str, *, requests: int, max_seconds: float, log) -> dict:
    """The target path beside /healthz and the plain ORM view, each at every CLIENTS level, in this order per level
    (ceiling, floor view, target) so that drifting machine load hits all three alike."""
    levels = {}
    for clients in CLIENTS:
        level = {}
        for name, path in (("healthz", "/healthz"), ("orm", "/bench/orm-tasks.json"), ("target", target)):
            load(port, path, clients=clients, requests=clients * 2, max_seconds=10, cookie=cookie)  # warm-up
            level[name] = load(port, path, clients=clients, requests=requests, max_seconds=max_seconds, cookie=cookie)
            log(f"  {clients} clients {path}: {level[name]['rps']} req/s, p99 {level[name]['p99_ms']} ms, "
                f"{level[name]['errors']} errors")
        levels[str(clients)] = level
    return levels
