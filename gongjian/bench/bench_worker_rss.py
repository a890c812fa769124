"""Start-up cost of our processes: a `gongjian worker`'s resident memory once it is up and idle, a gunicorn web
worker's after it has served /healthz, and the wall time of `gongjian --help`.

The job worker runs against the bench database with its own throw-away queue directory and no Redis, and is stopped
after the measurement; it starts at no scheduled minute (each job runs at a fixed early-morning minute) unless a bench
is run exactly then. Resident memory is VmRSS from /proc, summed over the process and its children."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

from gongjian.bench import web
from gongjian.bench.registry import Context

NAME = "worker_rss_mb"
ORDER = 85
TARGET_MB = 150.0
TARGET_HELP_SECONDS = 1.0
SETTLE_SECONDS = 8.0


def rss_mb(pid: int) -> float:
    """VmRSS of a process and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
        todo.extend(int(c) for c in children)
    return total / 1024


def _env(tmp: str, ctx: Context) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update({"GONGJIAN_VAR_DIR": tmp, "GONGJIAN_TODAY": ctx.today.isoformat(),
                "DJANGO_SETTINGS_MODULE": "gongjian.settings"})
    return env


def _help_seconds(env: dict) -> tuple[float, float]:
    """Best of three: (wall seconds, CPU seconds) of `gongjian --help`; the CPU time says what a busy machine's
    wall time hides."""
    timings, cpu = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gongjian.cli", "--help"], env=env, cwd=settings.BASE_DIR,  # noqa: S603
                       capture_output=True, check=True, timeout=60)
        timings.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(timings), min(cpu)


def run(ctx: Context) -> dict:
    if not Path("/proc/self/status").exists():
        return {"skipped": "reads resident memory from /proc"}
    with tempfile.TemporaryDirectory(prefix="gongjian-worker-") as tmp:
        env = _env(tmp, ctx)
        worker = subprocess.Popen([sys.executable, "-m", "gongjian.cli", "worker"], env=env,  # noqa: S603
                                  cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(SETTLE_SECONDS)
            if worker.poll() is not None:
                raise RuntimeError(f"gongjian worker exited with {worker.returncode}")
            worker_mb = rss_mb(worker.pid)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        help_seconds, help_cpu = _help_seconds(env)
    with web.app_server(ctx, web_workers=1) as port:
        web_mb = _served_rss(port)
    ctx.log(f"  worker {worker_mb:.0f} MB, web {web_mb:.0f} MB, --help {help_seconds:.2f} s")
    return {
        "seconds": round(help_seconds, 3), "value": round(worker_mb, 1), "web_worker_mb": round(web_mb, 1),
        "help_seconds": round(help_seconds, 3), "help_cpu_seconds": round(help_cpu, 3),
        "target": f"worker ≤ {TARGET_MB:.0f} MB, gongjian --help ≤ {TARGET_HELP_SECONDS:.0f} s",
        "met": worker_mb <= TARGET_MB and help_seconds <= TARGET_HELP_SECONDS,
        "note": f"VmRSS of `gongjian worker` {SETTLE_SECONDS:.0f} s after start (process and children); web: "
                "one gunicorn worker of `gongjian serve --no-worker --web-workers 1` after one /healthz; "
                "--help: best of 3 wall times",
    }


def _served_rss(port: int) -> float:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/healthz")
    conn.getresponse().read()
    masters = _pids_on_port(port)
    workers = [int(c) for pid in masters for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return max((rss_mb(pid) for pid in workers), default=0.0)


def _pids_on_port(port: int) -> list[int]:
    """gunicorn master processes whose command line binds `port` (the master's tree holds its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"gunicorn" in b" ".join(command) and f"127.0.0.1:{port}".encode() in command:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            parent_cmd = Path(f"/proc/{parent}/cmdline").read_bytes() if Path(f"/proc/{parent}").exists() else b""
            if b"gunicorn" not in parent_cmd:
                found.append(int(entry.name))
    return found
