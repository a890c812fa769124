import json

from django.core.management.base import BaseCommand, CommandError

from gongjian.errors import UserError
from gongjian.org.models import Role
from gongjian.setup.services import ADMINS, initialize


class Command(BaseCommand):
    help = "在空数据库上创建本级政府（顶级单位）和三员账户（系统、安全、审计管理员），打印一次性密码"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="本级政府名称，如“某某县人民政府”")
        parser.add_argument("--json", action="store_true", help="以JSON输出账户和一次性密码")

    def handle(self, *args, **options):
        try:
            result = initialize(unit_name=options["unit"])
        except UserError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"已创建顶级单位：{result['unit']}")
        self.stdout.write("三员账户（密码只显示这一次，首次登录后必须修改）：")
        for account in result["accounts"]:
            self.stdout.write(f"  {Role(account['role']).label}  用户名 {account['username']}  "
                              f"一次性密码 {account['one_time_password']}")
        names = "、".join(a.env for a in ADMINS)
        self.stdout.write(f"（自动化部署可事先在环境变量 {names} 中给出初始密码。）")
        self.stdout.write("下一步：系统管理员登录后在“单位与人员导入”页面导入单位和人员。")
