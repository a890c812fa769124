import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongjian.audit.services import record
from gongjian.errors import UserError
from gongjian.ops.backup import restore


class Command(BaseCommand):
    help = "从备份目录恢复数据库和上传附件，并核对各表行数与校验和（恢复演练）"

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据")

    def handle(self, *args, **options):
        try:
            result = restore(Path(options["source"]), force=options["force"])
        except UserError as exc:
            raise CommandError(exc.message) from None
        record(actor=None, actor_name="cli", event="restore", changes={"source": options["source"], **result})
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if result["mismatches"]:
            raise CommandError(f"恢复后有{len(result['mismatches'])}张表与备份不一致：{', '.join(result['mismatches'])}")
