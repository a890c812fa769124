from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongjian.campaigns.ledger import export_tasks
from gongjian.campaigns.models import Campaign
from gongjian.campaigns.selectors import task_rows


class Command(BaseCommand):
    help = "导出攻坚行动的任务台账（.xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"攻坚行动不存在：{options['campaign']}")
        out = Path(options["out"])
        out.write_bytes(export_tasks(task_rows(campaign.tasks.order_by("id"))))
        self.stdout.write(f"已导出{campaign.tasks.count()}项任务到 {out}")
