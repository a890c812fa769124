"""Backup and restore of the database and uploaded files, with a manifest of row counts and checksums that a
restore drill compares. SQLite uses its online backup API; PostgreSQL uses pg_dump / pg_restore."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from gongjian.errors import UserError

MANIFEST = "manifest.json"
DB_SQLITE = "database.sqlite3"
DB_PG = "database.pgdump"
MEDIA = "media"


def table_checksums() -> dict[str, dict]:
    """Every concrete model's row count and a SHA-256 over its rows in primary-key order."""
    result = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        digest = hashlib.sha256()
        count = 0
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
            digest.update(repr(tuple(_canonical(v) for v in row)).encode())
            count += 1
        result[model._meta.db_table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _canonical(value):
    # JSON columns come back as dicts from both databases, but key order may differ; datetimes as UTC ISO text.
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict) -> list[str]:
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-d", db["NAME"]]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args


def backup(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise UserError(f"备份目录不为空：{out}", "not_empty")
    db = settings.DATABASES["default"]
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(out / DB_SQLITE)
        with target:
            connection.connection.backup(target)
        target.close()
    elif vendor == "postgresql":
        subprocess.run(["pg_dump", "-Fc", "-f", str(out / DB_PG), *_pg_args(db)], check=True,  # noqa: S603, S607
                       env=_pg_env(db))
    else:
        raise UserError(f"不支持的数据库：{vendor}", "unsupported")
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, out / MEDIA)
    manifest = {"created_at": datetime.now().astimezone().isoformat(), "vendor": vendor,
                "tables": table_checksums()}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def restore(source: Path, *, force: bool = False) -> dict:
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise UserError(f"不是有效的备份目录（缺少{MANIFEST}）：{source}", "invalid")
    manifest = json.loads(manifest_path.read_text())
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise UserError(f"备份来自{manifest['vendor']}，当前数据库是{vendor}", "vendor_mismatch")
    if not force and _has_data():
        raise UserError("当前数据库已有数据；确认覆盖请加 --force", "not_empty")
    db = settings.DATABASES["default"]
    connection.close()
    if vendor == "sqlite":
        source_db = sqlite3.connect(source / DB_SQLITE)
        target = sqlite3.connect(db["NAME"])
        with target:
            source_db.backup(target)
        source_db.close()
        target.close()
    else:
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_args(db),  # noqa: S603, S607
                        str(source / DB_PG)], check=True, env=_pg_env(db))
    if (source / MEDIA).exists():
        shutil.copytree(source / MEDIA, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    return drill(manifest)


def _has_data() -> bool:
    from gongjian.audit.models import AuditEvent

    try:
        return AuditEvent.objects.exists()
    except Exception:  # noqa: BLE001 - an empty, unmigrated database has no tables yet
        return False


def drill(manifest: dict) -> dict:
    """Compare the live database with a manifest: the list of tables whose rows or checksums differ."""
    current = table_checksums()
    mismatches = sorted(t for t, expected in manifest["tables"].items() if current.get(t) != expected)
    return {"tables": len(manifest["tables"]), "mismatches": mismatches}
