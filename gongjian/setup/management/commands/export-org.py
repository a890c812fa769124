from pathlib import Path

from django.core.management.base import BaseCommand

from gongjian.setup.orgsheet import export, template


class Command(BaseCommand):
    help = "导出单位和人员（与导入同一格式）；--template 导出带下拉列表和示例的空白模板"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--template", action="store_true")

    def handle(self, *args, **options):
        Path(options["out"]).write_bytes(template() if options["template"] else export())
        self.stdout.write(f"已写入 {options['out']}")
