"""`gongjian bench` end to end at the hidden `tiny` scale: a child process generates a SQLite bench database in a
temporary directory, runs the selected benchmarks and hands back the JSON document."""

import json
import sqlite3
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

MACHINE_KEYS = {"cpu", "cores", "memory_gb", "python", "sqlite", "platform"}


def bench(*args: str) -> str:
    out = StringIO()
    call_command("bench", "--scale", "tiny", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bench")
    path = directory / "result.json"
    output = bench("--only", "supervise", "--dir", str(directory), "--json", str(path), "--markdown")
    return directory, output, json.loads(path.read_text(encoding="utf-8"))


def test_json_has_the_documented_keys(first_run):
    directory, _, document = first_run
    assert {"machine", "scale", "results"} <= set(document)
    assert set(document["machine"]) >= MACHINE_KEYS
    assert document["scale"] == "tiny"
    assert list(document["results"]) == ["supervise"]
    result = document["results"]["supervise"]
    assert {"seconds", "baseline_seconds", "naive_seconds", "floor_seconds", "ratio", "floor_ratio", "target", "met",
            "repeat_seconds", "note"} <= set(result)
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0 and result["ratio"] > 0
    # Which of the timings is larger is not asserted: on tiny data on a busy machine the order is noise. Their
    # arithmetic is: each ratio is the quotient of the figures it names.
    assert result["naive_seconds"] > 0 and result["floor_seconds"] > 0
    assert result["ratio"] == pytest.approx(result["baseline_seconds"] / result["seconds"], rel=0.1, abs=0.051)
    assert result["floor_ratio"] == pytest.approx(result["seconds"] / result["floor_seconds"], rel=0.1, abs=0.0051)
    assert result["tasks"] >= result["sample"]["prefetch"] >= result["sample"]["naive"] > 0
    assert document["generation"]["reused"] is False
    assert (directory / "tiny.sqlite3").is_file()


def test_table_and_markdown_show_the_figures(first_run):
    _, output, document = first_run
    seconds = f"{document['results']['supervise']['seconds']:,.3f} s"
    assert f"supervise  {seconds}" in output
    result = document["results"]["supervise"]
    assert f"| supervise | {seconds} (floor {result['floor_seconds']:.3f} s, naive loop " in output
    assert f"repeat {result['repeat_seconds']:.3f} s)" in output
    assert "| benchmark | seconds | baseline | ratio | target | met |" in output


def test_running_again_reuses_the_generated_database(first_run, tmp_path):
    directory, _, document = first_run
    path = tmp_path / "again.json"
    output = bench("--only", "dbsize", "--dir", str(directory), "--json", str(path))
    again = json.loads(path.read_text(encoding="utf-8"))
    assert "reusing the generated tiny data" in output
    assert again["generation"]["reused"] is True
    assert again["generation"]["checksum"] == document["generation"]["checksum"]
    counts = again["generation"]["counts"]
    assert counts["tasks"] == 30
    assert again["results"]["dbsize"]["rows"]["campaigns.task"] == counts["tasks"] + counts.get("projects", 0)


def test_the_same_seed_generates_the_same_data_and_another_seed_does_not(first_run, tmp_path):
    _, _, document = first_run
    same, other = tmp_path / "same", tmp_path / "other"
    bench("--only", "dbsize", "--dir", str(same), "--json", str(same / "r.json"))
    bench("--only", "dbsize", "--dir", str(other), "--seed", "8", "--json", str(other / "r.json"))
    same_doc = json.loads((same / "r.json").read_text(encoding="utf-8"))
    other_doc = json.loads((other / "r.json").read_text(encoding="utf-8"))
    assert same_doc["generation"]["reused"] is False
    assert same_doc["generation"]["counts"] == document["generation"]["counts"]
    assert same_doc["generation"]["checksum"] == document["generation"]["checksum"]
    assert other_doc["generation"]["checksum"] != document["generation"]["checksum"]


def test_unknown_benchmark_is_refused_with_the_known_names(tmp_path):
    with pytest.raises(CommandError, match=r"unknown benchmark 'nonsense'; available: supervise, import, gantt.*dbsize"):
        bench("--only", "nonsense", "--dir", str(tmp_path))
    assert not list(tmp_path.iterdir()), "nothing may be generated for a refused run"


def test_the_systems_own_database_is_refused():
    with pytest.raises(CommandError, match="正在使用的数据库"):
        bench("--database-url", settings.DATABASE_URL, "--only", "supervise")


def test_a_database_with_other_data_is_left_untouched(tmp_path):
    foreign = tmp_path / "somebody.sqlite3"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, title TEXT)")
        db.execute("INSERT INTO ledger (title) VALUES ('real work')")
    before = foreign.read_bytes()
    with pytest.raises(CommandError, match="基准测试失败"):
        bench("--database-url", f"sqlite:///{foreign}", "--only", "supervise")
    assert foreign.read_bytes() == before
