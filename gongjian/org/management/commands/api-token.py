from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from gongjian.audit.services import record


class Command(BaseCommand):
    help = "打印（必要时生成）用户的 API 令牌"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{username}")
        with transaction.atomic():
            token, created = Token.objects.get_or_create(user=user)
            if created:
                record(actor=None, actor_name="cli", event="api_token.create", obj=user)
        self.stdout.write(token.key)
