from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "攻坚不使用超级用户：请用 gongjian init 创建三员账户"

    def add_arguments(self, parser):
        # Accept Django's options so that scripts written for createsuperuser get this message, not a usage error.
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("--database")

    def handle(self, *args, **options):
        raise CommandError(
            "攻坚不设超级用户：超级用户没有所属单位和人员档案，不能登录，也违反三员分立。"
            "新安装请运行 gongjian init --unit 本级政府名称 创建系统、安全、审计管理员；"
            "已初始化的，请由安全管理员在“用户与角色”页面创建账户。"
        )
