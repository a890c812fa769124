import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from gongjian.errors import UserError
from gongjian.workdays import days
from gongjian.workdays.services import workday_override_set


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"不是有效日期（YYYY-MM-DD）：{text}") from None


class Command(BaseCommand):
    help = "工作日历：check DATE | add DATE N | between A B | set DATE holiday|workday NOTE"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check")
        check.add_argument("date")
        check.add_argument("--json", action="store_true")
        add = sub.add_parser("add")
        add.add_argument("date")
        add.add_argument("n", type=int)
        add.add_argument("--json", action="store_true")
        between = sub.add_parser("between")
        between.add_argument("a")
        between.add_argument("b")
        between.add_argument("--json", action="store_true")
        setter = sub.add_parser("set")
        setter.add_argument("date")
        setter.add_argument("kind", choices=["holiday", "workday"])
        setter.add_argument("note")

    def handle(self, *args, action, **options):
        if action == "check":
            info = days.info(_date(options["date"]))
            payload = {"date": info.date.isoformat(), "workday": info.workday, "reason": info.reason}
            text = f"{info.date} {'工作日' if info.workday else '休息日'}（{info.reason}）"
        elif action == "add":
            start = _date(options["date"])
            result = days.add(start, options["n"])
            payload = {"date": start.isoformat(), "n": options["n"], "result": result.isoformat()}
            text = f"{start} 加 {options['n']} 个工作日 = {result}"
        elif action == "between":
            a, b = _date(options["a"]), _date(options["b"])
            count = days.between(a, b)
            payload = {"from": a.isoformat(), "to": b.isoformat(), "workdays": count}
            text = f"{a} 至 {b}：{count} 个工作日"
        else:
            try:
                override = workday_override_set(
                    actor=None, day=_date(options["date"]), is_workday=options["kind"] == "workday", note=options["note"]
                )
            except UserError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"已设置：{override}")
            return
        self.stdout.write(json.dumps(payload, ensure_ascii=False) if options.get("json") else text)
