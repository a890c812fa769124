"""The monthly dispatch workflow (每月调度): draft → submitted → returned/approved; approved is locked."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns.models import Milestone, Task
from gongjian.dispatch import evidence as evidence_files
from gongjian.dispatch.models import Contribution, Evidence, ProgressReport, ReportingPeriod
from gongjian.dispatch.signals import report_approved
from gongjian.errors import Conflict, UserError
from gongjian.messaging.services import unit_notify
from gongjian.org.models import Unit
from gongjian.types import User

State = ProgressReport.State
ACTION_NAMES: dict[str, str] = {State.SUBMITTED: "提交", State.RETURNED: "退回", State.APPROVED: "审核通过"}
EDITABLE = ("work_done", "next_steps", "percent", "indicator_actual", "problems", "support_needed", "milestones_done")
PROBLEM_CATEGORIES = {
    "land": "土地", "planning": "规划", "environment": "环评", "approval": "审批", "bidding": "招投标",
    "construction_permit": "施工许可", "funding": "资金", "energy": "能耗", "labour": "用工", "other": "其他",
}
PROBLEM_CATEGORY_CHOICES = list(PROBLEM_CATEGORIES.items())


def _decimal(value: object, field: str, label: str, *, low: int | None = None, high: int | None = None
             ) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise UserError(f"「{label}」必须是数字", "invalid", field=field) from None
    if not number.is_finite():
        raise UserError(f"「{label}」必须是数字", "invalid", field=field)
    if low is not None and number < low or high is not None and number > high:
        raise UserError(f"「{label}」必须在{low}到{high}之间", "out_of_range", field=field)
    return number.quantize(Decimal("0.01"))


def _problems(value: object) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise UserError("「存在问题」格式不正确", "invalid", field="problems")
    cleaned = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise UserError(f"第{i}个问题格式不正确", "invalid", field="problems")
        category = str(item.get("category") or "other")
        description = str(item.get("description") or "").strip()
        if category not in PROBLEM_CATEGORIES:
            raise UserError(f"第{i}个问题的类别“{category}”不存在", "invalid", field="problems")
        if not description:
            raise UserError(f"第{i}个问题缺少描述", "required", field="problems")
        if len(description) > 1000:
            raise UserError(f"第{i}个问题的描述不能超过1000字", "too_long", field="problems")
        cleaned.append({"category": category, "description": description})
    return cleaned


def _milestones_done(task: Task, value: object, period: ReportingPeriod) -> dict[str, str]:
    if not value:
        return {}
    if not isinstance(value, dict):
        raise UserError("「本期完成节点」格式不正确", "invalid", field="milestones_done")
    milestones = {str(m.pk): m for m in task.milestones.all()}
    cleaned = {}
    for key, when in value.items():
        milestone = milestones.get(str(key))
        if milestone is None:
            raise UserError("所选节点不属于该任务", "invalid", field="milestones_done")
        if milestone.done_on is not None:
            raise UserError(f"节点“{milestone.title}”已于{milestone.done_on}完成", "already_done",
                            field="milestones_done")
        try:
            done_on = date.fromisoformat(str(when)) if when else min(period.end, clock.today())
        except ValueError:
            raise UserError(f"节点“{milestone.title}”的完成日期无效", "invalid", field="milestones_done") from None
        if done_on > clock.today():
            raise UserError(f"节点“{milestone.title}”的完成日期不能晚于今天", "invalid", field="milestones_done")
        cleaned[str(milestone.pk)] = done_on.isoformat()
    return cleaned


def derived_percent(task: Task, milestones_done: dict[str, str]) -> Decimal | None:
    """Percent from weighted milestones: done weight over total weight. None when the task has none to weigh."""
    milestones = list(task.milestones.all())
    total = sum((m.weight for m in milestones), Decimal("0"))
    if not milestones or total <= 0:
        return None
    done = sum((m.weight for m in milestones if m.done_on or str(m.pk) in milestones_done), Decimal("0"))
    return (done * 100 / total).quantize(Decimal("0.01"))


def _clean(task: Task, period: ReportingPeriod, fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise UserError(f"不能填写字段：{'、'.join(sorted(unknown))}", "invalid", field=sorted(unknown)[0])
    data = dict(fields)
    for name, label, limit in (("work_done", "本期工作进展", 5000), ("next_steps", "下步计划", 5000),
                               ("support_needed", "需协调事项", 2000)):
        if name in data:
            data[name] = (data[name] or "").strip()
            if len(data[name]) > limit:
                raise UserError(f"「{label}」不能超过{limit}字", "too_long", field=name)
    if "percent" in data:
        data["percent"] = _decimal(data["percent"], "percent", "完成进度", low=0, high=100)
    if "indicator_actual" in data:
        data["indicator_actual"] = _decimal(data["indicator_actual"], "indicator_actual", "指标完成值")
    if "problems" in data:
        data["problems"] = _problems(data["problems"])
    if "milestones_done" in data:
        data["milestones_done"] = _milestones_done(task, data["milestones_done"], period)
    return data


def _apply_percent(task: Task, report: ProgressReport, typed: Decimal | None) -> None:
    derived = derived_percent(task, report.milestones_done)
    if derived is None:
        if typed is not None:
            report.percent = typed
        return
    if typed is not None and typed != derived:
        raise UserError(f"该任务按节点权重计算进度为{derived}%，不需手填；如有出入请先更新节点完成情况",
                        "percent_derived", field="percent")
    report.percent = derived


def report_save(*, actor: User, task: Task, period: ReportingPeriod, expected_version: int | None = None,
                **fields: Any) -> ProgressReport:
    """Create or update the lead unit's draft (or returned) report for a task and period."""
    if not task.is_open:
        raise UserError(f"任务“{task.title}”当前为“{task.get_status_display()}”，无需填报", "task_not_open", status=409)
    if period.start > clock.today():
        raise UserError("该调度周期尚未开始", "period_not_open", status=409)
    data = _clean(task, period, fields)
    with transaction.atomic():
        live = (ProgressReport.objects.select_for_update().filter(task=task, period=period)
                .exclude(state=State.SUPERSEDED).order_by("-id"))
        report = live.filter(state__in=(State.DRAFT, State.RETURNED)).first()
        if report is None:
            current = live.first()
            if current is not None:
                raise UserError(f"该任务本期填报当前为“{current.get_state_display()}”，不能修改", "locked", status=409)
            report = ProgressReport(task=task, period=period, unit=task.lead_unit, created_by=actor)
        return _write_draft(actor, report, data, expected_version)


def report_update(*, actor: User, report: ProgressReport, expected_version: int | None = None,
                  **fields: Any) -> ProgressReport:
    """Update a draft or returned report, an original or a correction."""
    data = _clean(report.task, report.period, fields)
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update(of=("self",)).select_related("task").get(pk=report.pk)
        if report.state not in (State.DRAFT, State.RETURNED):
            raise UserError(f"该填报当前为“{report.get_state_display()}”，不能修改", "locked", status=409)
        return _write_draft(actor, report, data, expected_version)


def _write_draft(actor: User, report: ProgressReport, data: dict, expected_version: int | None) -> ProgressReport:
    created = report.pk is None
    if not created and expected_version is not None and report.version != expected_version:
        raise Conflict("该填报已被他人修改，请刷新后重试", "conflict")
    before = {f: getattr(report, f) for f in EDITABLE}
    for name, value in data.items():
        if name != "percent":
            setattr(report, name, value)
    _apply_percent(report.task, report, data.get("percent"))
    if not created:
        report.version = F("version") + 1
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict("该任务本期已有填报，请刷新后重试", "conflict") from None
    report.refresh_from_db()
    changes = {f: [before[f], getattr(report, f)] for f in EDITABLE if before[f] != getattr(report, f)}
    record(actor=actor, event="report.create" if created else "report.update", obj=report,
           changes={"task": report.task_id, "period": report.period.label, **changes})
    return report


def _transition(report: ProgressReport, allowed: tuple[str, ...], to: str) -> ProgressReport:
    locked = ProgressReport.objects.select_for_update(of=("self",)).select_related("task").get(pk=report.pk)
    if locked.state not in allowed:
        raise UserError(f"该填报当前为“{locked.get_state_display()}”，不能{ACTION_NAMES[to]}", "bad_transition",
                        status=409)
    return locked


def report_submit(*, actor: User, report: ProgressReport) -> ProgressReport:
    with transaction.atomic():
        report = _transition(report, (State.DRAFT, State.RETURNED), State.SUBMITTED)
        if not report.work_done:
            raise UserError("「本期工作进展」不能为空", "required", field="work_done")
        open_left = report.task.milestones.filter(done_on__isnull=True).exclude(
            pk__in=[int(k) for k in report.milestones_done]).count()
        if report.percent >= 100 and open_left:
            raise UserError(f"进度为100%，但还有{open_left}个节点未完成", "inconsistent", field="percent")
        old = report.state
        report.state = State.SUBMITTED
        report.submitted_at = clock.now()
        report.version = F("version") + 1
        report.save()
        report.refresh_from_db()
        record(actor=actor, event="report.submit", obj=report, changes={"state": [old, State.SUBMITTED]})
    return report


def report_return(*, actor: User, report: ProgressReport, reason: str) -> ProgressReport:
    reason = (reason or "").strip()
    if not reason:
        raise UserError("退回须填写理由", "required", field="reason")
    if len(reason) > 1000:
        raise UserError("退回理由不能超过1000字", "too_long", field="reason")
    with transaction.atomic():
        report = _transition(report, (State.SUBMITTED,), State.RETURNED)
        report.state = State.RETURNED
        report.return_reason = reason
        report.return_count = F("return_count") + 1
        report.reviewed_by = actor
        report.reviewed_at = clock.now()
        report.version = F("version") + 1
        report.save()
        report.refresh_from_db()
        record(actor=actor, event="report.return", obj=report,
               changes={"state": [State.SUBMITTED, State.RETURNED], "reason": reason, "count": report.return_count})
        unit_notify(unit=report.unit, key=f"dispatch.return:{report.pk}:{report.return_count}", climb=False,
                    title=f"进展填报被退回：{report.task.title}"[:200], body=f"退回理由：{reason}",
                    link=f"/dispatch/reports/{report.pk}/")
    return report


def report_approve(*, actor: User, report: ProgressReport) -> ProgressReport:
    """Approve and lock; the task takes the report's progress and completed milestones."""
    with transaction.atomic():
        report = _transition(report, (State.SUBMITTED,), State.APPROVED)
        task = Task.objects.select_for_update().get(pk=report.task_id)
        done = {int(k): date.fromisoformat(v) for k, v in report.milestones_done.items()}
        for milestone in Milestone.objects.filter(pk__in=done, done_on__isnull=True):
            milestone.done_on = done[milestone.pk]
            milestone.save(update_fields=["done_on"])
        report.state = State.APPROVED
        report.reviewed_by = actor
        report.reviewed_at = clock.now()
        report.version = F("version") + 1
        report.save()
        if report.supersedes_id:
            ProgressReport.objects.filter(pk=report.supersedes_id).update(state=State.SUPERSEDED)
        old_progress, old_status = task.progress, task.status
        task.progress = report.percent
        if task.status == Task.Status.ASSIGNED:
            task.status = Task.Status.IN_PROGRESS
        task.version = F("version") + 1
        task.save(update_fields=["progress", "status", "version", "updated_at"])
        report.refresh_from_db()
        report_approved.send(sender=ProgressReport, report=report, actor=actor)
        record(actor=actor, event="report.approve", obj=report,
               changes={"state": [State.SUBMITTED, State.APPROVED], "task": task.pk,
                        "progress": [old_progress, report.percent], "task_status": [old_status, task.status],
                        "milestones_done": report.milestones_done})
    return report


@dataclass(frozen=True)
class BulkResult:
    approved: int
    skipped: list[str]


def report_approve_bulk(*, actor: User, reports: Iterable[ProgressReport]) -> BulkResult:
    """Approve each submitted report; the ones not submitted are named and left alone."""
    approved, skipped = 0, []
    for report in reports:
        try:
            report_approve(actor=actor, report=report)
            approved += 1
        except UserError as exc:
            skipped.append(f"{report.task.title}：{exc.message}")
    return BulkResult(approved, skipped)


def report_correct(*, actor: User, report: ProgressReport, reason: str, **fields: Any) -> ProgressReport:
    """An approved report never changes; a correction is a new report that supersedes it once approved."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError("更正须填写理由", "required", field="reason")
    data = _clean(report.task, report.period, fields)
    with transaction.atomic():
        original = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if original.state != State.APPROVED:
            raise UserError("只有已审核的填报才需要更正", "bad_transition", status=409)
        if ProgressReport.objects.filter(supersedes=original).exists():
            raise UserError("该填报已有更正", "duplicate", status=409)
        values = {f: getattr(original, f) for f in EDITABLE} | data
        correction = ProgressReport.objects.create(
            task=original.task, period=original.period, unit=original.unit, created_by=actor, supersedes=original,
            correction_reason=reason, **values,
        )
        record(actor=actor, event="report.correct", obj=correction,
               changes={"supersedes": original.pk, "reason": reason})
    return correction


def contribution_save(*, actor: User, report: ProgressReport, unit: Unit, text: str) -> Contribution:
    text = (text or "").strip()
    if not text:
        raise UserError("「配合情况」不能为空", "required", field="text")
    if len(text) > 3000:
        raise UserError("「配合情况」不能超过3000字", "too_long", field="text")
    if report.is_locked:
        raise UserError("该填报已审核，不能再补充", "locked", status=409)
    if not report.task.co_units.filter(pk=unit.pk).exists():
        raise UserError("只有配合单位可以报送配合情况", "not_co_unit", status=403)
    with transaction.atomic():
        contribution, created = Contribution.objects.update_or_create(
            report=report, unit=unit, defaults={"text": text, "created_by": actor}
        )
        record(actor=actor, event="contribution.save", obj=contribution, changes={"report": report.pk, "unit": unit.pk})
    return contribution


def evidence_add(*, actor: User, report: ProgressReport, upload: File, milestone: Milestone | None = None
                 ) -> Evidence:
    if report.is_locked:
        raise UserError("该填报已审核，不能再上传材料", "locked", status=409)
    if milestone is not None and milestone.task_id != report.task_id:
        raise UserError("所选节点不属于该任务", "invalid", field="milestone")
    if report.evidence.count() >= 20:
        raise UserError("每份填报最多上传20个附件", "too_many", field="file")
    kind = evidence_files.check(upload)
    with transaction.atomic():
        item = Evidence(report=report, milestone=milestone, original_name=(upload.name or "附件")[-200:],
                        content_type=kind.content_type, extension=kind.extension, size=upload.size,
                        uploaded_by=actor)
        item.file.save("upload", upload, save=False)
        item.save()
        record(actor=actor, event="evidence.add", obj=item,
               changes={"report": report.pk, "name": item.original_name, "size": item.size})
    return item
