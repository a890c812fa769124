import signal
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网页服务（gunicorn）和后台任务进程，Ctrl-C 同时停止"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="只启动网页服务")

    def handle(self, *args, **options):
        web = [
            sys.executable, "-m", "gunicorn", "gongjian.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["web_workers"]), "--threads", "4", "--access-logfile", "-",
        ]
        processes = [subprocess.Popen(web)]  # noqa: S603 - fixed argv, no shell
        if not options["no_worker"]:
            processes.append(subprocess.Popen([sys.executable, "-m", "gongjian.cli", "worker"]))  # noqa: S603
        try:
            while all(p.poll() is None for p in processes):
                try:
                    processes[0].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in processes:
                p.wait(timeout=10)
