from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian import clock
from gongjian.campaigns import colors as task_colors
from gongjian.campaigns.access import can_write_task, task_for, tasks_visible_to
from gongjian.dispatch import periods, selectors, services
from gongjian.dispatch.access import report_for, reports_visible_to
from gongjian.dispatch.forms import ReportForm
from gongjian.dispatch.models import Evidence, ProgressReport, ReportingPeriod
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error, safe_next
from gongjian.org.access import get_or_404, is_office, require, unit_id_of


def _period(request) -> ReportingPeriod | None:
    pk = request.GET.get("period")
    if pk:
        return get_or_404(ReportingPeriod.objects.all(), pk)
    return selectors.current_period()


@require_GET
def queue(request):
    """The office's review queue; units see the same rows for their own tasks."""
    period = _period(request)
    rows = selectors.review_queue(period, tasks_visible_to(request.user)) if period else []
    status = request.GET.get("status", "")
    if status:
        rows = [r for r in rows if r.status == status or (status == "late" and r.late and r.status != "approved")]
    colors = task_colors.current_colors([row.task.pk for row in rows])
    for row in rows:
        row.can_report = can_write_task(request.user, row.task, "report")
        row.color = colors.get(row.task.pk, "")
    # Red first: what most needs the office's eye leads the list.
    rows = sorted(rows, key=lambda r: task_colors.red_first(r.color))
    counts = {}
    for row in selectors.review_queue(period, tasks_visible_to(request.user)) if period else []:
        counts[row.status] = counts.get(row.status, 0) + 1
    return render(request, "dispatch/queue.html", {
        "period": period, "rows": rows, "status": status, "counts": counts, "labels": selectors.STATUS_LABELS,
        "due_dates": sorted({row.due_on for row in rows}) or ([period.due_on] if period else []),
        "periods": ReportingPeriod.objects.filter(start__lte=clock.today())[:24], "is_office": is_office(request.user),
    })


@require_POST
def approve_bulk(request):
    require(is_office(request.user))
    ids = [int(x) for x in request.POST.getlist("report") if x.isdigit()]
    reports = list(ProgressReport.objects.filter(pk__in=ids).select_related("task"))
    result = services.report_approve_bulk(actor=request.user, reports=reports)
    messages.success(request, f"已审核通过{result.approved}份。")
    for line in result.skipped:
        messages.warning(request, line)
    return redirect(safe_next(request, reverse("dispatch_queue")))


@require_http_methods(["GET", "POST"])
def report_edit(request, task_id: int, period_id: int):
    task = task_for(request.user, task_id)
    period = get_or_404(ReportingPeriod.objects.all(), period_id)
    report = selectors.live_reports(period).filter(task=task).order_by("-id").first()
    if report is not None and report.is_locked or report is not None and report.state == "submitted":
        return redirect("report_detail", pk=report.pk)
    require(can_write_task(request.user, task, "report"))
    open_milestones = [m for m in task.milestones.all() if m.done_on is None]
    form = ReportForm(request.POST or None, milestones=open_milestones, initial=ReportForm.initial_from(report))
    derived = services.derived_percent(task, report.milestones_done if report else {})
    if request.method == "POST" and form.is_valid():
        try:
            # Text, files and submission succeed or fail together: a bad file must not leave a half-saved report.
            with transaction.atomic():
                report = services.report_save(actor=request.user, task=task, period=period,
                                              expected_version=report.version if report else None,
                                              **form.service_fields())
                for upload in request.FILES.getlist("files"):
                    services.evidence_add(actor=request.user, report=report, upload=upload)
                if request.POST.get("action") == "submit":
                    services.report_submit(actor=request.user, report=report)
            if request.POST.get("action") == "submit":
                messages.success(request, "已提交，等待督查室审核。")
                return redirect("report_detail", pk=report.pk)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, "草稿已保存。")
            return redirect("report_edit", task_id=task.pk, period_id=period.pk)
    return render(request, "dispatch/report_form.html", {
        "task": task, "period": period, "report": report, "form": form, "derived": derived,
        "due_on": periods.report_due_on(period, task.campaign),
    }, status=400 if form.errors else 200)


@require_GET
def report_detail(request, pk: int):
    report = report_for(request.user, pk)
    return render(request, "dispatch/report_detail.html", {
        "report": report, "is_office": is_office(request.user),
        "can_edit": can_write_task(request.user, report.task, "report"),
        "can_contribute": unit_id_of(request.user) in set(report.task.co_units.values_list("id", flat=True))
        and can_write_task(request.user, report.task, "contribute"),
        "contributions": report.contributions.select_related("unit"),
        "evidence": report.evidence.all(),
        "history": ProgressReport.objects.filter(task=report.task, period=report.period).order_by("id"),
    })


def _act(request, pk: int, write: str, action):
    report = report_for(request.user, pk, write=write)
    try:
        message = action(report)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("report_detail", pk=report.pk)


@require_POST
def report_submit(request, pk: int):
    return _act(request, pk, "edit", lambda r: (services.report_submit(actor=request.user, report=r), "已提交。")[1])


@require_POST
def report_return(request, pk: int):
    return _act(request, pk, "review", lambda r: (
        services.report_return(actor=request.user, report=r, reason=request.POST.get("reason", "")), "已退回。")[1])


@require_POST
def report_approve(request, pk: int):
    return _act(request, pk, "review",
                lambda r: (services.report_approve(actor=request.user, report=r), "已审核通过，内容已锁定。")[1])


@require_POST
def report_correct(request, pk: int):
    report = report_for(request.user, pk, write="edit")
    try:
        correction = services.report_correct(actor=request.user, report=report, reason=request.POST.get("reason", ""))
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("report_detail", pk=report.pk)
    messages.success(request, "已创建更正稿，修改后提交审核；审核通过后替代原填报。")
    return redirect("correction_edit", pk=correction.pk)


@require_http_methods(["GET", "POST"])
def correction_edit(request, pk: int):
    report = report_for(request.user, pk, write="edit")
    if report.supersedes_id is None or report.state not in ("draft", "returned"):
        return redirect("report_detail", pk=report.pk)
    task = report.task
    open_milestones = [m for m in task.milestones.all() if m.done_on is None]
    form = ReportForm(request.POST or None, milestones=open_milestones, initial=ReportForm.initial_from(report))
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_update(actor=request.user, report=report, **form.service_fields())
            if request.POST.get("action") == "submit":
                services.report_submit(actor=request.user, report=report)
                return redirect("report_detail", pk=report.pk)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, "更正稿已保存。")
    return render(request, "dispatch/report_form.html", {
        "task": task, "period": report.period, "report": report, "form": form, "correction": True,
        "due_on": periods.report_due_on(report.period, task.campaign),
        "derived": services.derived_percent(task, report.milestones_done),
    }, status=400 if form.errors else 200)


@require_POST
def contribute(request, pk: int):
    report = report_for(request.user, pk, write="contribute")
    unit = request.user.person.unit
    try:
        services.contribution_save(actor=request.user, report=report, unit=unit, text=request.POST.get("text", ""))
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "配合情况已报送。")
    return redirect("report_detail", pk=report.pk)


@require_POST
def evidence_upload(request, pk: int):
    report = report_for(request.user, pk, write="edit")
    try:
        services.evidence_add(actor=request.user, report=report, upload=request.FILES.get("file"))
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "附件已上传。")
    return redirect("report_detail", pk=report.pk)


@require_GET
def evidence_download(request, pk: int):
    item = get_or_404(Evidence.objects.filter(report__in=reports_visible_to(request.user)), pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=item.content_type, as_attachment=item.extension == "pdf",
                        filename=f"evidence-{item.pk}.{item.extension}")


@require_GET
def my_reports(request):
    return redirect("dispatch_queue")
