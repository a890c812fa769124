"""The task ledger (台账): an .xlsx template, an all-or-nothing import with a dry run, and exports."""

from dataclasses import dataclass, field
from datetime import date
from typing import Self

from django.db import transaction
from django.db.models import QuerySet

from gongjian.audit.services import record
from gongjian.bulk import insert_rows
from gongjian.campaigns.models import Campaign, FocusArea, Milestone, Task
from gongjian.org.models import Person, Unit
from gongjian.types import User
from gongjian.xlsx import CellError, Column, SheetSpec, column_letter, read_table, write_table

SOURCE_BY_LABEL = {label: value for value, label in Task.Source.choices}
MILESTONE_SEPARATORS = ("；", ";", "\n")


def _choice(key: str, header: str, choices: list[str], *, required: bool = False, multi: bool = False) -> Column:
    """A drop-down column; with nothing to choose from (an export, or a campaign without focus areas) plain text."""
    if not choices:
        return Column(key, header, "text", required=required, max_length=2000)
    return Column(key, header, "multi_choice" if multi else "choice", required=required, choices=choices)


def _columns(*, areas: list[str], units: list[str], leaders: list[str], task_forces: list[str]) -> list[Column]:
    return [
        _choice("focus_area", "重点方向", areas),
        Column("title", "任务名称", "text", required=True, max_length=200),
        Column("description", "任务描述", "text", max_length=5000),
        Column("source", "来源", "choice", choices=list(SOURCE_BY_LABEL)),
        _choice("lead_leader", "牵头市级领导", leaders),
        _choice("lead_unit", "牵头单位", units, required=True),
        _choice("co_units", "配合单位", units, multi=True),
        _choice("task_force", "专班", task_forces),
        Column("start", "开始日期", "date"),
        Column("deadline", "办结时限", "date", required=True),
        Column("indicator", "量化指标", "text", max_length=100),
        Column("indicator_unit", "指标单位", "text", max_length=20),
        Column("target_value", "目标值", "decimal"),
        Column("is_hot", "一周一反馈", "bool"),
        Column("milestones", "节点计划", "text", max_length=4000),
    ]


@dataclass
class Lookups:
    """The names a ledger's cells may hold, read once per import; the project ledger adds its towns."""

    areas: dict[str, FocusArea]
    units: dict[str, Unit]
    leaders: dict[str, Person]
    task_forces: dict[str, Unit]

    @classmethod
    def for_campaign(cls, campaign: Campaign | None) -> Self:
        areas = {a.title: a for a in FocusArea.objects.filter(campaign=campaign)} if campaign else {}
        units = {u.name: u for u in Unit.objects.filter(is_active=True)}
        leaders = {p.display_name: p for p in Person.objects.filter(is_city_leader=True, user__is_active=True)}
        task_forces = {n: u for n, u in units.items() if u.kind == Unit.Kind.TASK_FORCE}
        return cls(areas, units, leaders, task_forces)

    def columns(self) -> list[Column]:
        return _columns(areas=list(self.areas), units=list(self.units), leaders=list(self.leaders),
                        task_forces=list(self.task_forces))


def template(campaign: Campaign | None = None) -> bytes:
    lookups = Lookups.for_campaign(campaign)
    sample = {
        "focus_area": next(iter(lookups.areas), ""), "title": "（示例）推进姜山新材料产业园标准厂房建设",
        "description": "完成一期10万平方米标准厂房主体建设", "source": "年度攻坚",
        "lead_leader": next(iter(lookups.leaders), ""), "lead_unit": "姜山镇" if "姜山镇" in lookups.units else "",
        "co_units": "发改局、自然资源局" if "自然资源局" in lookups.units else "", "task_force": "",
        "start": date(2023, 2, 1), "deadline": date(2023, 12, 31), "indicator": "标准厂房建成面积",
        "indicator_unit": "万平方米", "target_value": 10, "is_hot": "否",
        "milestones": "完成土地手续@2023-03-31；主体封顶@2023-09-30；竣工验收@2023-12-20",
    }
    return write_table([SheetSpec(title="任务台账", columns=lookups.columns(), rows=[sample], dropdowns=True,
                                  sample_note="第2行为示例，导入前请删除或覆盖；节点计划格式：名称@日期，多个以；分隔")])


def export_tasks(tasks: QuerySet[Task]) -> bytes:
    columns = _columns(areas=[], units=[], leaders=[], task_forces=[])
    milestones: dict[int, list[Milestone]] = {}
    for m in Milestone.objects.filter(task__in=tasks.values("id")).order_by("order", "id"):
        milestones.setdefault(m.task_id, []).append(m)
    source_labels = dict(Task.Source.choices)

    def rows():
        for t in tasks.iterator(chunk_size=2000):
            yield {
                "focus_area": t.focus_area.title if t.focus_area_id else "", "title": t.title,
                "description": t.description, "source": source_labels[t.source],
                "lead_leader": t.lead_leader.display_name if t.lead_leader_id else "",
                "lead_unit": t.lead_unit.name, "co_units": "、".join(u.name for u in t.co_units.all()),
                "task_force": t.task_force.name if t.task_force_id else "", "start": t.start,
                "deadline": t.deadline, "indicator": t.indicator, "indicator_unit": t.indicator_unit,
                "target_value": t.target_value, "is_hot": t.is_hot,
                "milestones": "；".join(f"{m.title}@{m.planned_date.isoformat() if m.planned_date else ''}"
                                       for m in milestones.get(t.id, [])),
            }

    return write_table([SheetSpec(title="任务台账", columns=columns, rows=rows(), dropdowns=False)])


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    errors: list[CellError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows": self.rows, "created": self.created, "ok": not self.errors,
            "errors": [{"row": e.row, "column": e.column, "letter": e.letter, "message": e.message}
                       for e in self.errors],
        }


def _milestones(text: str, deadline: date | None, row: int, errors: list[CellError], letter: str) -> list[tuple[str, date]]:
    items = []
    normalized = text
    for separator in MILESTONE_SEPARATORS[1:]:
        normalized = normalized.replace(separator, MILESTONE_SEPARATORS[0])
    for part in filter(None, (p.strip() for p in normalized.split(MILESTONE_SEPARATORS[0]))):
        title, _, when = part.rpartition("@")
        try:
            planned = date.fromisoformat(when.strip())
        except ValueError:
            errors.append(CellError(row, "节点计划", letter, f"第{row}行「节点计划」中“{part}”格式应为 名称@YYYY-MM-DD"))
            continue
        if not title.strip():
            errors.append(CellError(row, "节点计划", letter, f"第{row}行「节点计划」中“{part}”缺少节点名称"))
            continue
        if deadline and planned > deadline:
            errors.append(CellError(row, "节点计划", letter,
                                    f"第{row}行「节点计划」中“{title.strip()}”的日期晚于办结时限"))
            continue
        items.append((title.strip()[:200], planned))
    return items


def _letters(columns: list[Column]) -> dict[str, str]:
    """Each column's letter in the template, for error messages (computed once per import, not per row)."""
    return {c.key: column_letter(i) for i, c in enumerate(columns, 1)}


def import_tasks(*, actor: User | None, campaign: Campaign, data: bytes, commit: bool) -> ImportResult:
    """Validate every row; write nothing unless every row is good and `commit` is set. Imported tasks are drafts."""
    lookups = Lookups.for_campaign(campaign)
    columns = lookups.columns()
    letter = _letters(columns)
    parsed = read_table(data, columns)
    result = ImportResult(rows=len(parsed.rows), errors=list(parsed.errors))
    existing = set(campaign.tasks.values_list("title", flat=True))
    seen: dict[str, int] = {}
    planned: list[tuple[dict, list[tuple[str, date]]]] = []
    for row in parsed.rows:
        n = row["_row"]
        title = row.get("title")
        if title:
            if title in existing:
                result.errors.append(CellError(n, "任务名称", letter["title"], f"第{n}行「任务名称」“{title}”在该攻坚行动中已存在"))
            elif title in seen:
                result.errors.append(CellError(n, "任务名称", letter["title"], f"第{n}行「任务名称」与第{seen[title]}行重复"))
            seen.setdefault(title, n)
        start, deadline = row.get("start") or campaign.start, row.get("deadline")
        if deadline and start > deadline:
            result.errors.append(CellError(n, "开始日期", letter["start"],
                                           f"第{n}行「开始日期」晚于「办结时限」"))
        if row.get("lead_unit") and row["lead_unit"] in (row.get("co_units") or []):
            result.errors.append(CellError(n, "配合单位", letter["co_units"],
                                           f"第{n}行「配合单位」不能包含牵头单位"))
        planned.append((row, _milestones(row.get("milestones") or "", deadline, n, result.errors,
                                         letter["milestones"])))
    result.errors.sort(key=lambda e: (e.row, e.letter))
    if result.errors or not commit:
        return result
    with transaction.atomic():
        result.created = _write(actor=actor, campaign=campaign, lookups=lookups, planned=planned)
    return result


def _write(*, actor, campaign: Campaign, lookups: Lookups, planned) -> int:
    def pk(obj):
        return obj.pk if obj is not None else None

    insert_rows(Task, ({
        "campaign_id": campaign.pk, "focus_area_id": pk(lookups.areas.get(row.get("focus_area") or "")),
        "title": row["title"], "description": row.get("description") or "",
        "source": SOURCE_BY_LABEL.get(row.get("source") or "", "campaign"),
        "lead_leader_id": pk(lookups.leaders.get(row.get("lead_leader") or "")),
        "lead_unit_id": lookups.units[row["lead_unit"]].pk,
        "task_force_id": pk(lookups.task_forces.get(row.get("task_force") or "")),
        "start": row.get("start") or campaign.start, "deadline": row["deadline"],
        "indicator": row.get("indicator") or "", "indicator_unit": row.get("indicator_unit") or "",
        "target_value": row.get("target_value"), "is_hot": bool(row.get("is_hot")), "status": Task.Status.DRAFT,
    } for row, _ in planned))
    # The imported titles are unique and new in the campaign (checked above), so they give back the rows' keys.
    ids = dict(Task.objects.filter(campaign=campaign).values_list("title", "id"))
    task_ids = [ids[row["title"]] for row, _ in planned]
    through = Task.co_units.through
    insert_rows(through, ({"task_id": task_id, "unit_id": lookups.units[name].pk}
                          for task_id, (row, _) in zip(task_ids, planned, strict=True)
                          for name in (row.get("co_units") or [])))
    insert_rows(Milestone, ({"task_id": task_id, "title": title, "planned_date": when, "order": i + 1}
                            for task_id, (_, items) in zip(task_ids, planned, strict=True)
                            for i, (title, when) in enumerate(items)))
    record(actor=actor, event="ledger.import", obj=campaign,
           changes={"created": len(task_ids), "first_task": task_ids[0] if task_ids else None,
                    "last_task": task_ids[-1] if task_ids else None})
    return len(task_ids)
