import json

from django.core.management.base import BaseCommand

from gongjian import clock
from gongjian.dispatch.jobs import remind
from gongjian.ops.cli import parse_date


class Command(BaseCommand):
    help = "向未按时填报的单位发送提醒（同一周期同一类提醒只发一次）"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_date, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        result = remind(on=options["date"] or clock.today())
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(f"已提醒{result['sent']}个单位" + (f"：{'、'.join(result['units'])}" if result["units"] else ""))
