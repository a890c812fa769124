from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongjian.errors import UserError
from gongjian.org.models import Person
from gongjian.sso.services import identity_link


class Command(BaseCommand):
    help = "登记某人在统一身份认证平台的账号标识（sub），此后可用该平台登录"

    def add_arguments(self, parser):
        parser.add_argument("username", help="平台用户名")
        parser.add_argument("subject", help="统一身份认证平台返回的 sub")
        parser.add_argument("--issuer", default="", help="身份平台地址，默认为 OIDC_ISSUER")

    def handle(self, *args, username, subject, issuer, **options):
        issuer = (issuer or settings.OIDC_ISSUER).rstrip("/")
        if not issuer:
            raise CommandError("未配置 OIDC_ISSUER，请用 --issuer 指定身份平台地址")
        person = Person.objects.filter(user__username=username).first()
        if person is None:
            raise CommandError(f"没有用户 {username}")
        try:
            identity_link(actor=None, person=person, issuer=issuer, subject=subject)
        except UserError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已登记：{person.display_name} ← {subject}")
