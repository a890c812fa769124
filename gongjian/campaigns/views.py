from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian import clock
from gongjian.campaigns import colors as task_colors
from gongjian.campaigns import ledger, selectors, services
from gongjian.campaigns.access import can_write_task, task_for, tasks_visible_to
from gongjian.campaigns.filters import TaskFilter
from gongjian.campaigns.forms import AdjustmentForm, CompleteMilestoneForm, DependencyForm, MilestoneForm, TaskForm
from gongjian.campaigns.models import Adjustment, Campaign, Milestone, Task
from gongjian.campaigns.speech import parse_speech
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.forms_util import first_error as _first_error
from gongjian.listing import SortColumn, page_of, querystring_without, sorted_queryset, xlsx_response
from gongjian.org.access import get_or_404, is_leader, is_office, require, sees_everything, unit_id_of
from gongjian.org.models import Person, Unit
from gongjian.validate import int_or_none as _int

TASK_COLUMNS = [
    SortColumn("color", "亮牌", "color_rank"),
    SortColumn("title", "任务名称", "title"),
    SortColumn("focus_area", "重点方向", "focus_area__order"),
    SortColumn("lead_unit", "牵头单位", "lead_unit__order"),
    SortColumn("lead_leader", "牵头领导", "lead_leader__id"),
    SortColumn("deadline", "办结时限", "deadline"),
    SortColumn("progress", "进度", "progress"),
    SortColumn("status", "状态", "status"),
]


@require_GET
def campaign_list(request):
    visible = tasks_visible_to(request.user).values("campaign_id")
    campaigns = Campaign.objects.filter(id__in=visible) if not is_office(request.user) else Campaign.objects.all()
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns})


@require_GET
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    areas = selectors.campaign_overview(campaign=campaign, user=request.user)
    if not is_office(request.user) and not any(a["tasks"] for a in areas):
        raise Http404
    numbers = selectors.task_totals(tasks_visible_to(request.user).filter(campaign=campaign), on=clock.today())
    counted = urlencode([("campaign", campaign.pk), *[("status", s) for s in selectors.COUNTED_STATUSES]])
    return render(request, "campaigns/campaign_detail.html", {"campaign": campaign, "areas": areas,
                                                              "numbers": numbers, "counted_query": counted,
                                                              "own_unit_only": not sees_everything(request.user)})


@require_GET
def task_list(request):
    filterset = TaskFilter(request.GET or None, queryset=tasks_visible_to(request.user))
    tasks = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    # Red first: the cards of the latest supervision run lead the list, then the nearest deadline.
    tasks = task_colors.with_current_color(selectors.task_rows(tasks))
    tasks, sort = sorted_queryset(tasks, request, TASK_COLUMNS, "color")
    if sort == "color":
        tasks = tasks.order_by("color_rank", "deadline", "id")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(ledger.export_tasks(tasks), "任务清单")
    page = page_of(tasks, request)
    return render(request, "campaigns/task_list.html", {
        "filter": filterset, "page": page, "count": page.paginator.count, "columns": TASK_COLUMNS, "sort": sort,
        "count_note": _count_note(filterset),
        "qs": querystring_without(request, "sort", "page", "export"),
        "qs_export": querystring_without(request, "page", "export"),
    })


def _count_note(filterset: TaskFilter) -> str:
    """What the list's total counts, in the words the cockpit and the campaign page use for theirs."""
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    statuses = set(data.get("status") or ())
    included = ([] if data.get("campaign") else ["督办事项"]) + ([] if statuses else ["草稿", "已撤销"])
    note = f"含{'、'.join(included)}" if included else ""
    if statuses == set(selectors.COUNTED_STATUSES):
        note += ("，" if note else "") + "不含草稿、已撤销"
    return note


@require_GET
def leader_desk(request):
    """A city leader's landing page: the tasks they lead, red first, and the few numbers they ask about."""
    require(is_leader(request.user) or is_office(request.user))
    person = getattr(request.user, "person", None)
    visible = tasks_visible_to(request.user)
    mine = selectors.counted_tasks(visible.filter(lead_leader=person)) if person is not None else visible.none()
    own = mine.exists()
    shown = mine if own else visible.filter(status__in=Task.OPEN_STATUSES)
    numbers = selectors.task_totals(shown, on=clock.today())
    tasks = task_colors.with_current_color(selectors.task_rows(shown)).order_by("color_rank", "deadline", "id")[:50]
    statuses = selectors.COUNTED_STATUSES if own else Task.OPEN_STATUSES
    query = urlencode([*([("lead_leader", person.pk)] if own else []), *[("status", s) for s in statuses]])
    return render(request, "campaigns/leader_desk.html", {
        "person": person, "own": own, "tasks": list(tasks), "numbers": numbers, "list_url": f"?{query}",
    })


@require_GET
def my_tasks(request):
    unit_id = unit_id_of(request.user)
    if unit_id is None:
        return redirect("task_list")
    return redirect(f"/tasks/?unit={unit_id}")


def _task_form_kwargs(form: TaskForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("campaign")
    return data


@require_http_methods(["GET", "POST"])
def task_create(request):
    require(is_office(request.user))
    form = TaskForm(request.POST or None, initial={"campaign": request.GET.get("campaign")})
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=request.user, campaign=form.cleaned_data["campaign"],
                                        **_task_form_kwargs(form))
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, f"已创建任务“{task.title}”（草稿），请添加节点后交办。")
            return redirect("task_detail", pk=task.pk)
    return render(request, "campaigns/task_form.html", {"form": form, "title": "新建任务"},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def task_edit(request, pk: int):
    task = task_for(request.user, pk, write="manage")
    initial = {f: getattr(task, f) for f in TaskForm.base_fields if f != "co_units"}
    initial["co_units"] = list(task.co_units.all())
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = _task_form_kwargs(form)
        co_units = fields.pop("co_units")
        try:
            services.task_update(actor=request.user, task=task, co_units=co_units,
                                 expected_version=_int(request.POST.get("version")), **fields)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("task_detail", pk=task.pk)
    return render(request, "campaigns/task_form.html", {"form": form, "title": "修改任务", "task": task},
                  status=400 if form.errors else 200)


@require_GET
def task_detail(request, pk: int):
    task = task_for(request.user, pk)
    context = selectors.task_detail(task)
    context.update({
        "can_manage": is_office(request.user),
        "milestone_form": MilestoneForm(),
        "dependency_form": DependencyForm(),
        "adjustment_form": AdjustmentForm(),
        "complete_form": CompleteMilestoneForm(),
        "can_report": can_write_task(request.user, task, "report"),
    })
    return render(request, "campaigns/task_detail.html", context)


def _back(request, task: Task, exc: UserError | None = None, ok: str = ""):
    if exc is not None:
        messages.error(request, exc.message)
    elif ok:
        messages.success(request, ok)
    return redirect("task_detail", pk=task.pk)


@require_POST
def task_transition(request, pk: int):
    task = task_for(request.user, pk, write="manage")
    to = request.POST.get("to", "")
    if to not in Task.Status.values:
        return _back(request, task, UserError("未知的目标状态", "invalid"))
    try:
        services.task_transition(actor=request.user, task=task, to=to, reason=request.POST.get("reason", ""))
    except UserError as exc:
        return _back(request, task, exc)
    return _back(request, task, ok=f"任务状态已变更为“{Task.Status(to).label}”。")


@require_http_methods(["GET", "POST"])
def task_schedule(request, pk: int):
    """倒排工期: GET shows the proposed dates beside the current ones; only the confirming POST changes them."""
    task = task_for(request.user, pk, write="manage")
    if request.method == "POST":
        expected = {}
        for key, value in request.POST.items():
            if key.startswith("m") and key[1:].isdigit():
                expected[int(key[1:])] = value
        try:
            schedule = services.task_schedule_backward(actor=request.user, task=task, expected=expected)
        except UserError as exc:
            messages.error(request, exc.message)
            return redirect("task_schedule", pk=task.pk)
        return _back(request, task, ok=f"已按倒排工期更新节点计划，全部节点于{schedule.finish:%Y年%-m月%-d日}前完成。")
    try:
        schedule, milestones = services.task_schedule_proposal(task=task)
    except UserError as exc:
        return _back(request, task, exc)
    return render(request, "campaigns/task_schedule.html", {"task": task, "schedule": schedule,
                                                            "milestones": milestones})


@require_POST
def milestone_create(request, pk: int):
    task = task_for(request.user, pk, write="manage")
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _back(request, task, UserError(_first_error(form)))
    try:
        services.milestone_create(actor=request.user, task=task, **form.cleaned_data)
    except UserError as exc:
        return _back(request, task, exc)
    return _back(request, task, ok="已添加节点。")


@require_POST
def milestone_complete(request, pk: int):
    milestone = get_or_404(Milestone.objects.all(), pk)
    task = task_for(request.user, milestone.task_id, write="report")
    form = CompleteMilestoneForm(request.POST)
    if not form.is_valid():
        return _back(request, task, UserError(_first_error(form)))
    try:
        services.milestone_complete(actor=request.user, milestone=milestone, **form.cleaned_data)
    except UserError as exc:
        return _back(request, task, exc)
    return _back(request, task, ok=f"节点“{milestone.title}”已完成。")


@require_POST
def dependency_create(request, pk: int):
    task = task_for(request.user, pk, write="manage")
    form = DependencyForm(request.POST)
    if not form.is_valid():
        return _back(request, task, UserError(_first_error(form)))
    data = form.cleaned_data
    predecessor = task.milestones.filter(pk=data["predecessor"]).first()
    successor = task.milestones.filter(pk=data["successor"]).first()
    if predecessor is None or successor is None:
        return _back(request, task, UserError("请选择本任务的节点", "invalid"))
    try:
        services.dependency_create(actor=request.user, predecessor=predecessor, successor=successor,
                                   type=data["type"], lag=data["lag"])
    except UserError as exc:
        return _back(request, task, exc)
    return _back(request, task, ok="已添加依赖。")


@require_POST
def adjustment_request(request, pk: int):
    task = task_for(request.user, pk, write="report")
    form = AdjustmentForm(request.POST)
    if not form.is_valid():
        return _back(request, task, UserError(_first_error(form)))
    try:
        services.adjustment_request(actor=request.user, task=task, changes=form.changes(),
                                    reason=form.cleaned_data["reason"])
    except UserError as exc:
        return _back(request, task, exc)
    return _back(request, task, ok="调整申请已提交，等待督查室审批。")


@require_POST
def adjustment_decide(request, pk: int):
    adjustment = get_or_404(Adjustment.objects.all(), pk)
    task = task_for(request.user, adjustment.task_id, write="manage")
    try:
        services.adjustment_decide(actor=request.user, adjustment=adjustment,
                                   approve=request.POST.get("decision") == "approve", note=request.POST.get("note", ""))
    except UserError as exc:
        return _back(request, task, exc)
    return _back(request, task, ok="已审批调整申请。")


@require_GET
def ledger_template(request):
    require(is_office(request.user))
    return xlsx_response(ledger.template(), "任务台账模板")


@require_http_methods(["GET", "POST"])
def ledger_import(request):
    require(is_office(request.user))
    context = {"campaigns": Campaign.objects.all()}
    if request.method == "POST":
        upload = request.FILES.get("file")
        campaign = Campaign.objects.filter(pk=_int(request.POST.get("campaign"))).first()
        commit = request.POST.get("commit") == "1"
        if upload is None or campaign is None:
            context["error"] = "请选择攻坚行动并上传 .xlsx 文件"
            return render(request, "campaigns/ledger_import.html", context, status=400)
        try:
            result = ledger.import_tasks(actor=request.user, campaign=campaign, data=upload.read(), commit=commit)
        except UserError as exc:
            context["error"] = exc.message
            return render(request, "campaigns/ledger_import.html", context, status=400)
        context.update({"result": result, "campaign": campaign, "committed": commit and not result.errors})
        status = 400 if result.errors else 200
        return render(request, "campaigns/ledger_import.html", context, status=status)
    return render(request, "campaigns/ledger_import.html", context)


def _draft_from_post(post) -> list[dict]:
    """Read the edited draft back from the form: areas a-<i>, tasks t-<i>-<j>; unticked tasks are dropped and a task
    marked "merge" joins the task above it."""
    areas = []
    i = 0
    while f"a-{i}-title" in post:
        tasks: list[dict] = []
        j = 0
        while f"t-{i}-{j}-text" in post:
            prefix = f"t-{i}-{j}"
            if post.get(f"{prefix}-keep"):
                item = {"text": post.get(f"{prefix}-text", "").strip(), "sentence": post.get(f"{prefix}-sentence", ""),
                        "unit": post.get(f"{prefix}-unit", ""), "leader": post.get(f"{prefix}-leader", ""),
                        "ref": f"{i + 1}.{j + 1}"}
                if post.get(f"{prefix}-merge") and tasks:
                    tasks[-1]["text"] += "；" + item["text"]
                    tasks[-1]["sentence"] += item["sentence"]
                else:
                    tasks.append(item)
            j += 1
        areas.append({"title": post.get(f"a-{i}-title", "").strip(), "sentence": post.get(f"a-{i}-sentence", ""),
                      "tasks": tasks})
        i += 1
    return areas


def _resolve(areas: list[dict]) -> tuple[list[dict], list[str]]:
    units = {str(u.pk): u for u in Unit.objects.filter(is_active=True)}
    leaders = {str(p.pk): p for p in Person.objects.filter(is_city_leader=True)}
    errors = []
    for area in areas:
        for item in area["tasks"]:
            item["lead_unit"] = units.get(item["unit"])
            item["lead_leader"] = leaders.get(item["leader"])
            if item["lead_unit"] is None:
                errors.append(f"任务{item['ref']}“{item['text'][:20]}”请选择牵头单位")
            if not item["text"]:
                errors.append(f"任务{item['ref']}内容不能为空")
    return areas, errors


@require_http_methods(["GET", "POST"])
def speech_import(request):
    """Paste a speech or minutes, edit the parsed draft, accept it as draft tasks of a campaign (清单化)."""
    require(is_office(request.user))
    context = {"campaigns": Campaign.objects.all(), "units": Unit.objects.filter(is_active=True),
               "leaders": Person.objects.filter(is_city_leader=True), "text": request.POST.get("text", "")}
    if request.method == "POST" and request.POST.get("step") == "accept":
        areas, errors = _resolve(_draft_from_post(request.POST))
        campaign = Campaign.objects.filter(pk=_int(request.POST.get("campaign"))).first()
        deadline = parse_date(request.POST.get("deadline", "") or "")
        if campaign is None:
            errors.append("请选择攻坚行动")
        if deadline is None:
            errors.append("请填写默认办结时限")
        if not errors:
            try:
                tasks = services.campaign_accept_draft(actor=request.user, campaign=campaign, areas=areas,
                                                       deadline=deadline)
            except UserError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, f"已生成{len(tasks)}项草稿任务，请逐项完善节点后交办。")
                return redirect(f"/tasks/?campaign={campaign.pk}&status=draft")
        context.update({"errors": errors, "draft": _draft_context(areas), "step": "edit"})
        return render(request, "campaigns/speech.html", context, status=400)
    if request.method == "POST":
        text = request.POST.get("text", "")
        if len(text) > 200_000:
            context["errors"] = ["文本过长（上限20万字）"]
            return render(request, "campaigns/speech.html", context, status=400)
        units_by_name = {u.name: u for u in context["units"]}
        # Units the text names are matched against the units on file, so the form can preselect them.
        draft = parse_speech(text, unit_keywords={name: [] for name in units_by_name})
        leaders_by_post = {p.display_name: p for p in context["leaders"]}
        areas = [{"title": a.title, "sentence": a.sentence, "tasks": [
            {"text": t.text, "sentence": t.sentence, "unit": str(units_by_name[t.lead_unit].pk)
             if t.lead_unit in units_by_name else "", "leader": str(leaders_by_post[t.leader_post].pk)
             if t.leader_post in leaders_by_post else "", "position": t.start} for t in a.tasks]}
            for a in draft.focus_areas]
        context.update({"draft": _draft_context(areas), "message": draft.message, "step": "edit"})
    return render(request, "campaigns/speech.html", context)


def _draft_context(areas: list[dict]) -> list[dict]:
    return [{"index": i, **area, "tasks": [{"index": j, **task} for j, task in enumerate(area["tasks"])]}
            for i, area in enumerate(areas)]
