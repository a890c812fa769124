import json

from django.core.management.base import BaseCommand

from gongjian import clock
from gongjian.dispatch.jobs import open_periods
from gongjian.ops.cli import parse_date


class Command(BaseCommand):
    help = "开启调度周期（本月、上月，以及有一周一反馈任务时的本周）"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_date, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        result = open_periods(on=options["date"] or clock.today())
        if options["json"]:
            self.stdout.write(json.dumps({"periods": [p.label for p in result]}, ensure_ascii=False))
        else:
            self.stdout.write("已开启：" + "、".join(p.title for p in result))
