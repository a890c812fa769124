from django.core.management.base import BaseCommand
from django.db import transaction

from gongjian.audit.services import record
from gongjian.demo import org
from gongjian.demo.org import ACCOUNTS, DEMO_PASSWORD, LEADERS


class Command(BaseCommand):
    help = "加载莱西2023演示数据（可重复执行，结果不变）"

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = org.load()
            record(actor=None, actor_name="demo", event="demo.load", changes=counts)
        self.stdout.write(f"演示数据已就绪：{counts['units']}个单位，{counts['people']}人。")
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}，仅演示环境存在）：")
        for username, display, *_ in ACCOUNTS + [(u, d) for u, d, _ in LEADERS[:2]]:
            self.stdout.write(f"  {username:<20} {display}")
