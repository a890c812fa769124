import json

from django.core.management.base import BaseCommand, CommandError

from gongjian.frontline.routing_store import routing_evaluate


class Command(BaseCommand):
    help = "评估派单模型：在留出的历史派单上计算首选（top-1）和前三（top-3）命中率"

    def add_arguments(self, parser):
        parser.add_argument("--test-fraction", type=float, default=0.2, help="留出比例（默认0.2）")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if not 0 < options["test_fraction"] < 1:
            raise CommandError("--test-fraction 须在0和1之间")
        result = routing_evaluate(test_fraction=options["test_fraction"], seed=options["seed"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        if result["top1"] is None:
            self.stdout.write(f"历史派单不足，无法评估（共{result['n_train']}条）。")
            return
        self.stdout.write(f"训练{result['n_train']}条、留出{result['n_test']}条，{result['units']}个单位："
                          f"首选命中率{result['top1'] * 100:.1f}%，前三命中率{result['top3'] * 100:.1f}%")
