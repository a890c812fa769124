"""Writes on projects: the project card, its plan, funding, approvals, statistics and attraction stage, the monthly
project dispatch (report + figures in one transaction) and the battle map's targets. Keyword-only, atomic, audited."""

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Sum

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns.models import Campaign, FocusArea, Task
from gongjian.campaigns.services import (
    EDITABLE_FIELDS,
    _check_dates,
    _check_relations,
    _decimal,
    _text,
    task_update,
)
from gongjian.dispatch import services as dispatch_services
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.errors import Conflict, UserError
from gongjian.org.models import Person, Unit
from gongjian.projects.calc import HUNDRED, ZERO, wan_text
from gongjian.projects.models import (
    STATS_THRESHOLD,
    BattleTarget,
    Project,
    ProjectApproval,
    ProjectFigures,
    ProjectFunding,
    ProjectPlan,
)
from gongjian.types import User

CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,39}")
PHONE_RE = re.compile(r"[0-9+\- ]{5,20}")
# Project fields and their labels; the task's own fields go through campaigns.services.task_update.
PROJECT_FIELDS = {
    "code": "项目代码", "level": "项目级别", "nature": "建设性质", "industry_chain": "产业链", "town": "所在镇街",
    "latitude": "纬度", "longitude": "经度", "owner_company": "建设单位", "contact_name": "项目联系人",
    "contact_phone": "联系电话", "total_investment": "总投资", "prior_investment": "以前年度累计完成投资",
    "actual_start": "实际开工", "actual_completion": "实际竣工", "planned_production": "计划投产",
    "actual_production": "实际投产", "workers_on_site": "在岗工人数", "stats_status": "纳统状态",
    "stats_basis": "开工依据", "stats_on": "入库日期", "stats_reason": "未入库原因", "attraction_stage": "招商阶段",
    "signed_on": "签约日期", "is_foreign": "外资项目", "foreign_amount_usd": "外资金额",
}
# What the lead unit's editor may keep current between monthly dispatches; the rest is the office's.
STATUS_FIELDS = ("actual_start", "actual_completion", "actual_production", "workers_on_site", "stats_status",
                 "stats_basis", "stats_on", "stats_reason")
_TEXT_LIMITS = {"industry_chain": 40, "owner_company": 200, "contact_name": 40, "stats_reason": 300}
_CHOICES = {"level": Project.Level, "nature": Project.Nature, "stats_status": Project.StatsStatus,
            "stats_basis": Project.StatsBasis, "attraction_stage": Project.Stage}
_PAST_DATES = ("actual_start", "actual_completion", "actual_production", "stats_on", "signed_on")
STATS_ORDER = [s.value for s in Project.StatsStatus]


def money(value: object, field: str, label: str, *, required: bool = False) -> Decimal | None:
    """Yuan as a Decimal with two places, never negative."""
    number = _decimal(value, field, label)
    if number is None:
        if required:
            raise UserError(f"「{label}」不能为空", "required", field=field)
        return None
    if number < 0:
        raise UserError(f"「{label}」不能为负数", "invalid", field=field)
    return number


def clean_value(name: str, value: Any) -> Any:
    label = PROJECT_FIELDS[name]
    if name == "code":
        value = _text(value, name, label, max_length=40, required=False)
        if value and not CODE_RE.fullmatch(value):
            raise UserError("「项目代码」只能包含字母、数字和“-”", "invalid", field=name)
        return value
    if name == "contact_phone":
        value = _text(value, name, label, max_length=20, required=False)
        if value and not PHONE_RE.fullmatch(value):
            raise UserError("「联系电话」格式不正确", "invalid", field=name)
        return value
    if name in _TEXT_LIMITS:
        return _text(value, name, label, max_length=_TEXT_LIMITS[name], required=False)
    if name in _CHOICES:
        value = value or ""
        if value == "" and name in ("stats_basis", "attraction_stage"):
            return ""
        if value not in _CHOICES[name].values:
            raise UserError(f"「{label}」没有“{value}”这一项", "invalid", field=name)
        return value
    if name in ("total_investment", "prior_investment"):
        return money(value, name, label) or ZERO
    if name == "foreign_amount_usd":
        return money(value, name, label)
    if name in ("latitude", "longitude"):
        return _coordinate(value, name, label, 90 if name == "latitude" else 180)
    if name == "workers_on_site":
        return _count(value, name, label)
    if name == "is_foreign":
        return bool(value)
    if name == "town":
        if value is not None and (not isinstance(value, Unit) or not value.is_area):
            raise UserError("「所在镇街」须是镇、街道或功能区", "invalid", field=name)
        return value
    if value is not None and not isinstance(value, date):
        raise UserError(f"「{label}」不是有效日期", "invalid", field=name)
    if value is not None and name in _PAST_DATES and value > clock.today():
        raise UserError(f"「{label}」不能晚于今天", "invalid", field=name)
    return value


def _coordinate(value: object, field: str, label: str, bound: int) -> Decimal | None:
    number = _decimal(value, field, label)
    if number is None:
        return None
    if abs(number) > bound:
        raise UserError(f"「{label}」超出范围", "invalid", field=field)
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def _count(value: Any, field: str, label: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UserError(f"「{label}」必须是整数", "invalid", field=field) from None
    if not 0 <= number <= 1_000_000:
        raise UserError(f"「{label}」超出范围", "invalid", field=field)
    return number


def _check_code(project: Project) -> None:
    if project.code and Project.objects.filter(code=project.code).exclude(pk=project.pk).exists():
        raise UserError(f"项目代码“{project.code}”已被其他项目使用", "duplicate", field="code", status=409)


def check_project(project: Project) -> None:
    """Rules across fields, on the project as it would be saved (no queries); adjusts what follows from others."""
    if (project.latitude is None) != (project.longitude is None):
        raise UserError("经度和纬度须同时填写", "invalid", field="latitude")
    if project.prior_investment > project.total_investment:
        raise UserError("以前年度累计完成投资不能超过总投资", "invalid", field="prior_investment")
    start = project.actual_start
    for name in ("actual_completion", "actual_production"):
        later = getattr(project, name)
        if later is not None and (start is None or later < start):
            raise UserError(f"「{PROJECT_FIELDS[name]}」须在实际开工之后", "invalid", field=name)
    if project.foreign_amount_usd and not project.is_foreign:
        raise UserError("填写外资金额须勾选“外资项目”", "invalid", field="is_foreign")
    if project.total_investment < STATS_THRESHOLD:
        project.stats_status = Project.StatsStatus.NOT_APPLICABLE
    elif project.stats_status == Project.StatsStatus.NOT_APPLICABLE:
        project.stats_status = Project.StatsStatus.PENDING
    if project.stats_status == Project.StatsStatus.IN_STATS:
        if start is None or not project.stats_basis:
            raise UserError("纳统入库须先填写实际开工日期和开工依据（主体工程开工或设备进场）", "invalid",
                            field="stats_status")
        project.stats_on = project.stats_on or clock.today()
        project.stats_reason = ""
    if project.attraction_stage:
        _follow_stage(project)


def _follow_stage(project: Project) -> None:
    """An attracted project that has started or produced is at least at that stage."""
    reached = Project.STAGE_ORDER.index(project.attraction_stage)
    if project.actual_production and reached < Project.STAGE_ORDER.index(Project.Stage.PRODUCING):
        project.attraction_stage = Project.Stage.PRODUCING
    elif project.actual_start and reached < Project.STAGE_ORDER.index(Project.Stage.STARTED):
        project.attraction_stage = Project.Stage.STARTED
    if project.stage_reached(Project.Stage.CONTRACT_SIGNED) and project.signed_on is None:
        project.signed_on = clock.today()


def _snapshot(project: Project) -> dict:
    return {name: getattr(project, name + "_id" if name == "town" else name) for name in PROJECT_FIELDS}


def project_create(
    *,
    actor: User,
    campaign: Campaign,
    title: str,
    lead_unit: Unit | None,
    planned_start: date,
    planned_completion: date,
    focus_area: FocusArea | None = None,
    co_units: Iterable[Unit] = (),
    lead_leader: Person | None = None,
    task_force: Unit | None = None,
    description: str = "",
    source: str = Task.Source.CAMPAIGN,
    **fields: Any,
) -> Project:
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise UserError(f"不能填写字段：{'、'.join(sorted(unknown))}", "invalid", field=sorted(unknown)[0])
    co_units = list(co_units)
    title = _text(title, "title", "项目名称", max_length=200)
    _check_relations(campaign=campaign, focus_area=focus_area, lead_unit=lead_unit, co_units=co_units,
                     lead_leader=lead_leader, task_force=task_force)
    if planned_start is None or planned_completion is None:
        raise UserError("「计划开工」和「计划竣工」不能为空", "required",
                        field="planned_start" if planned_start is None else "planned_completion")
    if planned_start > planned_completion:
        raise UserError(f"计划开工{planned_start.isoformat()}晚于计划竣工{planned_completion.isoformat()}", "invalid",
                        field="planned_start")
    _check_dates(planned_start, planned_completion)
    if campaign.tasks.filter(title=title).exists():
        raise UserError(f"项目“{title}”在该攻坚行动中已存在", "duplicate", field="title", status=409)
    cleaned = {name: clean_value(name, value) for name, value in fields.items()}
    project = Project(
        campaign=campaign, focus_area=focus_area, title=title, lead_unit=lead_unit, lead_leader=lead_leader,
        task_force=task_force, start=planned_start, deadline=planned_completion, source=source,
        description=_text(description, "description", "项目简介", max_length=5000, required=False), **cleaned,
    )
    check_project(project)
    _check_code(project)
    assert lead_unit is not None  # refused above without one
    with transaction.atomic():
        project.save()
        project.co_units.set(co_units)
        record(actor=actor, event="project.create", obj=project,
               changes={"title": title, "lead_unit": lead_unit.name, "planned_start": planned_start,
                        "planned_completion": planned_completion, "co_units": [u.name for u in co_units],
                        **_snapshot(project)})
    return project


def project_update(*, actor: User, project: Project, expected_version: int | None = None,
                   co_units: Iterable[Unit] | None = None, **fields: Any) -> Project:
    """Task fields (title, lead unit, planned start/completion as start/deadline …) go through task_update, so
    after assignment a new completion date needs an approved adjustment; project fields are checked here."""
    task_fields = {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}
    if "planned_start" in fields:
        task_fields["start"] = fields.pop("planned_start")
    if "planned_completion" in fields:
        task_fields["deadline"] = fields.pop("planned_completion")
    own = {k: v for k, v in fields.items() if k not in EDITABLE_FIELDS}
    unknown = set(own) - set(PROJECT_FIELDS)
    if unknown:
        raise UserError(f"不能修改字段：{'、'.join(sorted(unknown))}", "invalid", field=sorted(unknown)[0])
    cleaned = {name: clean_value(name, value) for name, value in own.items()}
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        if expected_version is not None and current.version != expected_version:
            raise Conflict("该项目已被他人修改，请刷新后重试", "conflict")
        if task_fields or co_units is not None:
            task_update(actor=actor, task=current, co_units=co_units, **task_fields)
            current = Project.objects.get(pk=project.pk)
        before = _snapshot(current)
        for name, value in cleaned.items():
            setattr(current, name, value)
        check_project(current)
        _check_code(current)
        after = _snapshot(current)
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            current.version = F("version") + 1
            current.save()
            current.refresh_from_db()
            record(actor=actor, event="project.update", obj=current, changes=changes)
    return current


def _months_of(values: Sequence, field: str, label: str) -> list[Decimal]:
    if len(values) != 12:
        raise UserError(f"「{label}」须填写12个月", "invalid", field=field)
    return [money(v, f"{field}_{i + 1}", f"{i + 1}月{label}") or ZERO for i, v in enumerate(values)]


def clean_plan(project: Project, investment: Sequence, gov_funds: Sequence | None) -> tuple[list, list]:
    invest = _months_of(investment, "investment", "计划投资")
    gov = _months_of(gov_funds if gov_funds is not None else [None] * 12, "gov_funds", "政府资金计划")
    remaining = project.total_investment - project.prior_investment
    total = sum(invest, ZERO)
    if total > remaining:
        raise UserError(f"年度计划投资{wan_text(total)}万元，超过尚未完成的投资{wan_text(remaining)}万元",
                        "invalid", field="investment")
    return invest, gov


def project_plan_set(*, actor: User, project: Project, year: int, investment: Sequence, gov_funds: Sequence | None = None
                     ) -> list[ProjectPlan]:
    """Replace the year's monthly plan: planned investment and government funds to be paid, January to December."""
    if not 2000 <= int(year) <= 2100:
        raise UserError("年度超出范围", "invalid", field="year")
    invest, gov = clean_plan(project, investment, gov_funds)
    with transaction.atomic():
        ProjectPlan.objects.filter(project=project, year=year).delete()
        rows = ProjectPlan.objects.bulk_create([
            ProjectPlan(project=project, year=year, month=m + 1, investment=invest[m], gov_funds=gov[m])
            for m in range(12)
        ])
        record(actor=actor, event="project.plan_set", obj=project,
               changes={"year": year, "investment": [str(v) for v in invest], "gov_funds": [str(v) for v in gov]})
    return rows


def clean_funding(project: Project, amounts: Mapping[str, object]) -> dict[str, Decimal]:
    """Funding sources with an amount; when any is given they must add up to the total investment."""
    unknown = set(amounts) - set(ProjectFunding.Source.values)
    if unknown:
        raise UserError(f"未知的资金来源：{'、'.join(sorted(unknown))}", "invalid", field="funding")
    labels = dict(ProjectFunding.Source.choices)
    given = {s: money(v, f"funding_{s}", labels[s]) for s, v in amounts.items()}
    cleaned = {s: v for s, v in given.items() if v}
    total = sum(cleaned.values(), ZERO)
    if cleaned and total != project.total_investment:
        raise UserError(f"资金来源合计{wan_text(total)}万元，与总投资{wan_text(project.total_investment)}万元不一致",
                        "invalid", field="funding")
    return cleaned


def project_funding_set(*, actor: User, project: Project, amounts: Mapping[str, object]) -> list[ProjectFunding]:
    cleaned = clean_funding(project, amounts)
    with transaction.atomic():
        project.funding.all().delete()
        rows = ProjectFunding.objects.bulk_create([ProjectFunding(project=project, source=s, amount=v)
                                                   for s, v in cleaned.items()])
        record(actor=actor, event="project.funding_set", obj=project,
               changes={s: str(v) for s, v in cleaned.items()})
    return rows


def clean_approvals(items: Mapping[str, Mapping]) -> dict[str, dict]:
    kinds = dict(ProjectApproval.Kind.choices)
    cleaned = {}
    for kind, item in items.items():
        if kind not in kinds:
            raise UserError(f"未知的前期手续：{kind}", "invalid", field="approvals")
        status = item.get("status") or ProjectApproval.Status.TODO
        if status not in ProjectApproval.Status.values:
            raise UserError(f"「{kinds[kind]}」状态不正确", "invalid", field=f"approval_{kind}")
        done_on, planned_on = item.get("done_on"), item.get("planned_on")
        if status == ProjectApproval.Status.DONE and done_on is None:
            raise UserError(f"「{kinds[kind]}」已办结须填写办结日期", "required", field=f"approval_{kind}")
        if status != ProjectApproval.Status.DONE and done_on is not None:
            raise UserError(f"「{kinds[kind]}」未办结，不能填写办结日期", "invalid", field=f"approval_{kind}")
        if done_on is not None and done_on > clock.today():
            raise UserError(f"「{kinds[kind]}」办结日期不能晚于今天", "invalid", field=f"approval_{kind}")
        cleaned[kind] = {"status": status, "planned_on": planned_on, "done_on": done_on}
    return cleaned


def project_approvals_set(*, actor: User, project: Project, items: Mapping[str, Mapping]) -> list[ProjectApproval]:
    """Set the pre-work approvals (前期手续): {kind: {"status", "planned_on", "done_on"}}."""
    cleaned = clean_approvals(items)
    with transaction.atomic():
        existing = {a.kind: a for a in project.approvals.select_for_update(of=("self",))}
        changes = {}
        for kind, values in cleaned.items():
            row = existing.get(kind) or ProjectApproval(project=project, kind=kind)
            before = {k: getattr(row, k) for k in values} if row.pk else {}
            if before != values:
                for k, v in values.items():
                    setattr(row, k, v)
                row.save()
                changes[kind] = values
        if changes:
            record(actor=actor, event="project.approvals_set", obj=project, changes=changes)
    return list(project.approvals.all())


def project_stats_set(*, actor: User, project: Project, status: str, basis: str = "", on: date | None = None,
                      reason: str = "") -> Project:
    """纳统: pending → submitted → reviewed → in statistics; a step back needs a reason (退回、核减)."""
    if status not in Project.StatsStatus.values:
        raise UserError("纳统状态不正确", "invalid", field="stats_status")
    if status != project.stats_status and project.stats_status in STATS_ORDER and \
            STATS_ORDER.index(status) < STATS_ORDER.index(project.stats_status) and not (reason or "").strip():
        raise UserError("纳统状态回退须说明原因", "required", field="stats_reason")
    fields: dict[str, Any] = {"stats_status": status, "stats_basis": basis or project.stats_basis,
                              "stats_reason": reason}
    if on is not None:
        fields["stats_on"] = on
    return project_update(actor=actor, project=project, **fields)


def _clean_figures(figures: Mapping) -> dict:
    labels = {"invested": "本期完成投资", "funds_in_place": "本期到位资金", "gov_funds_paid": "本期拨付政府资金"}
    cleaned: dict[str, Any] = {name: money(figures.get(name), name, label, required=name == "invested")
               for name, label in labels.items()}
    cleaned = {k: (v if v is not None else ZERO) for k, v in cleaned.items()}
    workers = figures.get("workers")
    cleaned["workers"] = None if workers in (None, "") else _count(workers, "workers", "在岗工人数")
    cleaned["image_progress"] = _text(figures.get("image_progress"), "image_progress", "形象进度", max_length=2000,
                                      required=False)
    return cleaned


def since_start(project: Project, *, through: ReportingPeriod, exclude_report: int | None = None) -> Decimal:
    """Completed investment from the project's start to the end of a period: the prior years' total plus every
    approved monthly figure up to that period."""
    approved = ProjectFigures.objects.filter(project=project, report__state=ProgressReport.State.APPROVED,
                                             period__start__lte=through.start)
    if exclude_report is not None:
        approved = approved.exclude(report_id=exclude_report)
    return project.prior_investment + (approved.aggregate(s=Sum("invested"))["s"] or ZERO)


def _live_draft(project: Project, period: ReportingPeriod) -> ProgressReport | None:
    live = (ProgressReport.objects.filter(task_id=project.pk, period=period).exclude(state=ProgressReport.State.SUPERSEDED)
            .order_by("-id"))
    return live.first()


def project_dispatch_save(*, actor: User, project: Project, period: ReportingPeriod, report_fields: Mapping,
                          figures: Mapping, uploads: Sequence = (), submit: bool = False,
                          expected_version: int | None = None) -> ProgressReport:
    """The monthly project dispatch: the progress report (through dispatch's services) and its investment figures
    are saved, and optionally submitted, together or not at all."""
    if period.kind != ReportingPeriod.Kind.MONTH:
        raise UserError("项目调度按月填报", "invalid", field="period")
    cleaned = _clean_figures(figures)
    fields = dict(report_fields)
    with transaction.atomic():
        current = _live_draft(project, period)
        if dispatch_services.derived_percent(project, fields.get("milestones_done") or {}) is None \
                and project.total_investment > 0:
            done = since_start(project, through=period, exclude_report=current.pk if current else None)
            fields["percent"] = min(HUNDRED, (done + cleaned["invested"]) * HUNDRED / project.total_investment)
        if current is not None and current.supersedes_id and current.state in (ProgressReport.State.DRAFT,
                                                                               ProgressReport.State.RETURNED):
            report = dispatch_services.report_update(actor=actor, report=current, expected_version=expected_version,
                                                     **fields)
        else:
            report = dispatch_services.report_save(actor=actor, task=project, period=period,
                                                   expected_version=expected_version, **fields)
        row, created = ProjectFigures.objects.update_or_create(
            report=report, defaults={"project": project, "period": period, "year": period.start.year,
                                     "month": period.start.month, **cleaned})
        record(actor=actor, event="project_figures.create" if created else "project_figures.update", obj=row,
               changes={"project": project.pk, "period": period.label, **cleaned})
        for upload in uploads:
            dispatch_services.evidence_add(actor=actor, report=report, upload=upload)
        if submit:
            report = dispatch_services.report_submit(actor=actor, report=report)
    return report


def on_report_approved(*, report: ProgressReport, actor: User) -> None:
    """An approved project report carries its figures (a correction takes the original's when it has none of its
    own) and the project takes the report's head count."""
    figures = ProjectFigures.objects.filter(report=report).first()
    if figures is None and report.supersedes_id:
        original = ProjectFigures.objects.filter(report_id=report.supersedes_id).first()
        if original is not None:
            original.pk, original.report = None, report
            original.save()
            figures = original
            record(actor=actor, event="project_figures.carry", obj=figures,
                   changes={"from_report": report.supersedes_id, "report": report.pk})
    if figures is not None and figures.workers is not None:
        Project.objects.filter(pk=figures.project_id).update(workers_on_site=figures.workers)


def battle_target_set(*, actor: User, campaign: Campaign, focus_area: FocusArea | None = None, town: Unit | None = None,
                      attract: int = 0, start: int = 0, produce: int = 0, investment: object = None,
                      leader: Person | None = None, unit: Unit | None = None) -> BattleTarget:
    if (focus_area is None) == (town is None):
        raise UserError("作战目标须针对一个重点方向或一个镇街", "invalid", field="focus_area")
    if focus_area is not None and focus_area.campaign_id != campaign.pk:
        raise UserError("重点方向不属于该攻坚行动", "invalid", field="focus_area")
    if town is not None and not town.is_area:
        raise UserError("「镇街」须是镇、街道或功能区", "invalid", field="town")
    if leader is not None and not leader.is_city_leader:
        raise UserError(f"“{leader.display_name}”不是市级领导", "invalid", field="leader")
    counts = {name: _count(value, name, label) for name, value, label in
              (("attract", attract, "招引项目"), ("start", start, "开工项目"), ("produce", produce, "投产项目"))}
    values = {**counts, "investment": money(investment, "investment", "完成投资") or ZERO, "leader": leader,
              "unit": unit}
    with transaction.atomic():
        target, created = BattleTarget.objects.update_or_create(campaign=campaign, focus_area=focus_area, town=town,
                                                                defaults=values)
        record(actor=actor, event="battle_target.set", obj=target,
               changes={"campaign": campaign.pk, "focus_area": focus_area.pk if focus_area else None,
                        "town": town.pk if town else None, **values, "created": created})
    return target
