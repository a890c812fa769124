from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules


class Command(BaseCommand):
    help = "启动后台任务进程（定时开启填报周期、提醒、每日督查）"

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args, **options):
        # Every app's scheduled jobs live in its jobs.py ("tasks" are the campaigns' tasks).
        autodiscover_modules("jobs")
        call_command("run_huey", workers=options["workers"], disable_autoload=True)
