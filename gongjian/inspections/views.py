"""Pages: inspection plans, the on-site check at phone width, findings, rectification and 回头看."""

from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian.audit.services import record
from gongjian.campaigns.access import task_for
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.inspections import report, selectors, services
from gongjian.inspections.access import (
    can_write_inspection,
    finding_for,
    findings_visible_to,
    inspection_for,
    inspections_visible_to,
    rectification_for,
    sees_location,
)
from gongjian.inspections.forms import (
    CloseForm,
    FalseReportForm,
    FindingForm,
    InspectionForm,
    RecheckForm,
    RecheckResultForm,
    RectifyForm,
)
from gongjian.inspections.models import Photo
from gongjian.org.access import can_edit_for_unit, get_or_404, is_office, require

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
def inspection_list(request):
    rows = selectors.inspection_rows(inspections_visible_to(request.user))
    return render(request, "inspections/inspection_list.html", {
        "inspections": rows, "can_plan": is_office(request.user),
        "recheck_form": RecheckForm() if is_office(request.user) else None,
    })


@require_http_methods(["GET", "POST"])
def inspection_create(request):
    require(is_office(request.user))
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(actor=request.user, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, "已制定督查计划。")
            return redirect(inspection)
    return render(request, "inspections/inspection_form.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def inspection_detail(request, pk: int):
    inspection = inspection_for(request.user, pk)
    findings = selectors.findings_of(inspection, findings_visible_to(request.user))
    can_record = can_write_inspection(request.user, inspection, "record")
    return render(request, "inspections/inspection_detail.html", {
        "inspection": inspection, "findings": findings,
        "tasks": inspection.tasks.select_related("lead_unit").order_by("id") if can_record else [],
        "can_record": can_record, "can_manage": can_write_inspection(request.user, inspection, "manage"),
        "sees_location": sees_location(request.user, inspection),
    })


@require_http_methods(["GET", "POST"])
def finding_create(request, pk: int, task_id: int):
    inspection = inspection_for(request.user, pk, write="record")
    task = get_or_404(inspection.tasks.select_related("lead_unit"), task_id)
    form = FindingForm(request.POST or None, checklist=inspection.checklist_items)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_record(actor=request.user, inspection=inspection, task=task,
                                              photos=request.FILES.getlist("photos"), **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            flagged = finding.photos.exclude(verdict=Photo.Verdict.MATCH).count()
            messages.success(request, f"已记录发现，照片{finding.photos.count()}张"
                                      + (f"，其中{flagged}张位置存疑，已标注。" if flagged else "。"))
            return redirect("inspection_detail", pk=inspection.pk)
    return render(request, "inspections/finding_form.html", {"inspection": inspection, "task": task, "form": form},
                  status=400 if form.errors else 200)


def _finding_page(request, finding, *, rectify_form=None, false_form=None, close_form=None, recheck_form=None,
                  status=200):
    office = is_office(request.user)
    rectification = getattr(finding, "rectification", None)
    closable = rectification is not None and rectification.closed_on is None and can_edit_for_unit(
        request.user, finding.unit_id)
    recheckable = (office and rectification is not None and rectification.recheck_id is not None
                   and rectification.closed_on is not None and not rectification.recheck_result)
    can_false = (office and not finding.is_false_report and finding.progress_claimed is not None
                 and finding.progress_seen is not None and finding.progress_seen < finding.progress_claimed)
    return render(request, "inspections/finding_detail.html", {
        "finding": finding, "inspection": finding.inspection, "rectification": rectification,
        "photos": finding.photos.order_by("id"), "sees_location": sees_location(request.user, finding.inspection),
        "rectify_form": rectify_form or (RectifyForm() if office and rectification is None
                                         and not finding.inspection.is_hidden_from_units else None),
        "false_form": false_form or (FalseReportForm() if can_false else None),
        "close_form": close_form or (CloseForm() if closable else None),
        "recheck_form": recheck_form or (RecheckResultForm() if recheckable else None),
    }, status=status)


@require_GET
def finding_detail(request, pk: int):
    return _finding_page(request, finding_for(request.user, pk))


def _act_on_finding(request, finding, form, slot: str, act, done) -> object:
    """The finding page's forms: run the service with the form's data; on refusal show the page again with the
    message beside the field, on success say what happened and go back to the finding."""
    if not form.is_valid():
        return _finding_page(request, finding, **{slot: form}, status=400)
    try:
        result = act(form.cleaned_data)
    except UserError as exc:
        add_user_error(form, exc)
        return _finding_page(request, finding, **{slot: form}, status=exc.status)
    messages.success(request, done(result))
    return redirect("finding_detail", pk=finding.pk)


@require_POST
def finding_rectify(request, pk: int):
    finding = finding_for(request.user, pk, write="manage")
    return _act_on_finding(
        request, finding, RectifyForm(request.POST), "rectify_form",
        lambda data: services.rectification_create(actor=request.user, finding=finding, **data),
        lambda done: f"已交办{finding.unit.name}整改，时限{done.task.deadline:%Y年%-m月%-d日}。")


@require_POST
def finding_false_report(request, pk: int):
    finding = finding_for(request.user, pk, write="manage")
    return _act_on_finding(
        request, finding, FalseReportForm(request.POST), "false_form",
        lambda data: services.false_report_record(actor=request.user, finding=finding, reason=data["reason"]),
        lambda done: "已认定报送不实，计入该单位本期考核。")


@require_POST
def rectification_close(request, pk: int):
    rectification = rectification_for(request.user, pk, write="close")
    return _act_on_finding(
        request, rectification.finding, CloseForm(request.POST, request.FILES), "close_form",
        lambda data: services.rectification_close(actor=request.user, rectification=rectification,
                                                  note=data["note"], upload=data["evidence"]),
        lambda done: "已报送整改完成。")


@require_POST
def rectification_recheck(request, pk: int):
    rectification = rectification_for(request.user, pk, write="recheck")
    return _act_on_finding(
        request, rectification.finding, RecheckResultForm(request.POST), "recheck_form",
        lambda data: services.recheck_record(actor=request.user, rectification=rectification, **data),
        lambda done: "已记录回头看结论。")


@require_POST
def recheck_create(request):
    require(is_office(request.user))
    form = RecheckForm(request.POST)
    if form.is_valid():
        try:
            inspection = services.recheck_create(actor=request.user, **form.cleaned_data)
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已抽取{inspection.tasks.count()}项整改事项回头看。")
            return redirect(inspection)
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("inspection_list")


@require_POST
def inspection_publish(request, pk: int):
    inspection = inspection_for(request.user, pk, write="manage")
    try:
        services.inspection_publish(actor=request.user, inspection=inspection)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已通报，责任单位可看到本次督查发现的问题。")
    return redirect(inspection)


@require_POST
def inspection_document(request, pk: int):
    inspection = inspection_for(request.user, pk, write="manage")
    findings = selectors.findings_of(inspection, findings_visible_to(request.user))
    try:
        document = services.special_report_draft(actor=request.user, inspection=inspection, findings=findings)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect(inspection)
    messages.success(request, "已起草督查专报，审核、签发后编号。")
    return redirect(document)


@require_GET
def inspection_report(request, pk: int):
    inspection = inspection_for(request.user, pk, write="manage")
    findings = selectors.findings_of(inspection, findings_visible_to(request.user))
    content = report.build(inspection, findings)
    record(actor=request.user, event="inspection.report_export", obj=inspection, changes={"findings": len(findings)})
    response = HttpResponse(content, content_type=DOCX_TYPE)
    name = quote(f"督查专报-{inspection.subject}.docx")
    response["Content-Disposition"] = f"attachment; filename=\"inspection-{inspection.pk}.docx\"; filename*=UTF-8''{name}"
    return response


def _file(field, content_type: str, name: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, content_type=content_type, filename=name)


@require_GET
def photo_file(request, pk: int):
    photo = get_or_404(Photo.objects.filter(finding__in=findings_visible_to(request.user)), pk)
    return _file(photo.file, photo.content_type, f"photo-{photo.pk}.{photo.extension}")


@require_GET
def rectification_evidence(request, pk: int):
    rectification = rectification_for(request.user, pk)
    if not rectification.evidence:
        raise Http404
    extension = rectification.evidence.name.rsplit(".", 1)[-1]
    return _file(rectification.evidence, rectification.evidence_type, f"rectification-{rectification.pk}.{extension}")


@require_GET
def task_inspections(request, task_id: int):
    """From an item's page: the checks made of it that the viewer may see."""
    task = task_for(request.user, task_id)
    findings = findings_visible_to(request.user).filter(task=task).select_related("inspection", "unit")
    return render(request, "inspections/task_findings.html", {"task": task, "findings": findings})
