import json

from django.core.management.base import BaseCommand, CommandError

from gongjian.audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链；发现篡改或缺失时以非零状态退出"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        result = audit_verify()
        if options["json"]:
            self.stdout.write(json.dumps({"ok": result.ok, "checked": result.checked, "message": result.message},
                                         ensure_ascii=False))
        if not result.ok:
            raise CommandError(result.message)
        if not options["json"]:
            self.stdout.write(result.message)
