"""The one `import-…-ledger` command shape shared by the task and project ledgers."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gongjian.campaigns.models import Campaign
from gongjian.errors import UserError


class LedgerImportCommand(BaseCommand):
    """Subclasses set `importer` (keyword-only: actor, campaign, data, commit → result with rows, created, errors,
    as_dict()) and `noun` (what a row becomes, e.g. "项任务")."""

    noun = "项"

    @staticmethod
    def importer(**kwargs):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--campaign", type=int, help="攻坚行动ID（缺省为最新一个）")
        parser.add_argument("--user", default="office", help="以哪个用户的名义导入（记入审计）")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        campaign = (Campaign.objects.filter(pk=options["campaign"]).first() if options["campaign"]
                    else Campaign.objects.order_by("routine", "-year", "-id").first())
        if campaign is None:
            raise CommandError("找不到攻坚行动，请用 --campaign 指定")
        actor = get_user_model().objects.filter(username=options["user"]).first()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            result = self.importer(actor=actor, campaign=campaign, data=path.read_bytes(),
                                   commit=not options["dry_run"])
        except UserError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"ok": False, "rows": 0, "created": 0, "errors": [
                    {"row": 0, "column": "", "letter": "", "message": exc.message}]}, ensure_ascii=False))
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            for e in result.errors:
                self.stdout.write(e.message if e.row == 0 else f"第{e.row}行 {e.letter}列「{e.column}」：{e.message}")
            done = "校验通过（试运行，未写入）" if options["dry_run"] else f"已导入{result.created}{self.noun}"
            self.stdout.write(f"共{result.rows}行，" + (f"{len(result.errors)}处错误，未导入" if result.errors else done))
        if result.errors:
            raise CommandError("台账有误，未导入任何数据")
