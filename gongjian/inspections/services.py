"""Writes: plan an inspection, record findings on site, turn them into rectification items, close and re-check
them, and record false reporting backed by a check. Each write is atomic and audited in the same transaction."""

import random
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.files import File
from django.db import transaction

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch import evidence as evidence_files
from gongjian.dispatch.models import ProgressReport
from gongjian.documents import services as document_services
from gongjian.documents.models import DocType, Document
from gongjian.errors import UserError
from gongjian.inspections import photos as photo_files
from gongjian.inspections import selectors
from gongjian.inspections.models import Finding, Inspection, Photo, Rectification
from gongjian.types import User
from gongjian.validate import clean_text as _text
from gongjian.workdays import days

MAX_PHOTOS = 9
# Working days a unit gets to rectify a relapse found by 回头看 when the office names no deadline.
RELAPSE_DAYS = 10


def _number(value: object, field: str, label: str, *, low: float, high: float) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise UserError(f"「{label}」须为数字", "invalid", field=field) from None
    if not number.is_finite() or not (low <= number <= high):
        raise UserError(f"「{label}」须在{low:g}到{high:g}之间", "invalid", field=field)
    return number


def inspection_create(*, actor: User, campaign: Campaign, subject: str, start: date, end: date,
                      kind: str = Inspection.Kind.SPECIAL, scope: str = "", checklist: str = "",
                      tasks: Iterable[Task] = (), team: Iterable[User] = (), max_distance_m: int = 500,
                      max_accuracy_m: int = 100) -> Inspection:
    if kind not in Inspection.Kind.values:
        raise UserError("未知的督查方式", "invalid", field="kind")
    subject = _text(subject, "subject", "督查主题", 200)
    if end < start:
        raise UserError("结束日期不能早于开始日期", "invalid", field="end")
    tasks, team = list(tasks), list(team)
    if any(t.campaign_id != campaign.pk for t in tasks):
        raise UserError("核查事项须属于所选攻坚行动", "invalid", field="tasks")
    for field, value, label in (("max_distance_m", max_distance_m, "位置偏差上限"),
                                ("max_accuracy_m", max_accuracy_m, "定位精度要求")):
        if not isinstance(value, int) or not 10 <= value <= 50_000:
            raise UserError(f"「{label}」须为10到50000之间的整数（米）", "invalid", field=field)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            campaign=campaign, kind=kind, subject=subject, scope=_text(scope, "scope", "督查范围", 2000,
                                                                       required=False),
            start=start, end=end, checklist=_text(checklist, "checklist", "检查清单", 5000, required=False),
            max_distance_m=max_distance_m, max_accuracy_m=max_accuracy_m, created_by=actor)
        inspection.tasks.set(tasks)
        inspection.team.set(team)
        record(actor=actor, event="inspection.create", obj=inspection,
               changes={"kind": kind, "subject": subject, "tasks": [t.pk for t in tasks],
                        "team": [u.get_username() for u in team]})
    return inspection


def _site(task: Task | None) -> tuple[Decimal, Decimal] | None:
    project = getattr(task, "project", None) if task is not None else None
    if project is not None and project.latitude is not None and project.longitude is not None:
        return project.latitude, project.longitude
    return None


def _last_claim(task: Task) -> ProgressReport | None:
    return (ProgressReport.objects.filter(task=task, state=ProgressReport.State.APPROVED)
            .order_by("-period__start", "-id").first())


def finding_record(*, actor: User, inspection: Inspection, task: Task, description: str, checklist_item: str = "",
                   progress_seen: object = None, latitude: object = None, longitude: object = None,
                   accuracy_m: object = None, photos: Sequence[File] = ()) -> Finding:
    """A finding on site, with its photos checked against the site of the item. Nothing is written unless every
    photo is acceptable."""
    if not inspection.tasks.filter(pk=task.pk).exists():
        raise UserError("该事项不在本次督查的核查范围内", "invalid", field="task")
    description = _text(description, "description", "发现的问题", 2000)
    checklist_item = _text(checklist_item, "checklist_item", "检查项", 200, required=False)
    if checklist_item and checklist_item not in inspection.checklist_items:
        raise UserError("检查项须从本次督查的检查清单中选择", "invalid", field="checklist_item")
    seen = _number(progress_seen, "progress_seen", "现场所见进度", low=0, high=100)
    lat = _number(latitude, "latitude", "纬度", low=-90, high=90)
    lng = _number(longitude, "longitude", "经度", low=-180, high=180)
    accuracy = _number(accuracy_m, "accuracy_m", "定位精度", low=0, high=100_000)
    if (lat is None) != (lng is None):
        raise UserError("手机定位须同时有经度和纬度", "invalid", field="latitude")
    photos = [p for p in photos if p]
    if len(photos) > MAX_PHOTOS:
        raise UserError(f"一条发现最多上传{MAX_PHOTOS}张照片", "too_many", field="photos")
    facts = [photo_files.read(p) for p in photos]
    today = clock.today()
    device = (lat.quantize(Decimal("0.000001")), lng.quantize(Decimal("0.000001")), accuracy) \
        if lat is not None and lng is not None else None
    site = _site(task)
    claim = _last_claim(task)
    with transaction.atomic():
        finding = Finding.objects.create(
            inspection=inspection, task=task, unit=task.lead_unit, checklist_item=checklist_item,
            description=description, progress_seen=seen, report=claim,
            progress_claimed=claim.percent if claim else None, latitude=device[0] if device else None,
            longitude=device[1] if device else None, accuracy_m=accuracy, recorded_by=actor, recorded_on=today)
        flags = []
        for upload, fact in zip(photos, facts, strict=True):
            verdict = photo_files.judge(facts=fact, site=site, device=device, on=today,
                                        max_distance_m=inspection.max_distance_m,
                                        max_accuracy_m=inspection.max_accuracy_m)
            photo = Photo(finding=finding, content_type=fact.content_type, extension=fact.extension,
                          size=fact.size, sha256=fact.sha256, taken_at=fact.taken_at,
                          exif_latitude=fact.latitude, exif_longitude=fact.longitude,
                          distance_m=verdict.distance_m, verdict=verdict.check, verdict_note=verdict.note[:300])
            photo.file.save(f"photo.{fact.extension}", upload, save=False)
            photo.save()
            flags.append(verdict.check)
        record(actor=actor, event="inspection.finding", obj=finding,
               changes={"inspection": inspection.pk, "task": task.pk, "unit": task.lead_unit.name,
                        "progress_seen": seen, "photos": flags})
    return finding


def inspection_publish(*, actor: User, inspection: Inspection) -> Inspection:
    """通报: from now on a 暗访 is visible to the units it found things at."""
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.published_on is not None:
            raise UserError("本次督查已通报", "bad_transition", status=409)
        inspection.published_on = clock.today()
        inspection.save(update_fields=["published_on"])
        record(actor=actor, event="inspection.publish", obj=inspection,
               changes={"published_on": inspection.published_on})
    return inspection


def rectification_create(*, actor: User, finding: Finding, deadline: date, requirement: str = "") -> Rectification:
    """The finding becomes a supervised item of its unit, with a deadline — assigned at once."""
    finding = Finding.objects.select_related("inspection", "task").get(pk=finding.pk)
    if finding.inspection.is_hidden_from_units:
        raise UserError("暗访结果通报后才能交办整改", "not_published", field="deadline", status=409)
    today = clock.today()
    if deadline < today:
        raise UserError("整改时限不能早于今天", "invalid", field="deadline")
    requirement = _text(requirement, "requirement", "整改要求", 2000, required=False)
    with transaction.atomic():
        list(Finding.objects.select_for_update().filter(pk=finding.pk).values_list("pk", flat=True))
        if Rectification.objects.filter(finding=finding).exists():
            raise UserError("该问题已交办整改", "duplicate", status=409)
        task = task_services.task_create(
            actor=actor, campaign=finding.inspection.campaign, title=f"整改：{finding.description[:60]}",
            lead_unit=finding.unit, deadline=deadline, start=today, source=Task.Source.RECTIFICATION,
            source_sentence=f"{finding.inspection.get_kind_display()}“{finding.inspection.subject}”发现",
            description="\n".join(x for x in (finding.description, requirement) if x),
            focus_area=finding.task.focus_area if finding.task else None, parent=finding.task)
        task = task_services.task_assign(actor=actor, task=task)
        rectification = Rectification.objects.create(finding=finding, task=task)
        record(actor=actor, event="inspection.rectification", obj=rectification,
               changes={"finding": finding.pk, "task": task.pk, "deadline": deadline})
    return rectification


def rectification_close(*, actor: User, rectification: Rectification, note: str, upload: File) -> Rectification:
    """The unit reports the rectification done; without evidence it cannot close."""
    note = _text(note, "note", "整改情况", 2000)
    kind = evidence_files.check(upload)
    with transaction.atomic():
        rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if rectification.closed_on is not None:
            raise UserError("该整改事项已完成", "bad_transition", status=409)
        rectification.closing_note, rectification.closed_on = note, clock.today()
        rectification.evidence_type = kind.content_type
        rectification.evidence.save(f"{rectification.pk}.{kind.extension}", upload, save=False)
        rectification.save()
        task_services.task_transition(actor=actor, task=rectification.task, to=Task.Status.COMPLETED)
        record(actor=actor, event="inspection.rectification_close", obj=rectification,
               changes={"note": note, "evidence": kind.content_type})
    return rectification


def recheck_create(*, actor: User, campaign: Campaign, sample_size: int, subject: str = "",
                   start: date | None = None, end: date | None = None) -> Inspection:
    """回头看: a new inspection over a random sample of the closed rectification items of the campaign."""
    if not isinstance(sample_size, int) or not 1 <= sample_size <= 500:
        raise UserError("抽查数量须为1到500之间的整数", "invalid", field="sample_size")
    closed = list(Rectification.objects.filter(task__campaign=campaign, closed_on__isnull=False,
                                               recheck__isnull=True).order_by("id"))
    if not closed:
        raise UserError("没有已完成且未回头看的整改事项", "empty", field="sample_size", status=409)
    today = clock.today()
    # Seeded by campaign and day: the draw can be reproduced for anyone who questions it.
    sample = random.Random(f"{campaign.pk}:{today.isoformat()}").sample(closed, min(sample_size, len(closed)))
    with transaction.atomic():
        inspection = inspection_create(
            actor=actor, campaign=campaign, kind=Inspection.Kind.RECHECK,
            subject=subject or f"整改“回头看”（{today:%Y年%-m月}）", start=start or today, end=end or today,
            tasks=[r.task for r in sample], team=[actor])
        Rectification.objects.filter(pk__in=[r.pk for r in sample]).update(recheck=inspection)
        record(actor=actor, event="inspection.recheck_sample", obj=inspection,
               changes={"sampled": [r.pk for r in sample], "of": len(closed)})
    return inspection


def recheck_record(*, actor: User, rectification: Rectification, result: str, note: str,
                   deadline: date | None = None) -> Rectification:
    """A relapse is a new finding of the 回头看, turned at once into a new rectification item for the same unit
    (a completed item stays completed: its history is what the relapse is measured against)."""
    if result not in Rectification.Recheck.values:
        raise UserError("请选择回头看结论", "invalid", field="result")
    note = _text(note, "note", "回头看说明", 2000)
    today = clock.today()
    deadline = deadline or days.add(today, RELAPSE_DAYS)
    with transaction.atomic():
        rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if rectification.recheck_id is None or rectification.closed_on is None:
            raise UserError("该整改事项不在回头看抽查范围内", "bad_transition", status=409)
        if rectification.recheck_result:
            raise UserError("该整改事项已有回头看结论", "bad_transition", status=409)
        rectification.recheck_result, rectification.recheck_note = result, note
        rectification.save(update_fields=["recheck_result", "recheck_note"])
        record(actor=actor, event="inspection.recheck", obj=rectification, changes={"result": result, "note": note})
        if result == Rectification.Recheck.RELAPSED:
            original = rectification.finding
            assert rectification.recheck is not None  # checked above
            relapse = Finding.objects.create(
                inspection=rectification.recheck, task=original.task, unit=original.unit,
                description=f"回头看发现反弹：{note}", recorded_by=actor, recorded_on=today)
            rectification_create(actor=actor, finding=relapse, deadline=deadline)
    return rectification


def false_report_record(*, actor: User, finding: Finding, reason: str) -> Finding:
    """报送不实, only where the check contradicts what the unit reported: it claimed more progress than was seen."""
    reason = _text(reason, "reason", "报送不实说明", 1000)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.false_report_on is not None:
            raise UserError("已认定报送不实", "bad_transition", status=409)
        if finding.report_id is None or finding.progress_claimed is None:
            raise UserError("该事项没有已审核的填报，无从认定报送不实", "no_report", field="reason", status=409)
        if finding.progress_seen is None or finding.progress_seen >= finding.progress_claimed:
            raise UserError("现场所见进度不低于填报进度，不能认定报送不实", "not_contradicted", field="reason",
                            status=409)
        finding.false_report_on, finding.false_report_reason = clock.today(), reason
        finding.save(update_fields=["false_report_on", "false_report_reason"])
        record(actor=actor, event="inspection.false_report", obj=finding,
               changes={"report": finding.report_id, "claimed": finding.progress_claimed,
                        "seen": finding.progress_seen, "reason": reason})
    return finding


def special_report_draft(*, actor: User, inspection: Inspection, findings: list[Finding]) -> Document:
    """The 督查专报 as an official document: drafted here, then reviewed, signed and numbered like any 公文."""
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.document_id is not None:
            raise UserError("本次督查已起草督查专报", "duplicate", status=409)
        document = document_services.document_create(
            actor=actor, doc_type=DocType.SPECIAL, title=f"关于{inspection.subject}情况的督查专报",
            body=selectors.special_report_body(inspection, findings), recipient="市委、市政府领导")
        inspection.document = document
        inspection.save(update_fields=["document"])
        record(actor=actor, event="inspection.special_report", obj=inspection, changes={"document": document.pk})
    return document
