import json

from django.core.management.base import BaseCommand, CommandError

from gongjian.assessment import periods, selectors, services
from gongjian.assessment.models import Category
from gongjian.campaigns.models import Campaign
from gongjian.errors import UserError


class Command(BaseCommand):
    help = "计算（并可发布）一个考核期的得分与排名：gongjian assess --period 2023-03 [--json] [--publish]"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2023-03（月）、2023-Q1（季）或 2023（年）")
        parser.add_argument("--campaign", type=int, help="攻坚行动编号；默认为该年度最新的攻坚行动")
        parser.add_argument("--json", action="store_true", help="以JSON输出排名与得分明细")
        parser.add_argument("--publish", action="store_true", help="计算后发布（不可撤销）")

    def handle(self, *args, **options):
        try:
            kind, start, _ = periods.parse(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        campaign = self._campaign(options["campaign"], start.year)
        try:
            scheme = services.scheme_for(actor=None, campaign=campaign, period_type=kind)
            ranking = services.ranking_compute(actor=None, scheme=scheme, label=options["period"])
            if options["publish"]:
                ranking = services.ranking_publish(actor=None, ranking=ranking)
        except UserError as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(selectors.league_json(ranking), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{campaign.name} {ranking.title}：{ranking.get_state_display()}，用时{ranking.seconds}秒")
        for category, rows in selectors.league(ranking, published_only=False).items():
            self.stdout.write(f"【{dict(Category.choices)[category]}】")
            for row in rows:
                s = row.score
                self.stdout.write(f"  {s.rank:>3}  {s.unit.name:<12} {s.total:>7}  {row.change_text:>3}  "
                                  f"红{s.red_count} 黄{s.yellow_count}{'' if s.award_eligible else '  取消评优'}")

    def _campaign(self, pk: int | None, year: int) -> Campaign:
        campaigns = Campaign.objects.all()
        campaign = campaigns.filter(pk=pk).first() if pk else campaigns.filter(year=year).order_by("-id").first()
        if campaign is None:
            raise CommandError(f"未找到攻坚行动（编号{pk}）" if pk else f"没有{year}年度的攻坚行动，请用 --campaign 指定")
        return campaign
