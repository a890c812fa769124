from django.core.management.base import BaseCommand, CommandError

from gongjian.errors import UserError
from gongjian.frontline import services
from gongjian.frontline.models import Open311Key


class Command(BaseCommand):
    help = "管理 Open311 API 密钥：create 名称 | list | revoke 前缀"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("value", nargs="?", default="")

    def handle(self, *args, **options):
        action, value = options["action"], options["value"]
        try:
            if action == "create":
                key, raw = services.open311_key_create(actor=None, name=value)
                self.stdout.write(f"已签发“{key.name}”的密钥（只显示这一次）：{raw}")
            elif action == "revoke":
                matches = list(Open311Key.objects.filter(prefix=value, revoked_at__isnull=True)) if value else []
                if len(matches) != 1:
                    raise CommandError(f"找不到唯一的在用密钥，前缀：{value}")
                services.open311_key_revoke(actor=None, key=matches[0])
                self.stdout.write(f"已停用“{matches[0].name}”的密钥。")
            else:
                for key in Open311Key.objects.all():
                    state = f"已停用 {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "使用中"
                    self.stdout.write(f"{key.prefix}…  {key.name}  {key.created_at:%Y-%m-%d}  {state}")
        except UserError as exc:
            raise CommandError(exc.message) from None
