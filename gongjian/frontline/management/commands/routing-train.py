from django.core.management.base import BaseCommand

from gongjian.frontline.routing_store import routing_train


class Command(BaseCommand):
    help = "训练派单模型：学习已签收的历史派单，以各单位权责清单冷启动（不联网、不下载模型）"

    def handle(self, *args, **options):
        stored = routing_train(actor=None)
        self.stdout.write(f"派单模型已训练：{stored.n_examples}条历史派单，{stored.n_units}个单位。")
