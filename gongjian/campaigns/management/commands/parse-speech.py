import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongjian.campaigns.speech import parse_speech


class Command(BaseCommand):
    help = "把领导讲话或会议纪要解析为重点方向和任务清单草稿"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{path}") from None
        except UnicodeDecodeError:
            raise CommandError("文件不是 UTF-8 编码的文本") from None
        draft = parse_speech(text)
        if options["json"]:
            self.stdout.write(json.dumps(draft.as_dict(), ensure_ascii=False, indent=2))
            return
        if draft.message:
            self.stdout.write(draft.message)
        for i, area in enumerate(draft.focus_areas, start=1):
            self.stdout.write(f"{i}. {area.title}")
            for j, task in enumerate(area.tasks, start=1):
                self.stdout.write(f"   {i}.{j} {task.text}  〔{task.lead_unit or '待定'} · {task.leader_post or '待定'}〕")
