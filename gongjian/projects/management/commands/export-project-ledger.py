from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongjian.campaigns.models import Campaign
from gongjian.projects.ledger import export_projects
from gongjian.projects.models import Project


class Command(BaseCommand):
    help = "导出攻坚行动的重点项目台账（.xlsx，金额单位万元，可直接再导入）"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"攻坚行动不存在：{options['campaign']}")
        projects = Project.objects.filter(campaign=campaign).order_by("id")
        out = Path(options["out"])
        out.write_bytes(export_projects(projects))
        self.stdout.write(f"已导出{projects.count()}个项目到 {out}")
