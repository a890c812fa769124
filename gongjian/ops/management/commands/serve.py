import os
import signal
import subprocess
import sys
import threading

from django.core.management.base import BaseCommand

STOP_GRACE_SECONDS = 10


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# One single-threaded (sync) gunicorn process per core and one more, so that a request waiting on the database or an
# identity provider does not idle a core. Measured on the 2-core county server with 16 clients (README, benchmarks),
# 2 processes × 4 threads (gthread) served as many requests but with twice the p99: a gthread process accepts
# connections ahead of its free threads, so some requests queue behind a busy process while the other is idle.
# Sync workers need a buffering proxy in front (nginx, docs/deploy.md).
DEFAULT_WEB_WORKERS = _cores() + 1
DEFAULT_THREADS = 1
# A sync worker is restarted when one request runs longer than this (gunicorn's default is 30 s); the slowest pages
# (a province's monthly bulletin, a large export) take a few seconds.
REQUEST_TIMEOUT_SECONDS = 120


class Command(BaseCommand):
    help = "启动网页服务（gunicorn）和后台任务进程，Ctrl-C 或 SIGTERM 同时停止"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=DEFAULT_WEB_WORKERS,
                            help=f"gunicorn 进程数（默认 {DEFAULT_WEB_WORKERS}：CPU 核数加一）")
        parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                            help=f"每个进程的线程数（默认 {DEFAULT_THREADS}）")
        parser.add_argument("--no-worker", action="store_true", help="只启动网页服务")

    def handle(self, *args, **options):
        web = [
            sys.executable, "-m", "gunicorn", "gongjian.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["web_workers"]), "--threads", str(options["threads"]),
            "--timeout", str(REQUEST_TIMEOUT_SECONDS),
            "--access-logfile", "-",
        ]
        # Without a handler SIGTERM (systemd, docker, a supervisor) kills this process at once and leaves gunicorn
        # and the worker running, still holding the port and the job queue.
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda *_: stop.set())
        processes = [subprocess.Popen(web)]  # noqa: S603 - fixed argv, no shell
        if not options["no_worker"]:
            processes.append(subprocess.Popen([sys.executable, "-m", "gongjian.cli", "worker"]))  # noqa: S603
        try:
            while not stop.is_set() and all(p.poll() is None for p in processes):
                stop.wait(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in processes:
                try:
                    p.wait(timeout=STOP_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
