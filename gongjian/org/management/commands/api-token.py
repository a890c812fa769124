from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gongjian.errors import UserError
from gongjian.org.services import token_create


class Command(BaseCommand):
    help = "为用户生成新的 API 令牌并打印（只显示这一次；数据库只保存其摘要）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行生成")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{username}")
        try:
            _, secret = token_create(actor=None, user=user, name=name)
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(secret)
