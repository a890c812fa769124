"""The machine a bench ran on, and its results as a terminal table or a Markdown table for the README."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path

COLUMNS = ["benchmark", "seconds", "baseline", "ratio", "target", "met"]
DATA_SIZES = ["units", "tasks", "milestones", "reports", "projects", "tickets"]


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def machine_info(database: dict | None = None) -> dict:
    memory = _memory_bytes()
    info = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 2**30, 1) if memory else None,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    if database and database.get("vendor") != "sqlite":
        info[database["vendor"]] = database.get("version")
    return info


def _number(value, unit: str = "", digits: int = 3) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def rows(document: dict) -> list[list[str]]:
    table = []
    for name, result in document["results"].items():
        if "skipped" in result:
            table.append([name, "skipped", "—", "—", result["skipped"], "—"])
            continue
        seconds = result.get("seconds")
        if seconds is None and "megabytes" in result:
            headline = f"{result['megabytes']:,.1f} MB"
        elif "ceiling_rps" in result:
            headline = f"{result['rps']:,.0f} req/s, p99 {result['p99_ms']} ms"
        elif name == "worker_rss_mb":
            headline = f"{result['value']:,.0f} MB"
        else:
            headline = _number(seconds, " s")
        extras = [f"{result[key]:,.0f} {unit}" for key, unit in (("rows_per_second", "rows/s"),
                                                                  ("requests_per_second", "req/s"),
                                                                  ("ceiling_rps", "req/s /healthz"),
                                                                  ("orm_rps", "req/s plain ORM view"),
                                                                  ("web_worker_mb", "MB web worker"))
                  if result.get(key) and not (key == "requests_per_second" and "ceiling_rps" in result)]
        extras += [f"{label} {result[key]:.3f} s" for key, label in (("floor_seconds", "floor"),
                                                                     ("naive_seconds", "naive loop"),
                                                                     ("help_seconds", "gongjian --help"))
                   if result.get(key) is not None]
        extras += [f"{key.removesuffix('_seconds')} {result[key]:.3f} s" for key in ("repeat_seconds", "p50", "p95")
                   if result.get(key) is not None]
        if extras:
            headline += f" ({', '.join(extras)})"
        met = result.get("met")
        table.append([
            name, headline, _number(result.get("baseline_seconds"), " s"),
            _number(result.get("ratio"), "×", 1), result.get("target", "—"),
            "—" if met is None else ("yes" if met else "NO"),
        ])
    return table


def text_table(document: dict) -> str:
    table = [COLUMNS, *rows(document)]
    widths = [max(_width(r[i]) for r in table) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(r, widths, strict=True)).rstrip()
             for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters and the × and ≤ signs take two columns in most terminals' East Asian fonts; count CJK only.
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def markdown_table(document: dict) -> str:
    machine = document["machine"]
    generation = document.get("generation", {})
    counts = generation.get("counts", {})
    head = (f"`gongjian bench --scale {document['scale']}` on {machine['cores']} × {machine['cpu']}, "
            f"{machine['memory_gb']} GB, Python {machine['python']}, "
            + (f"PostgreSQL {machine['postgresql']}" if "postgresql" in machine else f"SQLite {machine['sqlite']}")
            + "; data: " + ", ".join(f"{counts[key]:,} {key}" for key in DATA_SIZES if counts.get(key))
            + f" (generated in {generation.get('seconds', 0):.0f} s).")
    lines = [head, "", "| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows(document)]
    return "\n".join(lines)
