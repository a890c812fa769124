"""`gongjian serve` runs gunicorn and the job worker as children; stopping it (SIGTERM, as systemd or docker do)
must stop every one of them, not orphan them holding the port and the queue."""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_sigterm_stops_gunicorn_and_the_worker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "GONGJIAN_VAR_DIR": str(tmp_path / "var")})
    subprocess.run([sys.executable, "-m", "gongjian.cli", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True,
                   timeout=300)
    port = _free_port()
    serve = subprocess.Popen([sys.executable, "-m", "gongjian.cli", "serve", "--port", str(port),  # noqa: S603
                              "--web-workers", "1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while not _healthy(port):
            assert serve.poll() is None, "serve exited before answering"
            assert time.monotonic() < deadline, "serve did not answer /healthz in 90 s"
            time.sleep(0.3)
        children = _descendants(serve.pid)
        assert len(children) >= 3  # gunicorn master, its worker, the job worker
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [pid for pid in children if _alive(pid)] == []
        assert not _healthy(port)
    finally:
        for pid in {serve.pid, *children, *_descendants(serve.pid)}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
