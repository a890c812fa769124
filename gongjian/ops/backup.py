"""Backup and restore of the database and uploaded files, with a manifest of row counts and checksums that a
restore drill compares. The manifest is read from the very snapshot the backup holds, so writes during the backup
cannot make the two disagree: SQLite's online backup API copies the database and the manifest is read from the
copy; on PostgreSQL one repeatable-read transaction exports its snapshot to pg_dump and reads the manifest itself.
Everything a backup writes is readable by its owner only."""

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
from django.db import connection, connections, transaction

from gongjian.errors import UserError

MANIFEST = "manifest.json"
DB_SQLITE = "database.sqlite3"
DB_PG = "database.pgdump"
MEDIA = "media"


def table_checksums(using: str = "default") -> dict[str, dict]:
    """Every concrete model's row count and a SHA-256 over its rows in primary-key order."""
    result = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        digest = hashlib.sha256()
        count = 0
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.using(using).order_by("pk").values_list(*fields)
        for row in rows.iterator(chunk_size=5000):
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


SNAPSHOT_ALIAS = "backup_snapshot"


def _sqlite_snapshot(out: Path) -> dict[str, dict]:
    connection.ensure_connection()
    target = sqlite3.connect(out / DB_SQLITE)
    with target:
        connection.connection.backup(target)
    target.close()
    connections.settings[SNAPSHOT_ALIAS] = {**connection.settings_dict, "NAME": str(out / DB_SQLITE), "OPTIONS": {}}
    try:
        return table_checksums(using=SNAPSHOT_ALIAS)
    finally:
        connections[SNAPSHOT_ALIAS].close()
        del connections[SNAPSHOT_ALIAS]
        del connections.settings[SNAPSHOT_ALIAS]


def _pg_snapshot(out: Path, db: dict) -> dict[str, dict]:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        subprocess.run(["pg_dump", "-Fc", f"--snapshot={snapshot}", "-f", str(out / DB_PG),  # noqa: S603, S607
                        *_pg_args(db)], check=True, env=_pg_env(db))
        return table_checksums()


def _owner_only(root: Path) -> None:
    root.chmod(0o700)
    for path in root.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def backup(out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise UserError(f"备份目录不为空：{out}", "not_empty")
    out.chmod(0o700)
    db = settings.DATABASES["default"]
    vendor = connection.vendor
    # Files are created private, not made private afterwards: nobody can open them while they are written.
    previous_umask = os.umask(0o077)
    try:
        if vendor == "sqlite":
            tables = _sqlite_snapshot(out)
        elif vendor == "postgresql":
            tables = _pg_snapshot(out, db)
        else:
            raise UserError(f"不支持的数据库：{vendor}", "unsupported")
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.copytree(media, out / MEDIA)
        manifest = {"created_at": datetime.now().astimezone().isoformat(), "vendor": vendor, "tables": tables}
        (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    finally:
        os.umask(previous_umask)
    _owner_only(out)
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
    _replace_media(source / MEDIA, Path(settings.MEDIA_ROOT))
    return drill(manifest)


def _replace_media(backed_up: Path, media: Path) -> None:
    """The media folder becomes exactly the backup's: files added since the backup would otherwise linger,
    pointing at rows that the restore removed. The new copy is built beside the old one and swapped in."""
    staging = media.with_name(media.name + ".restoring")
    if staging.exists():
        shutil.rmtree(staging)
    if backed_up.exists():
        shutil.copytree(backed_up, staging)
    else:
        staging.mkdir(parents=True)
    if media.exists():
        old = media.with_name(media.name + ".replaced")
        if old.exists():
            shutil.rmtree(old)
        media.rename(old)
        staging.rename(media)
        shutil.rmtree(old)
    else:
        staging.rename(media)


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
