from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动后台任务进程（定时开启填报周期、提醒、每日督查）"

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args, **options):
        call_command("run_huey", workers=options["workers"])
