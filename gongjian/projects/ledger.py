"""The project ledger (重点项目台账): an .xlsx template, an all-or-nothing import with a dry run, and exports — the task
ledger's pattern (campaigns/ledger.py). Money is in 万元 (exact: yuan ÷ 10,000), the plan is the campaign's year."""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Self

from django.db import transaction
from django.db.models import QuerySet

from gongjian.audit.services import record
from gongjian.campaigns.ledger import Lookups as TaskLookups
from gongjian.campaigns.models import Campaign, Task
from gongjian.campaigns.services import _check_dates, _check_relations
from gongjian.errors import UserError
from gongjian.org.models import Unit
from gongjian.projects import services
from gongjian.projects.calc import TEN_THOUSAND
from gongjian.projects.models import Project, ProjectApproval, ProjectFunding, ProjectPlan
from gongjian.types import User
from gongjian.xlsx import CellError, Column, SheetSpec, column_letter, read_table, write_table

SHEET = "重点项目台账"
LEVEL = dict(Project.Level.choices)
NATURE = dict(Project.Nature.choices)
STATS = dict(Project.StatsStatus.choices)
BASIS = dict(Project.StatsBasis.choices)
STAGE = dict(Project.Stage.choices)
SOURCES = dict(ProjectFunding.Source.choices)
APPROVALS = dict(ProjectApproval.Kind.choices)
APPROVAL_STATUS = dict(ProjectApproval.Status.choices)
MONEY_FIELDS = ("total_investment", "prior_investment")
DATE_FIELDS = ("planned_production", "actual_start", "actual_completion", "actual_production", "stats_on",
               "signed_on")


def _choice(key: str, header: str, choices, *, required: bool = False, multi: bool = False) -> Column:
    """A drop-down column; with nothing to choose from (an export) plain text."""
    choices = list(choices)
    if not choices:
        return Column(key, header, "text", required=required, max_length=2000)
    return Column(key, header, "multi_choice" if multi else "choice", required=required, choices=choices)


def _wan(key: str, header: str, *, required: bool = False) -> Column:
    return Column(key, f"{header}（万元）", "decimal", required=required, min_value=Decimal(0),
                  max_value=Decimal("1e11"))


def _columns(*, areas=(), units=(), leaders=(), task_forces=(), towns=()) -> list[Column]:
    columns = [
        Column("code", "项目代码", "text", max_length=40),
        Column("title", "项目名称", "text", required=True, max_length=200),
        _choice("focus_area", "重点方向", areas),
        Column("description", "项目简介", "text", max_length=5000),
        Column("level", "项目级别", "choice", choices=list(LEVEL.values())),
        Column("nature", "建设性质", "choice", choices=list(NATURE.values())),
        Column("industry_chain", "产业链", "text", max_length=40),
        _choice("town", "所在镇街", towns),
        Column("longitude", "经度", "decimal", min_value=Decimal(-180), max_value=Decimal(180)),
        Column("latitude", "纬度", "decimal", min_value=Decimal(-90), max_value=Decimal(90)),
        Column("owner_company", "建设单位", "text", max_length=200),
        Column("contact_name", "项目联系人", "text", max_length=40),
        Column("contact_phone", "联系电话", "text", max_length=20),
        _choice("lead_leader", "牵头市级领导", leaders),
        _choice("lead_unit", "牵头单位", units, required=True),
        _choice("co_units", "配合单位", units, multi=True),
        _choice("task_force", "专班", task_forces),
        _wan("total_investment", "总投资", required=True),
        _wan("prior_investment", "以前年度累计完成投资"),
        *[_wan(f"fund_{s}", f"资金来源：{label}") for s, label in SOURCES.items()],
        Column("planned_start", "计划开工", "date", required=True),
        Column("planned_completion", "计划竣工", "date", required=True),
        Column("planned_production", "计划投产", "date"),
        Column("actual_start", "实际开工", "date"),
        Column("actual_completion", "实际竣工", "date"),
        Column("actual_production", "实际投产", "date"),
        Column("workers_on_site", "在岗工人数", "int", min_value=0, max_value=1_000_000),
        Column("stats_status", "纳统状态", "choice", choices=list(STATS.values())),
        Column("stats_basis", "开工依据", "choice", choices=list(BASIS.values())),
        Column("stats_on", "入库日期", "date"),
        Column("stats_reason", "未入库原因", "text", max_length=300),
        Column("attraction_stage", "招商阶段", "choice", choices=list(STAGE.values())),
        Column("signed_on", "签约日期", "date"),
        Column("is_foreign", "外资项目", "bool"),
        Column("foreign_amount_usd", "外资金额（美元）", "decimal", min_value=Decimal(0), max_value=Decimal("1e13")),
    ]
    for kind, label in APPROVALS.items():
        columns += [Column(f"appr_{kind}_status", f"{label}状态", "choice", choices=list(APPROVAL_STATUS.values())),
                    Column(f"appr_{kind}_planned", f"{label}计划办结", "date"),
                    Column(f"appr_{kind}_done", f"{label}办结日期", "date")]
    columns += [_wan(f"plan_{m}", f"{m}月计划投资") for m in range(1, 13)]
    columns += [_wan(f"gov_{m}", f"{m}月政府资金计划") for m in range(1, 13)]
    return columns


@dataclass
class Lookups(TaskLookups):
    """The task ledger's names, and the towns a project may sit in."""

    towns: dict[str, Unit] = field(default_factory=dict)

    @classmethod
    def for_campaign(cls, campaign: Campaign | None) -> Self:
        lookups = super().for_campaign(campaign)
        return replace(lookups, towns={n: u for n, u in lookups.units.items() if u.is_area})

    def columns(self) -> list[Column]:
        return _columns(areas=self.areas, units=self.units, leaders=self.leaders, task_forces=self.task_forces,
                        towns=self.towns)


def _to_wan(yuan: Decimal | None) -> Decimal | None:
    return None if yuan is None else (yuan / TEN_THOUSAND).quantize(Decimal("0.000001"))


def _to_yuan(wan: Decimal | None) -> Decimal | None:
    return None if wan is None else (wan * TEN_THOUSAND).quantize(Decimal("0.01"))


def template(campaign: Campaign | None = None) -> bytes:
    lookups = Lookups.for_campaign(campaign)
    sample = {
        "code": "2301-370285-04-01-000001", "title": "（示例）莱西预制菜产业园冷链物流中心",
        "focus_area": next(iter(lookups.areas), ""), "level": "县重点", "nature": "新开工", "industry_chain": "预制菜",
        "town": "姜山镇" if "姜山镇" in lookups.towns else "", "owner_company": "青岛某食品有限公司",
        "lead_unit": "姜山镇" if "姜山镇" in lookups.units else "", "total_investment": 12000,
        "fund_enterprise": 9000, "fund_bank": 3000, "planned_start": date(2023, 4, 1),
        "planned_completion": date(2024, 6, 30), "planned_production": date(2024, 9, 30), "stats_status": "待入库",
        "appr_project_status": "已办结", "appr_project_done": date(2023, 1, 16), "appr_land_status": "办理中",
        **{f"plan_{m}": (0 if m < 4 else 600) for m in range(1, 13)},
    }
    return write_table([SheetSpec(title=SHEET, columns=lookups.columns(), rows=[sample], dropdowns=True,
                                  sample_note="第2行为示例，导入前请删除或覆盖；金额单位为万元；月度计划为该攻坚行动年度的计划")])


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else ("*" * len(phone) if phone else "")


def export_projects(projects: QuerySet[Project], *, mask_contacts: bool = False) -> bytes:
    """Every column of the import, so an export imports again unchanged (contacts masked for read-only readers)."""
    projects = projects.select_related("focus_area", "town", "lead_leader", "lead_unit", "task_force", "campaign")
    ids = projects.values("pk")
    plans: dict[tuple[int, int], dict[int, tuple[Decimal, Decimal]]] = {}
    for pid, year, month, investment, gov in ProjectPlan.objects.filter(project__in=ids).values_list(
            "project_id", "year", "month", "investment", "gov_funds"):
        plans.setdefault((pid, year), {})[month] = (investment, gov)
    funding: dict[int, dict[str, Decimal]] = {}
    for pid, source, amount in ProjectFunding.objects.filter(project__in=ids).values_list("project_id", "source",
                                                                                          "amount"):
        funding.setdefault(pid, {})[source] = amount
    approvals: dict[int, dict[str, ProjectApproval]] = {}
    for a in ProjectApproval.objects.filter(project__in=ids):
        approvals.setdefault(a.project_id, {})[a.kind] = a
    co_units: dict[int, list[str]] = {}
    for task_id, name in Task.co_units.through.objects.filter(task__in=ids).order_by("unit__order", "unit_id") \
            .values_list("task_id", "unit__name"):
        co_units.setdefault(task_id, []).append(name)

    def rows():
        for p in projects.iterator(chunk_size=2000):
            row = {
                "code": p.code, "title": p.title, "focus_area": p.focus_area.title if p.focus_area_id else "",
                "description": p.description, "level": LEVEL[p.level], "nature": NATURE[p.nature],
                "industry_chain": p.industry_chain, "town": p.town.name if p.town_id else "",
                "longitude": p.longitude, "latitude": p.latitude, "owner_company": p.owner_company,
                "contact_name": p.contact_name,
                "contact_phone": mask_phone(p.contact_phone) if mask_contacts else p.contact_phone,
                "lead_leader": p.lead_leader.display_name if p.lead_leader_id else "", "lead_unit": p.lead_unit.name,
                "co_units": "、".join(co_units.get(p.pk, [])),
                "task_force": p.task_force.name if p.task_force_id else "",
                "total_investment": _to_wan(p.total_investment), "prior_investment": _to_wan(p.prior_investment),
                "planned_start": p.start, "planned_completion": p.deadline, "workers_on_site": p.workers_on_site,
                "stats_status": STATS[p.stats_status], "stats_basis": BASIS.get(p.stats_basis, ""),
                "stats_reason": p.stats_reason, "attraction_stage": STAGE.get(p.attraction_stage, ""),
                "is_foreign": p.is_foreign, "foreign_amount_usd": p.foreign_amount_usd,
                **{name: getattr(p, name) for name in DATE_FIELDS},
                **{f"fund_{s}": _to_wan(v) for s, v in funding.get(p.pk, {}).items()},
            }
            for kind, a in approvals.get(p.pk, {}).items():
                row |= {f"appr_{kind}_status": APPROVAL_STATUS[a.status], f"appr_{kind}_planned": a.planned_on,
                        f"appr_{kind}_done": a.done_on}
            for month, (investment, gov) in plans.get((p.pk, p.campaign.year), {}).items():
                row |= {f"plan_{month}": _to_wan(investment), f"gov_{month}": _to_wan(gov)}
            yield row

    return write_table([SheetSpec(title=SHEET, columns=_columns(), rows=rows(), dropdowns=False)])


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


# A service's refusal names a field; this is the column that holds it.
_FIELD_COLUMN = {"start": "planned_start", "deadline": "planned_completion", "funding": "fund_enterprise",
                 "investment": "plan_1", "gov_funds": "gov_1", "stats_reason": "stats_status"}


@dataclass
class _Planned:
    row: int
    project: Project
    co_units: list[Unit]
    plan: tuple[list, list] | None  # None: the row gives no monthly plan
    funding: dict[str, Decimal]
    approvals: dict[str, dict]


class _Sheet:
    def __init__(self, columns: list[Column]):
        self.columns = {c.key: (c, column_letter(i + 1)) for i, c in enumerate(columns)}

    def error(self, row: int, key: str, message: str) -> CellError:
        key = _FIELD_COLUMN.get(key, key)
        if key.startswith("approval_"):
            key = f"appr_{key.removeprefix('approval_')}_status"
        if key.startswith(("investment_", "gov_funds_")):
            month = key.rpartition("_")[2]
            key = f"{'plan' if key.startswith('investment') else 'gov'}_{month}"
        if key.startswith("funding_"):
            key = f"fund_{key.removeprefix('funding_')}"
        column, letter = self.columns.get(key) or self.columns["title"]
        return CellError(row, column.header, letter, f"第{row}行「{column.header}」：{message}")


def _by_label(labels: dict[str, str], label: str | None) -> str:
    return next((value for value, text in labels.items() if text == label), "")


def _build(row: dict, campaign: Campaign, lookups: Lookups) -> _Planned:
    """One row as an unsaved project and its plan, funding and approvals, checked as the services check them."""
    fields = {
        "code": row.get("code") or "", "level": _by_label(LEVEL, row.get("level")) or Project.Level.COUNTY,
        "nature": _by_label(NATURE, row.get("nature")) or Project.Nature.NEW,
        "industry_chain": row.get("industry_chain") or "", "town": lookups.towns.get(row.get("town") or ""),
        "latitude": row.get("latitude"), "longitude": row.get("longitude"),
        "owner_company": row.get("owner_company") or "", "contact_name": row.get("contact_name") or "",
        "contact_phone": row.get("contact_phone") or "", "total_investment": _to_yuan(row.get("total_investment")),
        "prior_investment": _to_yuan(row.get("prior_investment")), "workers_on_site": row.get("workers_on_site"),
        "stats_status": _by_label(STATS, row.get("stats_status")) or Project.StatsStatus.PENDING,
        "stats_basis": _by_label(BASIS, row.get("stats_basis")), "stats_reason": row.get("stats_reason") or "",
        "attraction_stage": _by_label(STAGE, row.get("attraction_stage")), "is_foreign": bool(row.get("is_foreign")),
        "foreign_amount_usd": row.get("foreign_amount_usd"), **{name: row.get(name) for name in DATE_FIELDS},
    }
    cleaned = {name: services.clean_value(name, value) for name, value in fields.items()}
    lead_unit = lookups.units[row["lead_unit"]]
    co_units = [lookups.units[name] for name in row.get("co_units") or []]
    leader = lookups.leaders.get(row.get("lead_leader") or "")
    area = lookups.areas.get(row.get("focus_area") or "")
    task_force = lookups.task_forces.get(row.get("task_force") or "")
    _check_relations(campaign=campaign, focus_area=area, lead_unit=lead_unit, co_units=co_units,
                              lead_leader=leader, task_force=task_force)
    _check_dates(row["planned_start"], row["planned_completion"])
    project = Project(campaign=campaign, focus_area=area, title=row["title"], description=row.get("description") or "",
                      lead_unit=lead_unit, lead_leader=leader, task_force=task_force, start=row["planned_start"],
                      deadline=row["planned_completion"], **cleaned)
    services.check_project(project)
    months = [(_to_yuan(row.get(f"plan_{m}")), _to_yuan(row.get(f"gov_{m}"))) for m in range(1, 13)]
    given = any(v is not None for pair in months for v in pair)
    plan = services.clean_plan(project, [p for p, _ in months], [g for _, g in months]) if given else None
    funding = services.clean_funding(project, {s: _to_yuan(row.get(f"fund_{s}")) for s in SOURCES})
    approvals = services.clean_approvals({
        kind: {"status": _by_label(APPROVAL_STATUS, row.get(f"appr_{kind}_status")) or ProjectApproval.Status.TODO,
               "planned_on": row.get(f"appr_{kind}_planned"), "done_on": row.get(f"appr_{kind}_done")}
        for kind in APPROVALS if any(row.get(f"appr_{kind}_{part}") for part in ("status", "planned", "done"))
    })
    return _Planned(row["_row"], project, co_units, plan, funding, approvals)


def import_projects(*, actor: User, campaign: Campaign, data: bytes, commit: bool) -> ImportResult:
    """Validate every row; write nothing unless every row is good and `commit` is set. Imported projects are drafts
    with the campaign's year as their plan year."""
    lookups = Lookups.for_campaign(campaign)
    columns = lookups.columns()
    sheet = _Sheet(columns)
    parsed = read_table(data, columns)
    result = ImportResult(rows=len(parsed.rows), errors=list(parsed.errors))
    if result.errors:
        return result
    titles = set(campaign.tasks.values_list("title", flat=True))
    codes = set(Project.objects.exclude(code="").values_list("code", flat=True))
    seen_titles: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    planned: list[_Planned] = []
    for row in parsed.rows:
        n, title, code = row["_row"], row["title"], row.get("code") or ""
        if title in titles:
            result.errors.append(sheet.error(n, "title", f"“{title}”在该攻坚行动中已存在"))
        elif title in seen_titles:
            result.errors.append(sheet.error(n, "title", f"与第{seen_titles[title]}行重复"))
        seen_titles.setdefault(title, n)
        if code and code in codes:
            result.errors.append(sheet.error(n, "code", f"“{code}”已被其他项目使用"))
        elif code and code in seen_codes:
            result.errors.append(sheet.error(n, "code", f"与第{seen_codes[code]}行重复"))
        seen_codes.setdefault(code, n)
        try:
            planned.append(_build(row, campaign, lookups))
        except UserError as exc:
            result.errors.append(sheet.error(n, exc.field or "title", exc.message))
    result.errors.sort(key=lambda e: (e.row, e.letter))
    if result.errors or not commit:
        return result
    with transaction.atomic():
        result.created = _write(actor=actor, campaign=campaign, planned=planned)
    return result


def _write(*, actor, campaign: Campaign, planned: list[_Planned]) -> int:
    for item in planned:
        # Multi-table inheritance rules out bulk_create: each project is one insert per table.
        item.project.save()
    through = Task.co_units.through
    through.objects.bulk_create([through(task_id=item.project.pk, unit_id=u.pk)
                                 for item in planned for u in item.co_units], batch_size=2000)
    ProjectPlan.objects.bulk_create([
        ProjectPlan(project=item.project, year=campaign.year, month=m + 1, investment=item.plan[0][m],
                    gov_funds=item.plan[1][m])
        for item in planned if item.plan is not None for m in range(12)
    ], batch_size=2000)
    ProjectFunding.objects.bulk_create([ProjectFunding(project=item.project, source=s, amount=v)
                                        for item in planned for s, v in item.funding.items()], batch_size=2000)
    ProjectApproval.objects.bulk_create([ProjectApproval(project=item.project, kind=kind, **values)
                                         for item in planned for kind, values in item.approvals.items()],
                                        batch_size=2000)
    record(actor=actor, event="project_ledger.import", obj=campaign,
           changes={"created": len(planned), "first_project": planned[0].project.pk if planned else None,
                    "last_project": planned[-1].project.pk if planned else None})
    return len(planned)
