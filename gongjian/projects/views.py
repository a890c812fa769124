
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from gongjian import clock, xlsx
from gongjian.audit.services import record
from gongjian.campaigns.access import can_write_task
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch import periods
from gongjian.dispatch import selectors as dispatch_selectors
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.dispatch.services import PROBLEM_CATEGORIES
from gongjian.errors import UserError
from gongjian.forms_util import BadParameter, add_user_error, int_param
from gongjian.listing import SortColumn, page_of, querystring_without, sorted_queryset, xlsx_response
from gongjian.org.access import get_or_404, is_office, require
from gongjian.org.models import Unit
from gongjian.projects import battle, geo, ledger, selectors, services
from gongjian.projects.access import project_for, projects_visible_to
from gongjian.projects.calc import wan
from gongjian.projects.filters import ProjectFilter
from gongjian.projects.forms import (
    LedgerImportForm,
    ProjectDispatchForm,
    ProjectForm,
    ProjectPlanForm,
    ProjectStatusForm,
    TargetSheet,
)
from gongjian.projects.models import Project, ProjectFigures
from gongjian.supervision.models import Blocker, blocker_overdue_q
from gongjian.supervision.services import RESPONSIBLE_BY_CATEGORY
from gongjian.validate import int_or_none as _int
from gongjian.workdays import days

PROJECT_COLUMNS = [
    SortColumn("title", "项目名称", "title"),
    SortColumn("town", "所在镇街", "town__order"),
    SortColumn("level", "级别", "level"),
    SortColumn("total", "总投资（万元）", "total_investment"),
    SortColumn("year_plan", "年度计划（万元）", None),
    SortColumn("ytd", "本年完成（万元）", None),
    SortColumn("completion", "占年度计划", None),
    SortColumn("points", "与时间进度比", None),
    SortColumn("stats", "纳统", "stats_status"),
    SortColumn("stage", "招商阶段", "attraction_stage"),
    SortColumn("start", "计划开工", "start"),
    SortColumn("card", "亮牌", "card"),
]


# Task services name the task's fields; the project's forms call them by their project names.
_TASK_FIELD_NAMES = {"start": "planned_start", "deadline": "planned_completion"}


def _form_error(form, exc: UserError) -> None:
    if exc.field in _TASK_FIELD_NAMES:
        exc.field = _TASK_FIELD_NAMES[exc.field]
    add_user_error(form, exc)


@require_GET
def project_list(request):
    today = clock.today()
    visible = selectors.with_card(projects_visible_to(request.user), today)
    filterset = ProjectFilter(request.GET or None, queryset=visible)
    projects = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    projects, sort = sorted_queryset(selectors.project_rows(projects, today), request, PROJECT_COLUMNS, "start")
    if request.GET.get("export") == "xlsx":
        rows = projects.count()
        if rows > xlsx.MAX_ROWS:
            # The ledger must import again, and an import takes at most MAX_ROWS rows.
            messages.error(request, f"共{rows}个项目，超过单次导出{xlsx.MAX_ROWS}行的上限，请先按攻坚行动或镇街筛选后再导出。")
            return redirect(f"{request.path}?{querystring_without(request, 'export')}")
        content = ledger.export_projects(projects, mask_contacts=not is_office(request.user))
        record(actor=request.user, event="project_ledger.export", object_type="projects.project",
               changes={"rows": rows, "filters": querystring_without(request, "export")})
        return xlsx_response(content, "重点项目台账")
    page = page_of(projects, request)
    positions = selectors.positions(Project.objects.filter(pk__in=[p.pk for p in page]), today)
    return render(request, "projects/project_list.html", {
        "filter": filterset, "page": page, "count": page.paginator.count, "columns": PROJECT_COLUMNS, "sort": sort,
        "positions": positions, "qs": querystring_without(request, "sort", "page", "export"),
        "qs_export": querystring_without(request, "page", "export"), "form_fields": ProjectFilter.FORM_FIELDS,
    })


@require_http_methods(["GET", "POST"])
def project_create(request):
    require(is_office(request.user))
    form = ProjectForm(request.POST or None, initial={"campaign": request.GET.get("campaign")})
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            project = services.project_create(actor=request.user, campaign=form.cleaned_data["campaign"], **fields)
        except UserError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已创建项目“{project.title}”（草稿），请填写年度计划后交办。")
            return redirect("project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "title": "新建重点项目"},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = project_for(request.user, pk, write="manage")
    form = ProjectForm(request.POST or None, initial=ProjectForm.initial_for(project))
    form.fields["campaign"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        co_units = fields.pop("co_units")
        try:
            services.project_update(actor=request.user, project=project, co_units=co_units,
                                    expected_version=_int(request.POST.get("version")), **fields)
        except UserError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "title": "修改重点项目", "project": project},
                  status=400 if form.errors else 200)


@require_GET
def project_detail(request, pk: int):
    project = project_for(request.user, pk)
    context = selectors.project_detail(project, clock.today())
    period = dispatch_selectors.current_period()
    context.update({
        "can_manage": is_office(request.user), "can_report": can_write_task(request.user, project, "report"),
        "current_period": period, "mask_contact": not can_write_task(request.user, project, "report"),
        "masked_phone": ledger.mask_phone(project.contact_phone),
    })
    return render(request, "projects/project_detail.html", context)


@require_http_methods(["GET", "POST"])
def project_status(request, pk: int):
    project = project_for(request.user, pk, write="report")
    form = ProjectStatusForm(request.POST or None,
                             initial=ProjectStatusForm.initial_for(project, project.approvals.all()))
    if request.method == "POST" and form.is_valid():
        fields = form.project_fields()
        stats = {k: fields.pop(k) for k in ("stats_status", "stats_basis", "stats_on", "stats_reason")}
        try:
            with transaction.atomic():
                project = services.project_update(actor=request.user, project=project, **fields)
                services.project_stats_set(actor=request.user, project=project, status=stats["stats_status"],
                                           basis=stats["stats_basis"], on=stats["stats_on"],
                                           reason=stats["stats_reason"])
                services.project_approvals_set(actor=request.user, project=project, items=form.approvals())
        except UserError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "项目进展状态已更新。")
            return redirect("project_detail", pk=project.pk)
    return render(request, "projects/project_status.html", {"form": form, "project": project},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def project_plan(request, pk: int):
    project = project_for(request.user, pk, write="manage")
    year = project.campaign.year
    form = ProjectPlanForm(request.POST or None, initial=ProjectPlanForm.initial_for(
        project.plans.filter(year=year), project.funding.all()))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.project_plan_set(actor=request.user, project=project, year=year,
                                          investment=form.investment(), gov_funds=form.gov_funds())
                services.project_funding_set(actor=request.user, project=project, amounts=form.funding())
        except UserError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已保存{year}年度计划和资金来源。")
            return redirect("project_detail", pk=project.pk)
    return render(request, "projects/project_plan.html", {"form": form, "project": project, "year": year},
                  status=400 if form.errors else 200)


def _live_report(project: Project, period: ReportingPeriod) -> ProgressReport | None:
    return dispatch_selectors.live_reports(period).filter(task_id=project.pk).order_by("-id").first()


@require_http_methods(["GET", "POST"])
def project_dispatch(request, pk: int, period_id: int):
    """项目月度调度: the report and the period's investment figures, saved (and submitted) together."""
    project = project_for(request.user, pk)
    period = get_or_404(ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH), period_id)
    report = _live_report(project, period)
    figures = ProjectFigures.objects.filter(report=report).first() if report else None
    editable = report is None or report.state in (ProgressReport.State.DRAFT, ProgressReport.State.RETURNED)
    can_report = can_write_task(request.user, project, "report")
    if request.method == "POST":
        require(can_report)
        if not editable:
            messages.error(request, f"本期调度当前为“{report.get_state_display()}”，不能修改。")
            return redirect("project_dispatch", pk=project.pk, period_id=period.pk)
    open_milestones = [m for m in project.milestones.all() if m.done_on is None]
    initial = ProjectDispatchForm.initial_from(report) | ProjectDispatchForm.initial_from_figures(figures)
    form = ProjectDispatchForm(request.POST or None, milestones=open_milestones, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        report_fields = form.service_fields()
        report_fields.pop("indicator_actual", None)
        report_fields.pop("percent", None)
        try:
            report = services.project_dispatch_save(
                actor=request.user, project=project, period=period, report_fields=report_fields,
                figures=form.figures(), uploads=request.FILES.getlist("photos"), submit=submit,
                expected_version=report.version if report else None)
        except UserError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已提交，等待督查室审核。" if submit else "草稿已保存。")
            return redirect("project_dispatch", pk=project.pk, period_id=period.pk)
    invested = figures.invested if figures else None
    if form.is_bound and form.is_valid():
        invested = form.figures()["invested"]
    numbers = selectors.dispatch_numbers(project, period, invested, report.pk if report else None)
    plan = project.plans.filter(year=period.start.year, month=period.start.month).first()
    return render(request, "projects/project_dispatch.html", {
        "project": project, "period": period, "report": report, "figures": figures, "form": form,
        "due_on": periods.report_due_on(period, project.campaign),
        "editable": editable and can_report, "numbers": numbers, "month_plan": plan.investment if plan else None,
        "responsible": [(PROBLEM_CATEGORIES[k], unit) for k, unit in RESPONSIBLE_BY_CATEGORY.items()], "evidence": report.evidence.all() if report else [],
        "periods": ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.MONTH, start__lte=clock.today())[:12],
    }, status=400 if form.errors else 200)


@require_GET
def ledger_template(request):
    require(is_office(request.user))
    campaign = Campaign.objects.filter(pk=_int(request.GET.get("campaign"))).first() or Campaign.objects.first()
    return xlsx_response(ledger.template(campaign), "重点项目台账模板")


@require_http_methods(["GET", "POST"])
def ledger_import(request):
    require(is_office(request.user))
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST":
        if not form.is_valid():
            context["error"] = "请选择攻坚行动并上传 .xlsx 文件"
            return render(request, "projects/ledger_import.html", context, status=400)
        campaign = form.cleaned_data["campaign"]
        commit = request.POST.get("commit") == "1"
        try:
            result = ledger.import_projects(actor=request.user, campaign=campaign,
                                            data=form.cleaned_data["file"].read(), commit=commit)
        except UserError as exc:
            context["error"] = exc.message
            return render(request, "projects/ledger_import.html", context, status=400)
        context.update({"result": result, "campaign": campaign, "committed": commit and not result.errors})
        return render(request, "projects/ledger_import.html", context, status=400 if result.errors else 200)
    return render(request, "projects/ledger_import.html", context)


def _scope_filters(request, projects):
    """The campaign and town filters shared by the attraction board and the map, kept in the URL."""
    campaign = Campaign.objects.filter(pk=_int(request.GET.get("campaign"))).first()
    town = Unit.objects.filter(pk=_int(request.GET.get("town")), kind__in=Unit.AREA_KINDS).first()
    if campaign:
        projects = projects.filter(campaign=campaign)
    if town:
        projects = projects.filter(town=town)
    query = "&".join(f"{k}={v.pk}" for k, v in (("campaign", campaign), ("town", town)) if v)
    return projects, {"campaign": campaign, "town": town, "scope_qs": query,
                      "campaigns": Campaign.objects.all(),
                      "towns": Unit.objects.filter(kind__in=Unit.AREA_KINDS, is_active=True)}


@require_GET
def attraction(request):
    projects, scope = _scope_filters(request, projects_visible_to(request.user))
    summary = selectors.attraction_summary(projects, clock.today())
    return render(request, "projects/attraction.html", {**scope, **summary, "today": clock.today()})


MAP_POINT_LIMIT = 3000


@require_GET
def project_map(request):
    """Projects as points by town; past MAP_POINT_LIMIT projects only the towns' counts are drawn (pick a town to
    see its points), so a province's map stays light."""
    today = clock.today()
    projects, scope = _scope_filters(request, projects_visible_to(request.user))
    towns = list(Unit.objects.filter(kind__in=Unit.AREA_KINDS, is_active=True).values_list("id", "name"))
    centers = {pk: geo.town_point(name, i, len(towns)) for i, (pk, name) in enumerate(towns)}
    counts = dict(projects.exclude(town=None).values_list("town_id").annotate(n=Count("pk")).order_by())
    placed = sum(counts.values())
    points = []
    if placed <= MAP_POINT_LIMIT:
        cards = selectors.card_colors(projects, today)
        for pk, title, town_id, lng, lat, total, status in projects.exclude(town=None).values_list(
                "pk", "title", "town_id", "longitude", "latitude", "total_investment", "status"):
            x, y, exact = geo.project_point(centers.get(town_id, geo.CITY_CENTER), pk, lng, lat)
            points.append({"id": pk, "name": title, "value": [x, y, float(wan(total))], "card": cards.get(pk, ""),
                           "exact": exact, "done": status == Task.Status.COMPLETED})
    data = {
        "towns": [{"id": pk, "name": name, "value": list(centers[pk]), "count": counts.get(pk, 0)} for pk, name in towns],
        "projects": points,
        "tiles": getattr(settings, "GONGJIAN_MAP_TILE_URL", "") or "",
    }
    return render(request, "projects/project_map.html", {
        **scope, "data": data, "count": placed, "unplaced": projects.filter(town=None).count(),
        "summarised": placed > MAP_POINT_LIMIT, "limit": MAP_POINT_LIMIT})


# --- battle map (作战图) --------------------------------------------------------------------------------------------


@require_GET
def battle_index(request):
    return redirect("battle_deployment")


def _campaign_for(request, projects) -> Campaign | None:
    chosen = Campaign.objects.filter(pk=_int(request.GET.get("campaign"))).first()
    if chosen is not None:
        return chosen
    with_projects = Campaign.objects.filter(id__in=projects.values("campaign_id"))
    return with_projects.order_by("-year", "-id").first() or Campaign.objects.order_by("routine", "-year", "-id").first()


@require_GET
def battle_deployment(request):
    projects = projects_visible_to(request.user)
    campaign = _campaign_for(request, projects)
    groups = selectors.deployment(campaign, projects, campaign.year) if campaign else {"area": [], "town": []}
    return render(request, "projects/battle_deployment.html", {
        "campaign": campaign, "campaigns": Campaign.objects.all(), "groups": groups, "today": clock.today(),
        "can_manage": is_office(request.user),
    })


@require_http_methods(["GET", "POST"])
def battle_targets(request):
    require(is_office(request.user))
    campaign = _campaign_for(request, Project.objects.all())
    if campaign is None:
        messages.error(request, "请先建立攻坚行动。")
        return redirect("battle_deployment")
    targets = TargetSheet(campaign, request.POST or None)
    if request.method == "POST":
        if targets.is_valid():
            try:
                with transaction.atomic():
                    saved = [services.battle_target_set(actor=request.user, campaign=campaign, **values)
                             for values in targets.targets()]
            except UserError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已保存{len(saved)}项作战目标。")
                return redirect(f"{request.path}?campaign={campaign.pk}")
        else:
            messages.error(request, "请检查标红的输入。")
    return render(request, "projects/battle_targets.html", {"campaign": campaign, "rows": targets.rows},
                  status=400 if request.method == "POST" else 200)


@require_GET
def battle_progress(request):
    form = battle.ProgressFilter(request.GET or None, initial={"kind": "project", "group": "town"})
    if form.is_bound:
        form.is_valid()
    group = request.GET.get("group", "town")
    return render(request, "projects/battle_progress.html", {
        "form": form, "group": group if group in dict(battle.GROUPS) else "town",
        "json_query": request.GET.urlencode(), "today": clock.today(), "page_first": battle.PAGE_FIRST,
        "page_max": battle.PAGE_MAX,
    })


@require_GET
def battle_progress_json(request):
    """One window of gantt/v1 (`offset`, `limit`; battle.py), built once per data version: the ETag names the audit
    chain's head (every write service records an event), the viewer, the day, the filters and the window, so an
    unchanged window answers 304, and a changed one is built and gzipped once and then served from the cache to every
    request that asks the same."""
    form = battle.ProgressFilter(request.GET)
    if not form.is_valid():
        field, message = form.first_error()
        return JsonResponse({"detail": message, "code": "invalid", "field": field}, status=400)
    window = {}
    for name, label, minimum, maximum in (("offset", "起始行", 0, battle.OFFSET_MAX),
                                          ("limit", "每次行数", 1, battle.PAGE_MAX)):
        try:
            window[name] = int_param(request, name, minimum=minimum, maximum=maximum)
        except BadParameter as exc:
            return JsonResponse({"detail": f"「{label}」{exc}", "code": "invalid", "field": name}, status=400)
    offset, limit = window["offset"] or 0, window["limit"] or battle.PAGE_MAX
    data = {**form.cleaned_data, "group": request.GET.get("group", "town")}
    today = clock.today()
    query = sorted((k, v) for k, v in request.GET.lists() if k not in ("offset", "limit"))
    version = battle.progress_version(today)
    rows_etag = battle.progress_etag(request.user, query, today, version=version)
    etag = battle.progress_etag(request.user, query, today, version=version, window=(offset, limit))
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        body, gzipped = battle.progress_body(request.user, data, today, etag, offset=offset, limit=limit,
                                             rows_etag=rows_etag, latest=version[1])
        use_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
        response = HttpResponse(gzipped if use_gzip else body, content_type="application/json; charset=utf-8")
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding, Cookie"
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def battle_guarantee(request):
    today = clock.today()
    scope = request.GET.get("scope", "projects")
    blockers = selectors.blockers_visible_to(request.user).filter(state=Blocker.State.OPEN)
    if scope != "all":
        blockers = blockers.filter(task__project__isnull=False)
    summary = selectors.guarantee(blockers, today)
    listed = blockers
    category, unit, level = request.GET.get("category"), int_param(request, "unit"), int_param(request, "level")
    if category in Blocker.Category.values:
        listed = listed.filter(category=category)
    if unit:
        listed = listed.filter(responsible_unit_id=unit)
    if level in Blocker.Level.values:
        listed = listed.filter(level=level)
    if request.GET.get("overdue") == "1":
        listed = listed.filter(blocker_overdue_q(today))
    band = int_param(request, "age")
    if band is not None:
        cal = days.calendar()
        listed = listed.filter(pk__in=[pk for pk, raised in listed.values_list("pk", "raised_on")
                                       if selectors.age_band(cal.between(raised, today)) == band])
    page = page_of(listed.order_by("raised_on", "id"), request)
    rows = selectors.blocker_rows(Blocker.objects.filter(pk__in=[b.pk for b in page]), today)
    return render(request, "projects/battle_guarantee.html", {
        **summary, "page": page, "rows": rows, "count": page.paginator.count, "scope": scope, "today": today,
        "category": category, "unit": unit, "level": level, "categories_all": Blocker.Category.choices,
        "scope_qs": f"scope={scope}",
    })
