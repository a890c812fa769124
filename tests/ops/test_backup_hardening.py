"""Backups are private (0600), their manifest describes the snapshot they hold even while writes go on, and a
restore replaces the media folder instead of merging into it."""

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _gongjian(env, *args, check=True):
    return subprocess.run([sys.executable, "-m", "gongjian.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=check, timeout=300)


def _env(tmp_path, url, media="media"):
    env = {k: v for k, v in os.environ.items() if k != "GONGJIAN_TODAY"}
    env.update({"DATABASE_URL": url, "GONGJIAN_VAR_DIR": str(tmp_path / "var"), "MEDIA_ROOT": str(tmp_path / media)})
    return env


class Writer(threading.Thread):
    """Inserts a row every few milliseconds, as a busy office would while the nightly backup runs."""

    def __init__(self, connect, placeholder="?"):
        super().__init__(daemon=True)
        self.connect, self.placeholder, self.stop, self.written = connect, placeholder, threading.Event(), 0

    def run(self):
        db = self.connect()
        day = date(2030, 1, 1)
        sql = "INSERT INTO workdays_workdayoverride (date, is_workday, note, updated_at) VALUES (?, ?, ?, ?)"
        sql = sql.replace("?", self.placeholder)
        while not self.stop.is_set():
            cursor = db.cursor()
            cursor.execute(sql, (day.isoformat(), True, "并发写入", "2030-01-01 00:00:00"))
            db.commit()
            self.written += 1
            day += timedelta(days=1)
            time.sleep(0.002)
        db.close()


def _backup_during_writes(tmp_path, source, target, writer):
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 drill")
    writer.start()
    try:
        time.sleep(0.2)
        _gongjian(source, "backup", "--out", str(tmp_path / "backup"))
    finally:
        writer.stop.set()
        writer.join()
    assert writer.written > 20
    (tmp_path / "media" / "stale.pdf").write_bytes(b"left over from before the restore")
    _gongjian(target, "migrate", "-v", "0")
    result = json.loads(_gongjian(target, "restore", str(tmp_path / "backup"), "--force").stdout)
    assert result["mismatches"] == []
    assert not (tmp_path / "media" / "stale.pdf").exists()
    assert (tmp_path / "media" / "evidence" / "a.pdf").read_bytes() == b"%PDF-1.4 drill"


@pytest.mark.slow
def test_sqlite_backup_taken_during_writes_restores_to_its_manifest(tmp_path):
    source = _env(tmp_path, f"sqlite:///{tmp_path / 'a.sqlite3'}")
    _gongjian(source, "migrate", "-v", "0")
    writer = Writer(lambda: sqlite3.connect(tmp_path / "a.sqlite3", timeout=20))
    _backup_during_writes(tmp_path, source, _env(tmp_path, f"sqlite:///{tmp_path / 'b.sqlite3'}"), writer)


@pytest.mark.slow
def test_postgresql_backup_taken_during_writes_restores_to_its_manifest(tmp_path):
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://…)")
    import psycopg

    base = server.rsplit("/", 1)[0]
    names = [f"gongjian_bk_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    for name in names:
        subprocess.run(["psql", f"{base}/postgres", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    try:
        source = _env(tmp_path, f"{base}/{names[0]}")
        _gongjian(source, "migrate", "-v", "0")
        writer = Writer(lambda: psycopg.connect(f"{base}/{names[0]}"), placeholder="%s")
        _backup_during_writes(tmp_path, source, _env(tmp_path, f"{base}/{names[1]}"), writer)
    finally:
        for name in names:
            subprocess.run(["psql", f"{base}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])


def test_backup_files_are_readable_by_the_owner_only(tmp_path):
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'a.sqlite3'}")
    _gongjian(env, "migrate", "-v", "0")
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4")
    os.chmod(tmp_path / "media" / "evidence" / "a.pdf", 0o644)
    _gongjian(env, "backup", "--out", str(tmp_path / "backup"))
    out = tmp_path / "backup"
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
