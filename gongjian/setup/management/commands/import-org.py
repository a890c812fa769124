import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gongjian.errors import UserError
from gongjian.setup.orgsheet import import_org


class Command(BaseCommand):
    help = "导入单位和人员（.xlsx，「单位」「人员」两张表）：任何一处有误则不写入，并列出每个错误的表、行、列和原因"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", default="sysadmin", help="以哪个用户的名义导入（记入审计）")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        actor = get_user_model().objects.filter(username=options["user"]).first()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            result = import_org(actor=actor, data=path.read_bytes(), commit=not options["dry_run"])
        except UserError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"ok": False, "errors": [
                    {"sheet": "", "row": 0, "column": "", "letter": "", "message": exc.message}]}, ensure_ascii=False))
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            for message in result.messages():
                self.stdout.write(message)
            summary = f"单位{result.units}行，人员{result.people}行，"
            if result.errors:
                summary += f"{len(result.errors)}处错误，未导入"
            elif options["dry_run"]:
                summary += "校验通过（试运行，未写入）"
            else:
                summary += (f"新增单位{result.created_units}个、更新{result.updated_units}个，"
                            f"新增人员{result.created_people}人、更新{result.updated_people}人")
            self.stdout.write(summary)
        if result.errors:
            raise CommandError("表格有误，未导入任何数据")
