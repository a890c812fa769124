"""Staff pages for golden ideas (金点子): list, submit, evaluate with a public answer, adopt as a task, points."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.frontline import selectors, services
from gongjian.frontline.access import can_see_ideas, idea_for, ideas_visible_to
from gongjian.frontline.filters import IdeaFilter
from gongjian.frontline.forms import IdeaAcceptForm, IdeaForm
from gongjian.frontline.models import PointsEntry
from gongjian.frontline.text import mask_name, mask_phone
from gongjian.listing import SortColumn, page_of, querystring_without, sorted_queryset, xlsx_response
from gongjian.org.access import is_office, require
from gongjian.validate import int_or_none as _int
from gongjian.xlsx import Column, SheetSpec, write_table

IDEA_COLUMNS = [
    SortColumn("code", "查询码", "code"),
    SortColumn("title", "标题", "title"),
    SortColumn("category", "领域", "category"),
    SortColumn("town", "镇街", "town__order"),
    SortColumn("submitted_at", "提交时间", "submitted_at"),
    SortColumn("state", "状态", "state"),
]
EXPORT_COLUMNS = [
    Column("code", "查询码", "text"), Column("title", "标题", "text"), Column("category", "领域", "text"),
    Column("town", "镇街", "text"), Column("submitted", "提交日期", "date"), Column("proposer", "提出人", "text"),
    Column("state", "状态", "text"), Column("answer", "公开答复", "text"), Column("task", "转化任务", "text"),
]


@require_GET
def idea_list(request):
    visible = ideas_visible_to(request.user)
    require(can_see_ideas(request.user), "您没有查看金点子的权限")
    filterset = IdeaFilter(request.GET or None, queryset=visible)
    ideas = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    ideas, sort = sorted_queryset(ideas.select_related("town", "task"), request, IDEA_COLUMNS, "-submitted_at")
    if request.GET.get("export") == "xlsx":
        rows = ({"code": i.code, "title": i.title, "category": i.get_category_display(),
                 "town": i.town.name if i.town_id else "", "submitted": i.submitted_at.date(),
                 "proposer": mask_name(i.proposer_name), "state": i.get_state_display(), "answer": i.public_answer,
                 "task": i.task.title if i.task_id else ""} for i in ideas.iterator(chunk_size=1000))
        return xlsx_response(write_table([SheetSpec(title="金点子", columns=EXPORT_COLUMNS, rows=rows,
                                                    dropdowns=False)]), "金点子")
    page = page_of(ideas, request)
    return render(request, "frontline/idea_list.html", {
        "filter": filterset, "page": page, "count": page.paginator.count, "columns": IDEA_COLUMNS, "sort": sort,
        "qs": querystring_without(request, "sort", "page", "export"),
        "qs_export": querystring_without(request, "page", "export"), "is_office": is_office(request.user),
    })


@require_http_methods(["GET", "POST"])
def idea_create(request):
    require(can_see_ideas(request.user), "您没有提交金点子的权限")
    form = IdeaForm(request.POST or None, staff=True)
    similar = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            idea = services.idea_submit(actor=request.user, **data)
        except UserError as exc:
            add_user_error(form, exc)
            similar = selectors.similar_ideas(data["title"], data["text"])
        else:
            messages.success(request, f"金点子已提交，查询码{idea.code}。")
            return redirect("idea_detail", pk=idea.pk)
    return render(request, "frontline/idea_form.html", {"form": form, "similar": similar},
                  status=409 if similar else (400 if form.errors else 200))


@require_GET
def idea_detail(request, pk: int):
    idea = idea_for(request.user, pk)
    office = is_office(request.user)
    return render(request, "frontline/idea_detail.html", {
        "idea": idea, "is_office": office, "progress": selectors.idea_progress(idea),
        "proposer": {"name": mask_name(idea.proposer_name), "phone": mask_phone(idea.proposer_phone)},
        "accept_form": IdeaAcceptForm() if office else None, "points": idea.points.all(),
        "similar": selectors.similar_ideas(idea.title, idea.text, exclude=idea.pk),
    })


@require_POST
def idea_action(request, pk: int, action: str):
    if action not in ("evaluate", "reject", "accept", "points"):
        raise Http404
    idea = idea_for(request.user, pk, write=True)
    try:
        if action == "evaluate":
            services.idea_evaluate(actor=request.user, idea=idea)
            message = "已开始评估。"
        elif action == "reject":
            services.idea_reject(actor=request.user, idea=idea, answer=request.POST.get("answer", ""))
            message = "已答复（未采纳）。"
        elif action == "accept":
            return _accept(request, idea)
        else:
            services.idea_points_award(actor=request.user, idea=idea, points=_int(request.POST.get("points")),
                                       reason=request.POST.get("reason", ""))
            message = "已记入积分。"
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("idea_detail", pk=idea.pk)


def _accept(request, idea):
    form = IdeaAcceptForm(request.POST)
    if form.is_valid():
        try:
            idea = services.idea_accept(actor=request.user, idea=idea, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, f"已采纳，转化为任务“{idea.task.title}”并交办。")
            return redirect("idea_detail", pk=idea.pk)
    return render(request, "frontline/idea_detail.html", {
        "idea": idea, "is_office": True, "progress": None, "accept_form": form, "points": idea.points.all(),
        "proposer": {"name": mask_name(idea.proposer_name), "phone": mask_phone(idea.proposer_phone)},
        "similar": [],
    }, status=400)


@require_GET
def idea_points(request):
    """The reward points ledger (积分台账) and each proposer's balance."""
    require(is_office(request.user))
    entries = PointsEntry.objects.select_related("idea", "by__person")[:500]
    balances = selectors.points_balances()
    for row in balances:
        row["name"] = mask_name(row["name"]) if row["proposer_key"].startswith("phone:") else row["name"]
    return render(request, "frontline/idea_points.html", {"entries": entries, "balances": balances,
                                                          "count": len(balances)})
