import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongjian.bench import registry
from gongjian.bench.report import machine_info, markdown_table, text_table
from gongjian.bench.scale import BENCH_TODAY, PUBLIC_SCALES, SCALES
from gongjian.ops.cli import parse_date


class Command(BaseCommand):
    help = ("性能基准：在独立的基准数据库（默认 var/bench/<规模>.sqlite3，绝不使用业务数据库）上生成可复现的县/市/省规模"
            "合成数据，计时每日督查等，并与同次测得的朴素实现对比")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="county", metavar="{" + ",".join(PUBLIC_SCALES) + "}",
                            help="数据规模（docs/architecture.md 性能目标），默认 county")
        parser.add_argument("--seed", type=int, default=7, help="随机种子，同一种子生成同样的数据（默认 7）")
        parser.add_argument("--only", action="append", metavar="NAME", help="只运行这一项基准（可重复）")
        parser.add_argument("--json", metavar="FILE", help="把结果写成 JSON：{machine, scale, results}")
        parser.add_argument("--markdown", action="store_true", help="另外输出可贴进 README 的 Markdown 表格")
        parser.add_argument("--fresh", action="store_true", help="重新生成基准数据（默认复用参数相同的已生成数据）")
        parser.add_argument("--database-url", help="改用这个（空的或由基准生成的）数据库，例如 PostgreSQL")
        parser.add_argument("--dir", type=Path, help="SQLite 基准数据库所在目录（默认 var/bench）")
        parser.add_argument("--today", type=parse_date, default=BENCH_TODAY, help="基准数据的“今天”（默认 2023-09-15）")
        parser.add_argument("--sample", type=int, default=300, help="朴素实现的抽样任务数（默认 300）")
        parser.add_argument("--list", action="store_true", help="列出可运行的基准")

    def handle(self, *args, **options):
        try:
            selected = registry.select(options["only"])
        except registry.UnknownBenchmark as exc:
            raise CommandError(str(exc)) from None
        if options["list"]:
            for name, module in selected.items():
                self.stdout.write(f"{name:<12} {(module.__doc__ or '').strip().splitlines()[0]}")
            return
        url, owned = self._database(options)
        document = self._run_child(url, owned, options)
        self.stdout.write("")
        self.stdout.write(text_table(document))
        if options["markdown"]:
            self.stdout.write("")
            self.stdout.write(markdown_table(document))
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"结果已写入 {options['json']}")

    def _database(self, options) -> tuple[str, bool]:
        """The bench database's URL, and whether it is the bench's own SQLite file (free to delete and rebuild)."""
        url = options["database_url"]
        if url:
            try:
                wanted = dj_database_url.parse(url)
            except ValueError as exc:
                raise CommandError(f"--database-url 不是有效的数据库地址：{exc}") from None
            in_use = [settings.DATABASES["default"], dj_database_url.parse(settings.DATABASE_URL)]
            if any(_same_database(wanted, current) for current in in_use):
                raise CommandError("--database-url 指向的是本系统正在使用的数据库；基准测试只能使用单独的数据库")
            return url, False
        directory = (options["dir"] or Path(settings.VAR_DIR) / "bench").resolve()
        directory.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{directory / (options['scale'] + '.sqlite3')}", True

    def _run_child(self, url: str, owned: bool, options) -> dict:
        with tempfile.TemporaryDirectory(prefix="gongjian-bench-") as tmp:
            result = Path(tmp) / "result.json"
            command = [sys.executable, "-m", "gongjian.bench.child", "--database-url", url,
                       "--scale", options["scale"], "--seed", str(options["seed"]),
                       "--today", options["today"].isoformat(), "--sample", str(options["sample"]),
                       "--result", str(result)]
            command += [arg for name in options["only"] or [] for arg in ("--only", name)]
            command += ["--fresh"] * options["fresh"] + ["--owned"] * owned
            env = {"DJANGO_SETTINGS_MODULE": "gongjian.settings", **os.environ, "PYTHONUNBUFFERED": "1"}
            # Our own interpreter and module; the arguments are passed as a list, never through a shell.
            with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,  # noqa: S603
                                  cwd=settings.BASE_DIR) as child:
                for line in child.stdout:
                    self.stdout.write(line.rstrip("\n"))
            if child.returncode != 0 or not result.exists():
                raise CommandError(f"基准测试失败（子进程退出码 {child.returncode}），见上方输出")
            outcome = json.loads(result.read_text(encoding="utf-8"))
        return {
            "machine": machine_info(outcome["database"]),
            "scale": options["scale"],
            "seed": options["seed"],
            "today": options["today"].isoformat(),
            "database": outcome["database"],
            "generation": outcome["generation"],
            "results": outcome["results"],
        }


def _same_database(a: dict, b: dict) -> bool:
    def key(db: dict) -> tuple:
        name = str(db.get("NAME") or "")
        if db.get("ENGINE") == "django.db.backends.sqlite3" and name and not name.startswith("file:"):
            name = str(Path(name).resolve())
        return db.get("ENGINE"), name, str(db.get("HOST") or ""), str(db.get("PORT") or "")

    return key(a) == key(b)
