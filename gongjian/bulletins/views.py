from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian import clock
from gongjian.audit.services import record
from gongjian.bulletins import access, documents, selectors, services
from gongjian.bulletins.forms import AnnualReportForm, BulletinForm, ConvertForm, GoalForm, MonthForm
from gongjian.bulletins.models import AnnualReport, Bulletin
from gongjian.campaigns.models import Campaign
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.listing import xlsx_response
from gongjian.org.access import can_edit_for_unit, get_or_404, is_office
from gongjian.org.models import Unit
from gongjian.xlsx import Column, SheetSpec, write_table

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------- bulletins


def _bulletin(campaign: Campaign, month: str) -> Bulletin:
    """The saved bulletin of the month, or an unsaved draft with the default title."""
    start, _ = selectors.parse_month(month)
    return Bulletin.objects.filter(campaign=campaign, month=month).first() or Bulletin(
        campaign=campaign, month=month, number=start.month, title=selectors.default_title(campaign, month))


def _target(request, campaign_id: int, month: str) -> tuple[Campaign, Bulletin]:
    access.require_office(request.user)
    campaign = get_or_404(Campaign.objects.all(), campaign_id)
    try:
        return campaign, _bulletin(campaign, month)
    except UserError:
        raise Http404 from None


@require_GET
def bulletin_index(request):
    access.require_office(request.user)
    latest = Campaign.objects.order_by("routine", "-year", "-id").first()
    form = MonthForm(request.GET or None, initial={"campaign": latest, "month": f"{clock.today():%Y-%m}"})
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                selectors.parse_month(form.cleaned_data["month"])
            except UserError as exc:
                add_user_error(form, exc)
            else:
                return redirect("bulletin_detail", campaign_id=form.cleaned_data["campaign"].pk,
                                month=form.cleaned_data["month"].strip())
        status = 400
    bulletins = Bulletin.objects.select_related("campaign").order_by("-month", "campaign_id")
    return render(request, "bulletins/index.html", {"form": form, "bulletins": bulletins,
                                                    "count": bulletins.count()}, status=status)


@require_http_methods(["GET", "POST"])
def bulletin_detail(request, campaign_id: int, month: str):
    campaign, bulletin = _target(request, campaign_id, month)
    initial = {"title": bulletin.title, "office_text": bulletin.office_text, "version": bulletin.version}
    form = BulletinForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.bulletin_save(actor=request.user, campaign=campaign, month=month,
                                       title=form.cleaned_data["title"], office_text=form.cleaned_data["office_text"],
                                       expected_version=form.cleaned_data["version"] if bulletin.pk else None)
            except UserError as exc:
                add_user_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "已保存通报文字。")
                return redirect("bulletin_detail", campaign_id=campaign.pk, month=month)
        else:
            status = 400
    content = selectors.document(bulletin)
    return render(request, "bulletins/detail.html", {
        "bulletin": bulletin, "campaign": campaign, "month": month, "form": form, "c": content,
        "sections": selectors.sections(content), "overall_text": documents.overall_text(content),
        "projects_text": documents.projects_text(content["projects"]) if content["projects"] else "",
    }, status=status)


def _download(request, bulletin: Bulletin, kind: str) -> HttpResponse:
    content = selectors.document(bulletin)
    record(actor=request.user, event="bulletin.export", object_type="bulletins.bulletin",
           object_id=bulletin.pk or "", changes={"month": bulletin.month, "campaign": bulletin.campaign_id,
                                                 "format": kind})
    if kind == "xlsx":
        return xlsx_response(documents.build_xlsx(content), f"通报附表-{bulletin.month}")
    response = HttpResponse(documents.build_docx(content), content_type=DOCX_TYPE)
    name = quote(f"通报-{bulletin.month}.docx")
    response["Content-Disposition"] = f"attachment; filename=\"bulletin.docx\"; filename*=UTF-8''{name}"
    return response


@require_GET
def bulletin_docx(request, campaign_id: int, month: str):
    _, bulletin = _target(request, campaign_id, month)
    return _download(request, bulletin, "docx")


@require_GET
def bulletin_xlsx(request, campaign_id: int, month: str):
    _, bulletin = _target(request, campaign_id, month)
    return _download(request, bulletin, "xlsx")


@require_POST
def bulletin_to_document(request, campaign_id: int, month: str):
    """A published bulletin goes out as an official 通报: drafted here, then reviewed and signed (公文)."""
    from gongjian.documents import services as document_services
    from gongjian.documents.models import DocType, Document

    _, bulletin = _target(request, campaign_id, month)
    if not bulletin.is_published:
        raise Http404
    existing = Document.objects.filter(bulletin=bulletin).first()
    if existing is None:
        content = selectors.document(bulletin)
        existing = document_services.document_create(
            actor=request.user, doc_type=DocType.BULLETIN, title=bulletin.title, bulletin=bulletin,
            body=f"{documents.overall_text(content)}\n（正文及附表见通报）", recipient="各镇（街道、经济开发区）、市直各部门")
    return redirect("document_detail", pk=existing.pk)


@require_POST
def bulletin_publish(request, campaign_id: int, month: str):
    campaign, bulletin = _target(request, campaign_id, month)
    try:
        if bulletin.pk is None:
            bulletin = services.bulletin_save(actor=request.user, campaign=campaign, month=month,
                                              title=bulletin.title, office_text="")
        services.bulletin_publish(actor=request.user, bulletin=bulletin)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "通报已发布，内容已固定，不能再修改。")
    return redirect("bulletin_detail", campaign_id=campaign.pk, month=month)


# ---------------------------------------------------------------- annual work reports


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return clock.today().year
    return year if 2000 <= year <= 2100 else clock.today().year


REPORT_COLUMNS = [Column("unit", "单位", "text"), Column("kind", "类别", "text"),
                  Column("last_year_summary", "上年工作总结", "text"), Column("approach", "本年工作思路", "text"),
                  Column("goals", "工作目标", "text"), Column("measures", "具体措施", "text")]


def _goal_line(goal) -> str:
    amount = f"（{goal.quantity.normalize():f}{goal.unit_of_measure}）" if goal.quantity is not None else ""
    return f"{goal.text}{amount}，{goal.deadline:%Y-%m-%d}前"


@require_GET
def annual_report_list(request):
    year = _year(request)
    kind = request.GET.get("kind", "")
    units = access.reporting_units_visible_to(request.user).order_by("order", "id")
    if kind == "area":
        units = units.filter(kind__in=Unit.AREA_KINDS)
    elif kind == "department":
        units = units.filter(kind=Unit.Kind.DEPARTMENT)
    reports = {r.unit_id: r for r in access.reports_visible_to(request.user).filter(year=year, unit__in=units)
               .prefetch_related("goals__task")}
    only_reported = request.GET.get("reported", "") == "1"
    rows = [(unit, reports.get(unit.pk)) for unit in units if not only_reported or unit.pk in reports]
    if request.GET.get("export") == "xlsx":
        data = [{"unit": unit.name, "kind": unit.get_kind_display(), "last_year_summary": r.last_year_summary,
                 "approach": r.approach, "goals": "\n".join(_goal_line(g) for g in r.goals.all()),
                 "measures": r.measures} for unit, r in rows if r is not None]
        return xlsx_response(write_table([SheetSpec(f"{year}年工作汇报", REPORT_COLUMNS, data, dropdowns=False)]),
                             f"年度工作汇报-{year}")
    office = is_office(request.user)
    return render(request, "bulletins/annual_list.html", {
        "year": year, "kind": kind, "rows": rows, "count": len(rows), "only_reported": only_reported,
        "is_office": office,
        "editable": {unit.pk for unit, _ in rows if can_edit_for_unit(request.user, unit.pk)},
        "qs": request.GET.urlencode(),
    })


def _report_page(request, unit: Unit, year: int, *, report_form=None, goal_form=None, status=200):
    report = AnnualReport.objects.filter(unit=unit, year=year).prefetch_related("goals__task").first()
    editable = can_edit_for_unit(request.user, unit.pk)
    initial = {"last_year_summary": report.last_year_summary, "approach": report.approach,
               "measures": report.measures, "version": report.version} if report else {}
    return render(request, "bulletins/annual_report.html", {
        "unit": unit, "year": year, "report": report, "editable": editable, "is_office": is_office(request.user),
        "report_form": report_form or (AnnualReportForm(initial=initial) if editable else None),
        "goal_form": goal_form or (GoalForm(initial={"deadline": f"{year}-12-31"}) if editable and report else None),
    }, status=status)


@require_http_methods(["GET", "POST"])
def annual_report(request, unit_id: int, year: int):
    unit = access.unit_for_report(request.user, unit_id, write=request.method == "POST")
    if not 2000 <= year <= 2100:
        raise Http404
    if request.method == "GET":
        return _report_page(request, unit, year)
    form = AnnualReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        current = AnnualReport.objects.filter(unit=unit, year=year).first()
        try:
            services.annual_report_save(actor=request.user, unit=unit, year=year,
                                        last_year_summary=data["last_year_summary"], approach=data["approach"],
                                        measures=data["measures"],
                                        expected_version=data["version"] if current else None)
        except UserError as exc:
            add_user_error(form, exc)
            return _report_page(request, unit, year, report_form=form, status=exc.status)
        messages.success(request, "已保存年度工作汇报。")
        return redirect("annual_report", unit_id=unit.pk, year=year)
    return _report_page(request, unit, year, report_form=form, status=400)


@require_POST
def annual_goal_add(request, unit_id: int, year: int):
    unit = access.unit_for_report(request.user, unit_id, write=True)
    report = AnnualReport.objects.filter(unit=unit, year=year).first()
    form = GoalForm(request.POST)
    if report is None:
        form.is_valid()
        form.add_error(None, "请先保存汇报正文，再添加目标")
        return _report_page(request, unit, year, goal_form=form, status=400)
    if form.is_valid():
        try:
            services.annual_goal_add(actor=request.user, report=report, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
            return _report_page(request, unit, year, goal_form=form, status=exc.status)
        messages.success(request, "已添加目标。")
        return redirect("annual_report", unit_id=unit.pk, year=year)
    return _report_page(request, unit, year, goal_form=form, status=400)


@require_POST
def annual_goal_delete(request, pk: int):
    goal = access.goal_for(request.user, pk, write="edit")
    try:
        services.annual_goal_delete(actor=request.user, goal=goal)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除目标。")
    return redirect("annual_report", unit_id=goal.report.unit_id, year=goal.report.year)


@require_POST
def annual_goal_to_task(request, pk: int):
    goal = access.goal_for(request.user, pk, write="convert")
    form = ConvertForm(request.POST)
    back = request.POST.get("back") == "report"
    fallback = reverse("annual_report", args=[goal.report.unit_id, goal.report.year]) if back else \
        f"{reverse('annual_report_list')}?year={goal.report.year}"
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
        return redirect(fallback)
    try:
        task = services.annual_goal_to_task(actor=request.user, goal=goal, **form.cleaned_data)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect(fallback)
    messages.success(request, f"已将“{goal.text}”转为任务（草稿），牵头单位{goal.report.unit.name}，"
                              f"时限{task.deadline:%Y年%-m月%-d日}。")
    return redirect(fallback)
