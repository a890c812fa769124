import json

from django.core.management.base import BaseCommand

from gongjian.messaging import services


class Command(BaseCommand):
    help = "发送待发的消息一次（新消息、到期重试、中断的发送），并升级超时未签收的通知；供 cron 与测试调用"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        services.escalate_unsigned()
        counts = services.deliver_pending()
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(f"已发送 {counts['sent']}，失败 {counts['failed']}，等待重试 {counts['retrying']}")
