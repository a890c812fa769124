from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongjian.bulletins import documents, selectors
from gongjian.bulletins.models import Bulletin
from gongjian.campaigns.models import Campaign
from gongjian.errors import UserError


class Command(BaseCommand):
    help = "生成月度通报：gongjian bulletin --month 2023-03 --out 通报.docx [--xlsx 附表.xlsx] [--campaign 编号]"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份，如 2023-03")
        parser.add_argument("--out", required=True, type=Path, help="通报 .docx 的输出路径")
        parser.add_argument("--xlsx", type=Path, help="附表 .xlsx 的输出路径（默认与 --out 同名）")
        parser.add_argument("--campaign", type=int, help="攻坚行动编号；默认为该年度最新的攻坚行动")

    def handle(self, *args, **options):
        month = options["month"]
        try:
            start, _ = selectors.parse_month(month)
        except UserError as exc:
            raise CommandError(exc.message) from None
        campaigns = Campaign.objects.all()
        pk = options["campaign"]
        campaign = campaigns.filter(pk=pk).first() if pk else campaigns.filter(year=start.year).order_by("-id").first()
        if campaign is None:
            raise CommandError(f"未找到攻坚行动（编号{pk}）" if pk else f"没有{start.year}年度的攻坚行动，请用 --campaign 指定")
        # A saved bulletin brings its title and the office's words (and, once published, its frozen figures).
        bulletin = Bulletin.objects.filter(campaign=campaign, month=month).first() or Bulletin(
            campaign=campaign, month=month, number=start.month, title=selectors.default_title(campaign, month))
        content = selectors.document(bulletin)
        out: Path = options["out"]
        xlsx_path: Path = options["xlsx"] or out.with_suffix(".xlsx")
        try:
            out.write_bytes(documents.build_docx(content))
            xlsx_path.write_bytes(documents.build_xlsx(content))
        except OSError as exc:
            raise CommandError(f"无法写入文件：{exc}") from None
        colors = content["colors"]
        self.stdout.write(f"{content['title']}：红牌{colors['red']}、黄牌{colors['yellow']}、绿牌{colors['green']}；"
                          f"已写入 {out} 和 {xlsx_path}")
