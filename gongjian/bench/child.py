"""The bench's worker process: `python -m gongjian.bench.child --database-url URL --scale NAME --result FILE …`.

`gongjian bench` starts one of these per run so that the benchmarks never see the user's database: the URL is a
required argument and replaces DATABASE_URL (and the bench day replaces GONGJIAN_TODAY) before Django starts.
It migrates the bench database, generates or reuses the data (data.py), runs the selected benchmarks
(registry.py) and writes {"generation", "database", "results"} as JSON to FILE. Progress goes to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m gongjian.bench.child")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", required=True)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--result", required=True, type=Path)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--owned", action="store_true", help="the database is the bench's own SQLite file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.owned and (reason := foreign_sqlite(args.database_url)):
        print(f"gongjian bench: {reason}", file=sys.stderr, flush=True)
        return 2
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["GONGJIAN_TODAY"] = args.today
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjian.settings")
    import django

    django.setup()
    from gongjian.bench.data import BenchDataError

    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[bench {args.scale} {time.perf_counter() - started:7.1f}s] {text}", flush=True)

    try:
        document = _run(args, log)
    except BenchDataError as exc:
        print(f"gongjian bench: {exc}", file=sys.stderr, flush=True)
        return 2
    args.result.write_text(json.dumps(document, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return 0


def _run(args: argparse.Namespace, log) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from gongjian import clock
    from gongjian.bench import registry
    from gongjian.bench.data import ensure_data, vacuum
    from gongjian.bench.scale import SCALES

    scale = SCALES[args.scale]
    modules = registry.select(args.only)
    if not args.owned:
        refuse_foreign_database()
    log(f"migrating the bench database ({connection.vendor}) …")
    call_command("migrate", interactive=False, verbosity=0)

    def reset() -> None:
        if args.owned and connection.vendor == "sqlite":
            _delete_sqlite(Path(connection.settings_dict["NAME"]))
            call_command("migrate", interactive=False, verbosity=0)
        else:
            call_command("flush", interactive=False, verbosity=0)

    generation = ensure_data(scale, args.seed, log, fresh=args.fresh, owned=args.owned, reset=reset)
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        vacuum()
        log(f"VACUUM ANALYZE of the bench tables: {time.perf_counter() - started:.1f} s")
    ctx = registry.Context(scale=scale, seed=args.seed, today=clock.today(), sample=args.sample,
                           generation=generation, log=log)
    results = registry.run_selected(ctx, modules)
    return {"generation": generation, "database": database_info(), "results": results}


def foreign_sqlite(url: str) -> str | None:
    """Why an existing SQLite file must be left alone, checked read-only before Django connects (connecting
    switches a file to WAL mode, which already changes it); None when it is absent, empty or made by the bench."""
    import sqlite3

    import dj_database_url

    config = dj_database_url.parse(url)
    path = Path(str(config.get("NAME") or ""))
    if config.get("ENGINE") != "django.db.backends.sqlite3" or not path.is_file():
        return None
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        marked = "audit_auditevent" in tables and db.execute(
            "SELECT 1 FROM audit_auditevent WHERE event = ? LIMIT 1", ["bench.generate"]).fetchone() is not None
    if tables and not marked:
        return (f"{path} has {len(tables)} tables and no bench marker: it was not created by gongjian bench, "
                "so it is left untouched (give a new file or an empty database)")
    return None


def refuse_foreign_database() -> None:
    """A database given by URL is used only if it has no tables yet or was generated by the bench: anything else
    might be somebody's real data, and is not even migrated."""
    from django.db import connection

    from gongjian.bench.data import BenchDataError, stored_generation

    tables = connection.introspection.table_names()
    if tables and ("audit_auditevent" not in tables or stored_generation() is None):
        raise BenchDataError(f"the database at --database-url has {len(tables)} tables and no bench marker: it was "
                             "not created by gongjian bench, so it is left untouched (give an empty database)")


def _delete_sqlite(path: Path) -> None:
    from django.db import connection

    connection.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def database_info() -> dict:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return {"vendor": "sqlite", "version": sqlite3.sqlite_version, "name": str(connection.settings_dict["NAME"])}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": version, "name": connection.settings_dict["NAME"]}


if __name__ == "__main__":
    sys.exit(main())
