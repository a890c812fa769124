"""Synthetic battle-map data in the progress view's compact format (gantt/v1, documented at the top of
static/js/gantt.js), and the same data converted for the peer libraries the benchmark compares against.

Pure Python, no Django: the benchmark and the browser tests use it without a database.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

ORIGIN = date(2023, 1, 1)
TODAY = (date(2023, 3, 31) - ORIGIN).days  # the demo's clock: 89
YEAR_DAYS = 365

FIELDS = ["id", "title", "unit", "leader", "town", "chain", "start", "end", "progress", "card", "milestones"]

# Laixi's 3 streets and 9 towns.
TOWNS = ["水集街道", "望城街道", "沽河街道", "姜山镇", "李权庄镇", "店埠镇", "院上镇", "日庄镇", "南墅镇",
         "河头店镇", "马连庄镇", "夏格庄镇"]
DEPARTMENTS = ["发改局", "工信局", "商务局", "住建局", "自然资源局", "农业农村局", "行政审批局", "投资促进中心"]
LEADERS = ["市委书记", "市长", "市委副书记", "常务副市长", "分管工业副市长", "分管城建副市长", "分管农业副市长",
           "分管招商副市长"]
CHAINS = ["新能源汽车", "新材料", "高端装备", "食品加工", "电子信息", "文旅康养"]
KINDS = ["产业园项目", "生产线项目", "技改项目", "研发中心项目", "标准化厂房项目", "仓储物流项目", "配套基础设施项目"]
MILESTONES = ["完成立项", "土地摘牌", "规划许可", "施工许可", "开工建设", "主体封顶", "设备安装", "竣工验收",
              "投产运营", "纳统入库"]

CARD_NONE, CARD_GREEN, CARD_YELLOW, CARD_RED = 0, 1, 2, 3
MS_PLANNED, MS_DONE, MS_OVERDUE = 0, 1, 2


def make_gantt_data(rows: int, seed: int = 7) -> dict:
    """`rows` projects in 2023 with 1–6 milestones each, the same for the same seed."""
    rng = random.Random(seed)
    units = TOWNS + DEPARTMENTS
    out = []
    for n in range(rows):
        row_id = 1001 + n
        town = rng.randrange(len(TOWNS))
        chain = rng.randrange(len(CHAINS))
        unit = town if rng.random() < 0.7 else len(TOWNS) + rng.randrange(len(DEPARTMENTS))
        leader = rng.randrange(len(LEADERS))
        start = rng.randrange(0, 240)
        end = min(YEAR_DAYS - 1, start + rng.randrange(30, 330))
        title = f"{TOWNS[town]}{CHAINS[chain]}{rng.choice(KINDS)} #{row_id}"

        expected = max(0.0, min(1.0, (TODAY - start + 1) / (end - start + 1)))
        lag = rng.choice((0.0, 0.0, 0.0, 0.05, 0.15, 0.35))
        progress = round(max(0.0, expected - lag) * 100 + rng.uniform(0, 5) * (expected > 0), 1)
        if end < TODAY and rng.random() < 0.8:
            progress = 100.0
        progress = min(progress, 100.0)

        k = rng.randint(1, 6)
        days = sorted(rng.sample(range(start, end + 1), k))  # spans are >= 30 days
        first_title = rng.randrange(len(MILESTONES) - k + 1)
        milestones = []
        overdue = False
        for j, day in enumerate(days):
            if day < TODAY:
                status = MS_DONE if progress >= 100 or rng.random() < 0.75 else MS_OVERDUE
            else:
                status = MS_DONE if rng.random() < 0.05 else MS_PLANNED
            overdue = overdue or status == MS_OVERDUE
            milestones.append([day, status, int(rng.random() < 0.25), first_title + j])

        if progress >= 100:
            card = CARD_NONE
        elif end < TODAY or overdue or expected * 100 - progress > 30:
            card = CARD_RED
        elif expected * 100 - progress > 10:
            card = CARD_YELLOW
        else:
            card = CARD_GREEN
        out.append([row_id, title, unit, leader, town, chain, start, end, progress, card, milestones])
    return {
        "v": 1,
        "origin": ORIGIN.isoformat(),
        "today": TODAY,
        "fields": list(FIELDS),
        "dict": {"unit": units, "leader": list(LEADERS), "town": list(TOWNS), "chain": [c + "产业链" for c in CHAINS],
                 "milestone": list(MILESTONES)},
        "rows": out,
    }


def _iso(data: dict, day: int) -> str:
    return (date.fromisoformat(data["origin"]) + timedelta(days=day)).isoformat()


def _columns(data: dict) -> dict[str, int]:
    return {name: i for i, name in enumerate(data["fields"])}


def to_dhtmlx(data: dict) -> dict:
    """dhtmlx-gantt's `gantt.parse()` input: one task per row (its end_date is exclusive), no links."""
    col = _columns(data)
    units = data["dict"]["unit"]
    leaders = data["dict"]["leader"]
    tasks = []
    for r in data["rows"]:
        tasks.append({
            "id": r[col["id"]],
            "text": r[col["title"]],
            "start_date": _iso(data, r[col["start"]]),
            "end_date": _iso(data, r[col["end"]] + 1),
            "progress": r[col["progress"]] / 100,
            "unit": units[r[col["unit"]]],
            "leader": leaders[r[col["leader"]]],
        })
    return {"data": tasks, "links": []}


def to_frappe(data: dict) -> list[dict]:
    """frappe-gantt's task list: one bar per row (its end is inclusive)."""
    col = _columns(data)
    return [
        {
            "id": str(r[col["id"]]),
            "name": r[col["title"]],
            "start": _iso(data, r[col["start"]]),
            "end": _iso(data, r[col["end"]]),
            "progress": r[col["progress"]],
        }
        for r in data["rows"]
    ]


def to_dhtmlx_grouped(data: dict) -> dict:
    """dhtmlx-gantt input showing what our page shows: rows grouped by town (the page's default groupBy; dhtmlx's own
    groupBy is a paid feature, so each town is a parent "project" row) and every milestone as a milestone child of
    its row."""
    col = _columns(data)
    towns = data["dict"]["town"]
    tasks = to_dhtmlx(data)["data"]
    spans: dict[str, list[str]] = {}
    for task, r in zip(tasks, data["rows"], strict=True):
        town = r[col["town"]]
        group = f"g{town}" if town is not None else "g-"
        task["parent"] = group
        span = spans.setdefault(group, [task["start_date"], task["end_date"]])
        span[0], span[1] = min(span[0], task["start_date"]), max(span[1], task["end_date"])
    groups = [{"id": group, "text": towns[int(group[1:])] if group != "g-" else "未分镇街", "type": "project",
               "open": True, "start_date": start, "end_date": end} for group, (start, end) in spans.items()]
    milestones = [{"id": f"m{r[col['id']]}-{j}", "text": data["dict"]["milestone"][m[3]], "type": "milestone",
                   "start_date": _iso(data, m[0]), "duration": 0, "parent": r[col["id"]]}
                  for r in data["rows"] for j, m in enumerate(r[col["milestones"]])]
    return {"data": groups + tasks + milestones, "links": []}


def to_windows(data: dict, first: int, size: int, group: str = "town") -> list[dict]:
    """`data` as the endpoint sends it in windows (projects/battle.py): rows in display order — by the group's dict
    index ("not set" last), then start, then id — cut into a first window of `first` rows and then `size` each, every
    window with the total, its offset and the span of all rows."""
    col = _columns(data)
    g = col.get(group)

    def key(row):
        rank = row[g] if g is not None and row[g] is not None else float("inf")
        return (rank if g is not None else 0, row[col["start"]], row[col["id"]])

    rows = sorted(data["rows"], key=key)
    days = []
    for r in rows:
        days += [r[col["start"]], r[col["end"]]]
        if "milestones" in col:
            days += [m[0] for m in r[col["milestones"]] or ()]
    days = [d for d in days if d is not None]
    head = {k: v for k, v in data.items() if k != "rows"}
    span = [min(days), max(days)] if days else None
    cuts = [0, *range(first, len(rows), size)] if len(rows) > first else [0]
    return [{**head, "total": len(rows), "offset": at, "span": span,
             "rows": rows[at:first] if at == 0 else rows[at:at + size]} for at in cuts]
