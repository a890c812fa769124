import json

from django.core.management.base import BaseCommand

from gongjian import clock
from gongjian.ops.cli import parse_date
from gongjian.supervision.jobs import supervise


class Command(BaseCommand):
    help = "每日督查：按规则为每项在办任务亮牌、升级督办、升级超期要素保障事项（同一日期可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_date, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        summary = supervise(on=options["date"] or clock.today())
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            c = summary["colors"]
            self.stdout.write(f"{summary['date']}：红牌{c['red']}、黄牌{c['yellow']}、绿牌{c['green']}，"
                              f"新下发通知{summary['notices']}份，用时{summary['seconds']}秒")
