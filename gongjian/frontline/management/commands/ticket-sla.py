import json

from django.core.management.base import BaseCommand

from gongjian import clock
from gongjian.frontline.jobs import ticket_sla_run
from gongjian.ops.cli import parse_date


class Command(BaseCommand):
    help = "工单时限亮牌：按工作日为每张在办工单亮红/黄/绿牌（同一日期可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_date, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        summary = ticket_sla_run(options["date"] or clock.today())
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(f"{summary['date']}：在办工单{summary['tickets']}张，红牌{summary['red']}、"
                              f"黄牌{summary['yellow']}、绿牌{summary['green']}，用时{summary['seconds']}秒")
