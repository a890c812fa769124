"""How big the bench database is: bytes on disk (SQLite file, or pg_database_size) and the rows in each table."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection

from gongjian.bench.registry import Context

NAME = "dbsize"
ORDER = 90


def database_bytes() -> tuple[int, int]:
    """(bytes of the database, bytes of SQLite's write-ahead log not yet folded into it)."""
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        wal = Path(f"{path}-wal")
        return path.stat().st_size, wal.stat().st_size if wal.exists() else 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0], 0


def row_counts() -> dict[str, int]:
    models = [m for m in apps.get_models() if m.__module__.startswith("gongjian.")] + [get_user_model()]
    counts = {m._meta.label_lower: m._default_manager.count() for m in models}
    return {label: n for label, n in sorted(counts.items(), key=lambda item: -item[1]) if n}


def run(ctx: Context) -> dict:
    size, wal = database_bytes()
    return {
        "seconds": None,
        "bytes": size,
        "megabytes": round(size / 2**20, 1),
        "wal_bytes": wal,
        "rows": row_counts(),
        "note": f"{connection.vendor} database size after generation and the other benchmarks (which roll back)",
    }
