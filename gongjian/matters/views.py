"""Pages for 督办事项: one list per kind (with its ledger export), a registration form, the item's page with the
steps its viewer may take, and the meeting-minutes page that drafts items from pasted minutes."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian.campaigns.access import can_write_task
from gongjian.campaigns.models import Task
from gongjian.documents import services as document_services
from gongjian.documents.models import DocType
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.listing import page_of, xlsx_response
from gongjian.matters import forms, selectors, services
from gongjian.matters.access import item_for, items_visible_to, task_in_chain_for
from gongjian.matters.models import Assignment, Instruction, Meeting, Proposal
from gongjian.org.access import can_edit_for_unit, is_office, require, unit_id_of
from gongjian.org.models import Unit
from gongjian.xlsx import Column, SheetSpec, write_table

STATUS_FILTERS = {"open": Task.OPEN_STATUSES, "completed": (Task.Status.COMPLETED,), "draft": (Task.Status.DRAFT,)}


def _kind(slug: str) -> selectors.Kind:
    kind = selectors.KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


def _ledger_columns(kind: selectors.Kind) -> list[Column]:
    columns = [Column("title", "事项", "text"), Column("lead_unit", "牵头（主办）单位", "text"),
               Column("co_units", "配合（协办）单位", "text"), Column("start", "交办日期", "date"),
               Column("deadline", "办结时限", "date"), Column("stage", "办理阶段", "text"),
               Column("completed_on", "办结日期", "date")]
    extra = {
        "instructions": [Column("leader", "批示领导", "text"), Column("instruction_text", "批示内容", "text"),
                         Column("signed_off", "销号", "text")],
        "meeting-items": [Column("meeting", "会议", "text"), Column("held_on", "会议日期", "date"),
                          Column("chair", "主持人", "text")],
        "assignments": [Column("upstream_body", "交办机关", "text"), Column("upstream_number", "来文文号", "text"),
                        Column("upstream_deadline", "上级时限", "date"), Column("replied_on", "报送上级日期", "date")],
        "proposals": [Column("kind", "类别", "text"), Column("code", "编号", "text"),
                      Column("proposers", "领衔人及附议人", "text"), Column("answer_class", "答复类别", "text"),
                      Column("answered_on", "答复日期", "date"), Column("satisfaction", "代表委员意见", "text")],
    }[kind.slug]
    return columns + extra


def _ledger_row(kind: selectors.Kind, item) -> dict:
    row = {"title": item.title, "lead_unit": item.lead_unit.name, "start": item.start, "deadline": item.deadline,
           "co_units": "、".join(u.name for u in item.co_units.all()), "stage": selectors.stage_of(item),
           "completed_on": item.completed_on}
    if isinstance(item, Instruction):
        row |= {"leader": item.leader.display_name, "instruction_text": item.instruction_text,
                "signed_off": "已销号" if item.signed_off_at else ""}
    elif isinstance(item, Assignment):
        row |= {f: getattr(item, f) for f in ("upstream_body", "upstream_number", "upstream_deadline", "replied_on")}
    elif isinstance(item, Proposal):
        row |= {"kind": item.get_kind_display(), "code": item.code, "proposers": item.proposers,
                "answer_class": item.answer_class, "answered_on": item.answered_on,
                "satisfaction": item.get_satisfaction_display() if item.satisfaction else ""}
    else:
        row |= {"meeting": item.meeting.title, "held_on": item.meeting.held_on, "chair": item.meeting.chair}
    return row


@require_GET
def item_list(request, kind: str):
    kind = _kind(kind)
    items = items_visible_to(request.user, kind.model).select_related("lead_unit").prefetch_related("co_units")
    if kind.slug == "instructions":
        items = items.select_related("leader")
    elif kind.slug == "meeting-items":
        items = items.select_related("meeting")
    status = request.GET.get("status", "")
    if status in STATUS_FILTERS:
        items = items.filter(status__in=STATUS_FILTERS[status])
    items = items.order_by("deadline", "id")
    if request.GET.get("export") == "xlsx":
        sheet = SheetSpec(kind.label, _ledger_columns(kind), [_ledger_row(kind, i) for i in items], dropdowns=False)
        return xlsx_response(write_table([sheet]), f"{kind.label}台账")
    page = page_of(items, request)
    rows = [(item, selectors.stage_of(item)) for item in page]
    return render(request, "matters/list.html", {
        "kind": kind, "kinds": selectors.KINDS.values(), "page": page, "rows": rows, "status": status,
        "can_register": is_office(request.user), "count": page.paginator.count,
    })


def _register_form(kind, data=None, files=None):
    return {"instructions": forms.InstructionForm, "assignments": forms.AssignmentForm,
            "proposals": forms.ProposalForm, "meeting-items": forms.MeetingForm}[kind.slug](data, files)


def _register(kind, request, form):
    data = dict(form.cleaned_data)
    if kind.slug == "instructions":
        scan = data.pop("scan", None)
        return services.instruction_register(actor=request.user, scan=scan.read() if scan else None,
                                             scan_name=scan.name[:100] if scan else "", **data)
    if kind.slug == "assignments":
        return services.assignment_create(actor=request.user, **data)
    return services.proposal_create(actor=request.user, **data)


@require_http_methods(["GET", "POST"])
def item_new(request, kind: str):
    kind = _kind(kind)
    require(is_office(request.user))
    if kind.slug == "meeting-items":
        return redirect("meeting_new")
    form = _register_form(kind, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = _register(kind, request, form)
            except UserError as exc:
                add_user_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"已登记：{item.title}")
                return redirect("matter_detail", kind=kind.slug, pk=item.pk)
        else:
            status = 400
    return render(request, "matters/new.html", {"kind": kind, "form": form}, status=status)


def _actions(request, kind, item) -> dict:
    """The steps this viewer may take on the item now, each with its form."""
    user, office = request.user, is_office(request.user)
    lead_editor = can_edit_for_unit(user, item.lead_unit_id)
    involved_editor = office or can_write_task(user, item, "contribute")
    person = getattr(user, "person", None)
    actions = {}
    if isinstance(item, Instruction) and office and item.status == Task.Status.DRAFT:
        actions["approve"] = forms.HandlingForm(initial={"proposed_handling": item.proposed_handling})
    if item.is_open and involved_editor:
        actions["report"] = forms.TextForm()
    if item.is_open and lead_editor:
        actions["split"] = forms.SplitForm(initial={"deadline": item.deadline})
        actions["split"].fields["lead_unit"].queryset = Unit.objects.filter(is_active=True).filter(
            pk=item.lead_unit_id) | Unit.objects.filter(is_active=True, parent_id=item.lead_unit_id)
    if office and item.is_open and (item.handling_reports.exists()) and not isinstance(item, Proposal):
        actions["close"] = True
    if isinstance(item, Instruction) and item.status == Task.Status.COMPLETED and item.needs_signoff \
            and not item.signed_off_at and person is not None and person.pk == item.leader_id:
        actions["sign_off"] = True
    if isinstance(item, Assignment) and office and item.status not in (Task.Status.DRAFT, Task.Status.CANCELLED):
        actions["reply"] = forms.ReplyForm(initial={"reply_text": item.reply_text})
    if isinstance(item, Proposal):
        if item.is_open and lead_editor:
            actions["meet"] = forms.MeetForm(initial={"met_on": item.met_on, "note": item.met_note})
            if item.met_on:
                actions["answer"] = forms.AnswerForm()
        if office and item.answered_on and not item.satisfaction:
            actions["feedback"] = forms.FeedbackForm()
    if office and item.status != Task.Status.DRAFT:
        actions["notice"] = True
    return actions


def _detail(request, kind, item, actions, status=200):
    chain = selectors.chain(item)
    unit_id = unit_id_of(request.user)
    closable = {t.pk for _, t in chain if t.is_open and (is_office(request.user) or (
        t.parent.lead_unit_id == unit_id and can_edit_for_unit(request.user, unit_id)))}
    return render(request, "matters/detail.html", {
        "kind": kind, "item": item, "stage": selectors.stage_of(item), "actions": actions, "chain": chain,
        "closable": closable, "reports": item.handling_reports.select_related("unit"),
        "documents": item.documents.all() if is_office(request.user) else item.documents.filter(status="signed"),
        "co_units": item.co_units.all(),
    }, status=status)


@require_GET
def item_detail(request, kind: str, pk: int):
    kind = _kind(kind)
    item = item_for(request.user, kind.model, pk)
    return _detail(request, kind, item, _actions(request, kind, item))


def _run(request, item, action: str, form):
    user = request.user
    data = form.cleaned_data if form is not None else {}
    if action == "approve":
        return services.instruction_approve_handling(actor=user, instruction=item, **data)
    if action == "report":
        return services.handling_report(actor=user, item=item, **data)
    if action == "split":
        return services.matter_split(actor=user, item=item, **data)
    if action == "close":
        return services.matter_close(actor=user, item=item)
    if action == "sign_off":
        return services.instruction_sign_off(actor=user, instruction=item)
    if action == "reply":
        return services.assignment_reply(actor=user, assignment=item, **data)
    if action == "meet":
        return services.proposal_meet(actor=user, proposal=item, **data)
    if action == "answer":
        return services.proposal_answer(actor=user, proposal=item, **data)
    if action == "feedback":
        return services.proposal_feedback(actor=user, proposal=item, **data)
    if action == "notice":
        body = (f"根据工作安排，现将“{item.title}”列为督办事项，请于"
                f"{item.deadline.year}年{item.deadline.month}月{item.deadline.day}日前办结，并将办理情况书面报送督查室。")
        return document_services.document_create(actor=user, doc_type=DocType.NOTICE, title=f"关于“{item.title}”的督办通知",
                                                 body=body, recipient=item.lead_unit.name, task=item)
    raise Http404


ACTION_LABELS = {"approve": "拟办意见已批准，事项已交办", "report": "办理情况已报送", "split": "已分解",
                 "close": "已办结", "sign_off": "已销号", "reply": "已登记向上级报送情况", "meet": "已登记面商情况",
                 "answer": "已答复", "feedback": "已登记代表委员意见", "notice": "已拟写督办通知单，请审核后签发"}


@require_POST
def item_action(request, kind: str, pk: int, action: str):
    kind = _kind(kind)
    item = item_for(request.user, kind.model, pk)
    actions = _actions(request, kind, item)
    if action not in actions:
        require(False)
    form = None
    if actions[action] is not True:
        form = actions[action].__class__(request.POST)
        if action == "split":
            form.fields["lead_unit"].queryset = actions["split"].fields["lead_unit"].queryset
        actions[action] = form
        if not form.is_valid():
            return _detail(request, kind, item, actions, status=400)
    try:
        result = _run(request, item, action, form)
    except UserError as exc:
        if form is None:
            messages.error(request, exc.message)
            return _detail(request, kind, item, actions, status=exc.status)
        add_user_error(form, exc)
        return _detail(request, kind, item, actions, status=exc.status)
    messages.success(request, ACTION_LABELS[action])
    if action == "notice":
        return redirect("document_detail", pk=result.pk)
    return redirect("matter_detail", kind=kind.slug, pk=item.pk)


@require_POST
def subitem_close(request, pk: int):
    task = task_in_chain_for(request.user, pk)
    if task.parent_id is None:
        raise Http404
    try:
        services.matter_close(actor=request.user, item=task)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"分解事项“{task.title}”已办结")
    root = task
    while root.parent_id is not None:
        root = root.parent
    kind = selectors.kind_of(root)
    return redirect(reverse("matter_detail", kwargs={"kind": kind.slug, "pk": root.pk}) if kind else "home")


@require_http_methods(["GET", "POST"])
def meeting_new(request):
    """Paste the minutes → the parser drafts items → the office sets unit and deadline per item → assigned."""
    require(is_office(request.user))
    form = forms.MeetingForm(request.POST or None)
    drafts, errors, status = [], [], 200
    units = Unit.objects.filter(is_active=True).order_by("order", "id")
    if request.method == "POST" and form.is_valid():
        drafts = services.draft_meeting_items(form.cleaned_data["minutes"])
        rows = _posted_rows(request)
        if request.POST.get("confirm") and rows is not None:
            try:
                meeting, created = _create_items(request, form, rows)
            except UserError as exc:
                errors.append(exc.message)
                status = exc.status
            else:
                messages.success(request, f"已从“{meeting.title}”交办{created}项议定事项")
                return redirect(reverse("matter_list", kwargs={"kind": "meeting-items"}))
        elif not drafts["items"]:
            errors.append(drafts["message"] or "纪要中没有找到议定事项")
    elif request.method == "POST":
        status = 400
    return render(request, "matters/meeting_new.html", {"form": form, "drafts": drafts, "errors": errors,
                                                         "units": units}, status=status)


def _posted_rows(request) -> list[dict] | None:
    titles = request.POST.getlist("item_title")
    if not titles:
        return None
    picked = set(request.POST.getlist("item_pick"))
    rows = []
    for index, (title, unit, deadline) in enumerate(zip(titles, request.POST.getlist("item_unit"),
                                                        request.POST.getlist("item_deadline"), strict=False), 1):
        if str(index) in picked:
            rows.append({"n": index, "title": title, "unit": unit, "deadline": deadline})
    return rows


def _create_items(request, form, rows):
    from datetime import date

    from django.db import transaction

    if not rows:
        raise UserError("请至少勾选一项议定事项", "required")
    with transaction.atomic():
        data = form.cleaned_data
        meeting = services.meeting_create(actor=request.user, title=data["title"], held_on=data["held_on"],
                                          chair=data["chair"], minutes=data["minutes"])
        for row in rows:
            unit = Unit.objects.filter(pk=row["unit"] if row["unit"].isdigit() else None, is_active=True).first()
            if unit is None:
                raise UserError(f"第{row['n']}项：请选择牵头单位", "required", field="item_unit")
            try:
                deadline = date.fromisoformat(row["deadline"])
            except ValueError:
                raise UserError(f"第{row['n']}项：请填写办结时限", "required", field="item_deadline") from None
            try:
                services.meeting_item_create(actor=request.user, meeting=meeting, title=row["title"], lead_unit=unit,
                                             deadline=deadline)
            except UserError as exc:
                raise UserError(f"第{row['n']}项：{exc.message}", exc.code, field=exc.field) from None
    return meeting, len(rows)


@require_GET
def meeting_list(request):
    require(is_office(request.user))
    return render(request, "matters/meetings.html", {"meetings": Meeting.objects.all()[:200]})
