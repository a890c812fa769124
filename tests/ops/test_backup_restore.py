"""Restore drill: back up a database with the demo in it, restore into an empty one, compare every table."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _gongjian(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongjian.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=check, timeout=300)


def _env(tmp_path: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("GONGJIAN_TODAY",)}
    env.update({"DATABASE_URL": database_url, "GONGJIAN_VAR_DIR": str(tmp_path / "var"),
                "MEDIA_ROOT": str(tmp_path / "media")})
    return env


def _drill(tmp_path: Path, source_url: str, target_url: str) -> dict:
    source, target = _env(tmp_path, source_url), _env(tmp_path, target_url)
    _gongjian(source, "migrate", "-v", "0")
    _gongjian(source, "demo")
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 drill")
    _gongjian(source, "backup", "--out", str(tmp_path / "backup"))
    shutil.rmtree(tmp_path / "media")
    _gongjian(target, "migrate", "-v", "0")
    result = json.loads(_gongjian(target, "restore", str(tmp_path / "backup"), "--force").stdout)
    assert (tmp_path / "media" / "evidence" / "a.pdf").read_bytes() == b"%PDF-1.4 drill"
    return result


@pytest.mark.slow
def test_sqlite_restore_drill_has_no_mismatches(tmp_path):
    result = _drill(tmp_path, f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}")
    assert result["mismatches"] == [] and result["tables"] > 20


@pytest.mark.slow
def test_postgresql_restore_drill_has_no_mismatches(tmp_path):
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://…)")
    base = server.rsplit("/", 1)[0]
    names = [f"gongjian_drill_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    for name in names:
        subprocess.run(["psql", f"{base}/postgres", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    try:
        result = _drill(tmp_path, f"{base}/{names[0]}", f"{base}/{names[1]}")
    finally:
        for name in names:
            subprocess.run(["psql", f"{base}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])
    assert result["mismatches"] == [] and result["tables"] > 20


def test_restore_refuses_a_database_with_data_and_a_folder_that_is_no_backup(tmp_path):
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'a.sqlite3'}")
    _gongjian(env, "migrate", "-v", "0")
    _gongjian(env, "workdays", "set", "2027-02-08", "holiday", "春节")
    _gongjian(env, "backup", "--out", str(tmp_path / "b1"))
    refused = _gongjian(env, "restore", str(tmp_path / "b1"), check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    (tmp_path / "empty").mkdir()
    refused = _gongjian(env, "restore", str(tmp_path / "empty"), check=False)
    assert refused.returncode != 0 and "manifest.json" in refused.stderr
    refused = _gongjian(env, "backup", "--out", str(tmp_path / "b1"), check=False)
    assert refused.returncode != 0 and "不为空" in refused.stderr
