"""Staff pages: the dispatcher's queue, unit ticket lists, ticket detail with its timeline and actions, grid and
phone intake, promotion to a task, the three rates, categories, duty lists and Open311 keys."""

from datetime import date, timedelta

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian import clock
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error, safe_next
from gongjian.forms_util import first_error as _first_error
from gongjian.frontline import routing_store, selectors, services
from gongjian.frontline.access import can_write_ticket, ticket_for, tickets_visible_to
from gongjian.frontline.filters import TicketFilter
from gongjian.frontline.forms import AssignForm, CategoryForm, DisputeForm, PromoteForm, TicketForm, grids_of
from gongjian.frontline.models import Category, Open311Key, RoutingModelRecord, Ticket, TicketRequest, Visit
from gongjian.frontline.sla import RULE_LABELS
from gongjian.frontline.text import mask_email, mask_name, mask_phone, scrub
from gongjian.listing import SortColumn, page_of, querystring_without, sorted_queryset, xlsx_response
from gongjian.org.access import get_or_404, has_role, is_office, require
from gongjian.org.models import Role, Unit
from gongjian.validate import int_or_none as _int
from gongjian.xlsx import Column, SheetSpec, write_table

TICKET_COLUMNS = [
    SortColumn("code", "编号", "code"),
    SortColumn("received_at", "受理时间", "received_at"),
    SortColumn("category", "类别", "category__order"),
    SortColumn("town", "镇街", "town__order"),
    SortColumn("unit", "承办单位", "unit__order"),
    SortColumn("state", "状态", "state"),
    SortColumn("reply_due", "答复时限", "reply_due"),
    SortColumn("color", "时限亮牌", "sla_color"),
]
EXPORT_COLUMNS = [
    Column("code", "编号", "text"), Column("received", "受理时间", "text"), Column("category", "类别", "text"),
    Column("source", "来源", "text"), Column("town", "镇街", "text"), Column("address", "地址", "text"),
    Column("text", "诉求内容", "text"), Column("contact_name", "联系人", "text"),
    Column("contact_phone", "联系电话", "text"), Column("unit", "承办单位", "text"), Column("state", "状态", "text"),
    Column("reply_due", "答复时限", "date"), Column("color", "时限亮牌", "text"),
    Column("satisfaction", "满意度", "text"),
]
COLOR_WORDS = {"red": "红", "yellow": "黄", "green": "绿"}
ACTIONS = {
    "sign": "handle", "return": "handle", "extend": "handle", "progress": "handle", "reply": "handle",
    "assign": "assign", "visit": "verify", "redo": "assign", "close": "assign", "merge": "assign",
    "dispute": "assign", "follow-up": "follow_up",
}


def _masked_contact(ticket: Ticket) -> dict:
    return {"contact_name": mask_name(ticket.contact_name), "contact_phone": mask_phone(ticket.contact_phone),
            "contact_email": mask_email(ticket.contact_email)}


@require_GET
def ticket_list(request):
    visible = tickets_visible_to(request.user)
    filterset = TicketFilter(request.GET or None, queryset=visible)
    tickets = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    tickets, sort = sorted_queryset(tickets.select_related("category", "town", "unit"), request, TICKET_COLUMNS,
                                    "-received_at")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(_export(tickets), "诉求工单")
    page = page_of(tickets, request)
    return render(request, "frontline/ticket_list.html", {
        "filter": filterset, "page": page, "count": page.paginator.count, "columns": TICKET_COLUMNS, "sort": sort,
        "qs": querystring_without(request, "sort", "page", "export"),
        "qs_export": querystring_without(request, "page", "export"), "is_office": is_office(request.user),
        "is_grid": has_role(request.user, Role.GRID_WORKER), "color_words": COLOR_WORDS,
    })


def _export(tickets) -> bytes:
    def rows():
        for t in tickets.iterator(chunk_size=2000):
            yield {"code": t.code, "received": f"{timezone.localtime(t.received_at):%Y-%m-%d %H:%M}",
                   "category": t.category.name, "source": t.get_source_display(),
                   "town": t.town.name if t.town_id else "", "address": t.address, "text": scrub(t.text),
                   "contact_name": mask_name(t.contact_name), "contact_phone": mask_phone(t.contact_phone),
                   "unit": t.unit.name if t.unit_id else "", "state": t.get_state_display(), "reply_due": t.reply_due,
                   "color": COLOR_WORDS.get(t.sla_color, "") if t.state in Ticket.CLOCK_STATES else "",
                   "satisfaction": t.get_satisfaction_display()}

    return write_table([SheetSpec(title="诉求工单", columns=EXPORT_COLUMNS, rows=rows(), dropdowns=False)])


@require_GET
def ticket_queue(request):
    """The dispatcher's desk: what waits for a decision, most urgent first."""
    require(is_office(request.user))
    tickets = Ticket.objects.all()
    waiting = (tickets.filter(state__in=(Ticket.State.RECEIVED, Ticket.State.RETURNED))
               .select_related("category", "town").order_by("received_at")[:200])
    return render(request, "frontline/queue.html", {
        "counts": selectors.queue_counts(tickets), "waiting": waiting,
        "requests": selectors.pending_requests(tickets)[:200],
        "to_visit": tickets.filter(state=Ticket.State.REPLIED).select_related("category", "unit")
        .order_by("replied_at")[:100],
        "to_close": tickets.filter(state=Ticket.State.VISITED).select_related("category", "unit")
        .order_by("visited_at")[:100],
    })


def _category_from(request, queryset=None) -> Category | None:
    code = request.GET.get("category") or request.POST.get("category_code")
    if not code:
        return None
    return (queryset or Category.objects.filter(is_active=True)).filter(code=code).first()


@require_http_methods(["GET", "POST"])
def ticket_create(request):
    """Phone intake (电话受理) by the dispatcher."""
    require(is_office(request.user))
    return _intake(request, kind="phone", template="frontline/ticket_form.html")


@require_http_methods(["GET", "POST"])
def ticket_grid_create(request):
    """A grid worker reports an event (网格事件) from one of his cells, with a photo and the location."""
    require(has_role(request.user, Role.GRID_WORKER))
    grids = grids_of(request.user)
    if not grids.exists():
        messages.warning(request, "您名下没有网格，请联系督查室分配网格。")
    return _intake(request, kind="grid", template="frontline/ticket_form.html", grids=grids)


def _intake(request, *, kind: str, template: str, grids=None):
    category = _category_from(request)
    if category is None:
        return render(request, template, {"categories": Category.objects.filter(is_active=True), "kind": kind})
    form = TicketForm(request.POST or None, request.FILES or None, category=category, kind=kind, grids=grids)
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        source = Ticket.Source.GRID if kind == "grid" else Ticket.Source.PHONE
        try:
            ticket = services.ticket_create(actor=request.user, category=category, source=source, **data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, f"已登记，受理编号{ticket.code}。")
            return redirect("ticket_detail", pk=ticket.pk)
    return render(request, template, {"form": form, "category": category, "kind": kind},
                  status=400 if form.errors else 200)


@require_GET
def ticket_detail(request, pk: int):
    ticket = ticket_for(request.user, pk)
    office = is_office(request.user)
    context = {
        "ticket": ticket, "events": selectors.timeline(ticket), "contact": _masked_contact(ticket),
        "is_office": office, "can_handle": can_write_ticket(request.user, ticket, "handle"),
        "can_verify": can_write_ticket(request.user, ticket, "verify"),
        "can_follow_up": can_write_ticket(request.user, ticket, "follow_up") and ticket.category.is_dispute,
        "pending": ticket.requests.filter(status=TicketRequest.Status.PENDING).select_related("unit").first(),
        "assignments": ticket.assignments.select_related("unit"), "visits": ticket.visits.select_related("by"),
        "attributes": _attribute_rows(ticket), "satisfaction_choices": Ticket.Satisfaction.choices,
        "color_words": COLOR_WORDS, "rule_labels": RULE_LABELS, "visit_kind": Visit.Kind,
    }
    if office and ticket.is_open:
        context["assign_form"] = AssignForm(initial={"urgent": ticket.urgent})
        if ticket.state in (Ticket.State.RECEIVED, Ticket.State.RETURNED, Ticket.State.ASSIGNED):
            context["suggestions"] = routing_store.suggest(ticket)
            context["duplicates"] = selectors.duplicate_candidates(ticket)
        context["similar"] = selectors.similar_tickets(ticket, limit=10) if ticket.task_id is None else []
        if ticket.category.is_dispute:
            context["dispute_form"] = DisputeForm(initial={"risk_level": ticket.risk_level,
                                                           "responsible_leader": ticket.responsible_leader_id})
    return render(request, "frontline/ticket_detail.html", context)


def _attribute_rows(ticket: Ticket) -> list[tuple[str, str]]:
    rows = []
    for attribute in ticket.category.attributes.all():
        value = ticket.attributes.get(attribute.code)
        if value in (None, "", []):
            continue
        names = {str(v.get("key")): v.get("name") for v in attribute.values}
        values = value if isinstance(value, list) else [value]
        rows.append((attribute.description, "、".join(str(names.get(str(v), v)) for v in values)))
    return rows


@require_GET
def ticket_contact(request, pk: int):
    """The full contact details, for the dispatcher, audited each time (htmx fragment)."""
    ticket = ticket_for(request.user, pk, write="assign")
    contact = services.ticket_contact(actor=request.user, ticket=ticket)
    return render(request, "frontline/contact_fragment.html", {"contact": contact, "ticket": ticket})


@require_GET
def ticket_photo(request, pk: int):
    ticket = ticket_for(request.user, pk)
    if not ticket.photo:
        raise Http404
    try:
        handle = ticket.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    head = handle.read(4)
    handle.seek(0)
    content_type = "image/png" if head.startswith(b"\x89PNG") else "image/jpeg"
    return FileResponse(handle, content_type=content_type)


@require_POST
def ticket_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    ticket = ticket_for(request.user, pk, write=ACTIONS[action])
    post = request.POST
    try:
        message = _perform(request, ticket, action, post)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
        if action == "merge":
            return redirect("ticket_detail", pk=ticket.merged_into_id)
    return redirect("ticket_detail", pk=ticket.pk)


def _perform(request, ticket: Ticket, action: str, post) -> str:
    actor = request.user
    if action == "assign":
        form = AssignForm(post)
        if not form.is_valid():
            raise UserError(_first_error(form), "invalid")
        data = form.cleaned_data
        ticket = services.ticket_assign(actor=actor, ticket=ticket, unit=data["unit"], urgent=data["urgent"],
                                          category=data["category"], note=data["note"])
        return f"已派至{ticket.unit.name}，答复时限{ticket.reply_due:%Y-%m-%d}。"
    if action == "sign":
        services.ticket_sign(actor=actor, ticket=ticket)
        return "已签收。"
    if action == "return":
        services.ticket_return_request(actor=actor, ticket=ticket, reason=post.get("reason", ""))
        return "退单申请已提交，待督查室审批。"
    if action == "extend":
        services.ticket_extension_request(actor=actor, ticket=ticket, days_requested=_int(post.get("days")),
                                          reason=post.get("reason", ""))
        return "延期申请已提交，待督查室审批。"
    if action == "progress":
        services.ticket_progress(actor=actor, ticket=ticket, note=post.get("note", ""))
        return "已记录办理进展。"
    if action == "reply":
        services.ticket_reply(actor=actor, ticket=ticket, reply=post.get("reply", ""))
        return "已答复。"
    if action == "visit":
        kind = Visit.Kind.CLOSING if is_office(actor) else Visit.Kind.GRID
        services.ticket_visit(actor=actor, ticket=ticket, resolved=_bool(post.get("resolved")),
                              satisfaction=post.get("satisfaction", ""), note=post.get("note", ""), kind=kind)
        return "已记录回访。"
    if action == "redo":
        services.ticket_redo(actor=actor, ticket=ticket, reason=post.get("reason", ""))
        return "已退回承办单位重办。"
    if action == "close":
        services.ticket_close(actor=actor, ticket=ticket, note=post.get("note", ""))
        return "已办结。"
    if action == "merge":
        into = get_or_404(Ticket.objects.all(), post.get("into"))
        services.ticket_merge(actor=actor, ticket=ticket, into=into, note=post.get("note", ""))
        ticket.merged_into_id = into.pk
        return f"已并入工单{into.code}。"
    if action == "dispute":
        form = DisputeForm(post)
        if not form.is_valid():
            raise UserError(_first_error(form), "invalid")
        services.ticket_set_dispute(actor=actor, ticket=ticket, **form.cleaned_data)
        return "已更新风险等级和包案领导。"
    services.ticket_follow_up(actor=actor, ticket=ticket, note=post.get("note", ""),
                              resolved=_bool(post.get("resolved")) if post.get("resolved") else None)
    return "已记录跟进回访。"


def _bool(value) -> bool | None:
    return {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}.get(str(value).lower())


@require_POST
def request_decide(request, pk: int):
    require(is_office(request.user))
    item = get_or_404(TicketRequest.objects.select_related("ticket"), pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.request_decide(actor=request.user, request=item, approve=approve, note=request.POST.get("note", ""))
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'同意' if approve else '不同意'}{item.get_kind_display()}申请。")
    return redirect(safe_next(request, reverse("ticket_detail", args=[item.ticket_id])))


@require_http_methods(["GET", "POST"])
def ticket_promote(request):
    """Turn one ticket, or a cluster of similar tickets, into a supervised task (a systemic problem)."""
    require(is_office(request.user))
    ids = [int(x) for x in (request.POST.getlist("tickets") or request.GET.getlist("tickets")) if x.isdigit()]
    tickets = list(Ticket.objects.filter(pk__in=ids).select_related("category", "town"))
    if not tickets:
        messages.error(request, "请先选择要转为督办任务的工单。")
        return redirect("ticket_list")
    first = tickets[0]
    form = PromoteForm(request.POST or None, initial={"title": f"解决{first.category.name}类共性问题：{first.text[:30]}"})
    if request.method == "POST" and form.is_valid():
        try:
            task = services.ticket_promote(actor=request.user, tickets=tickets, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, f"已转为督办任务“{task.title}”（草稿），请添加节点后交办。")
            return redirect("task_detail", pk=task.pk)
    return render(request, "frontline/promote.html", {"form": form, "tickets": tickets},
                  status=400 if form.errors else 200)


def _month(request) -> date:
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        return date(year, month, 1)
    except ValueError:
        today = clock.today()
        return today.replace(day=1)


RATE_SORT_LABELS = [("unit", "单位"), ("assigned", "派单"), ("response_rate", "响应率"), ("visited", "回访"),
                    ("resolution_rate", "解决率"), ("satisfaction_rate", "满意率")]
RATE_SORTS = [key for key, _ in RATE_SORT_LABELS]
RATE_COLUMNS = [
    Column("unit", "单位", "text"), Column("assigned", "派单数", "int"), Column("signed_on_time", "按时签收", "int"),
    Column("response_rate", "响应率%", "decimal"), Column("visited", "回访数", "int"), Column("resolved", "已解决", "int"),
    Column("resolution_rate", "解决率%", "decimal"), Column("satisfied", "满意", "int"),
    Column("satisfaction_rate", "满意率%", "decimal"),
]


@require_GET
def ticket_rates_view(request):
    """The three rates per unit for a month (what assessment scores)."""
    month = _month(request)
    units = Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.LEADERSHIP)
    if not (is_office(request.user) or has_role(request.user, Role.CITY_LEADER)):
        units = units.filter(pk=getattr(getattr(request.user, "person", None), "unit_id", None))
    kind = request.GET.get("kind", "")
    if kind == "area":
        units = units.filter(kind__in=Unit.AREA_KINDS)
    elif kind == "department":
        units = units.exclude(kind__in=Unit.AREA_KINDS)
    units = list(units)
    rates = selectors.ticket_rates([u.pk for u in units], month)
    rows = [{"unit": u, **rates[u.pk]} for u in units if rates[u.pk]["assigned"] or rates[u.pk]["visited"]]
    sort = request.GET.get("sort", "unit")
    key = sort.lstrip("-")
    if key in RATE_SORTS:
        rows.sort(key=lambda r: (r["unit"].order, r["unit"].pk) if key == "unit" else
                  (r[key] is None, -(r[key] or 0) if sort.startswith("-") else (r[key] or 0)))
    for row in rows:
        for name in ("response", "resolution", "satisfaction"):
            value = row[f"{name}_rate"]
            row[f"{name}_pct"] = "—" if value is None else f"{value * 100:.1f}%"
    if request.GET.get("export") == "xlsx":
        def percent(value):
            return None if value is None else round(value * 100, 1)

        data = [{**r, "unit": r["unit"].name, **{k: percent(r[k]) for k in
                                                 ("response_rate", "resolution_rate", "satisfaction_rate")}}
                for r in rows]
        return xlsx_response(write_table([SheetSpec(title=f"{month:%Y-%m}三率", columns=RATE_COLUMNS, rows=data,
                                                    dropdowns=False)]), "工单三率")
    page = page_of(rows, request)
    return render(request, "frontline/rates.html", {
        "page": page, "count": len(rows), "month": month, "kind": kind, "sort": sort, "sort_columns": RATE_SORT_LABELS,
        "qs": querystring_without(request, "sort", "page", "export"),
        "qs_export": querystring_without(request, "page", "export"), "month_end": _month_end(month),
    })


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


@require_GET
def category_list(request):
    require(is_office(request.user))
    categories = Category.objects.annotate(n_attributes=Count("attributes", distinct=True),
                                           n_tickets=Count("tickets", distinct=True))
    return render(request, "frontline/category_list.html", {"categories": categories, "count": len(categories)})


@require_http_methods(["GET", "POST"])
def category_edit(request, pk: int | None = None):
    require(is_office(request.user))
    category = get_or_404(Category.objects.all(), pk) if pk else None
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(actor=request.user, category=category, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("category_list")
    return render(request, "frontline/category_form.html", {"form": form, "category": category},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def duty_lists(request):
    """Units' duty lists (权责清单), which seed routing, and the routing model's state."""
    require(is_office(request.user))
    units = Unit.objects.filter(is_active=True, kind__in=services.ASSIGNABLE_KINDS)
    if request.method == "POST":
        unit = get_or_404(units, request.POST.get("unit"))
        try:
            services.duty_list_update(actor=request.user, unit=unit, duty_list=request.POST.get("duty_list", ""))
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已更新{unit.name}的权责清单，重新训练后生效。")
        return redirect(f"{reverse('duty_lists')}#unit-{unit.pk}")
    return render(request, "frontline/duty_lists.html", {
        "units": units, "count": units.count(), "model": RoutingModelRecord.objects.defer("data").first(),
    })


@require_POST
def routing_train_view(request):
    require(is_office(request.user))
    stored = routing_store.routing_train(actor=request.user)
    messages.success(request, f"派单模型已重新训练：{stored.n_examples}条历史派单，{stored.n_units}个单位。")
    return redirect("duty_lists")


@require_http_methods(["GET", "POST"])
def open311_keys(request):
    """Open311 API keys, managed by the system administrator; a new key is shown once."""
    require(has_role(request.user, Role.SYSTEM_ADMIN))
    new_key = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            key = get_or_404(Open311Key.objects.all(), request.POST.get("revoke"))
            try:
                services.open311_key_revoke(actor=request.user, key=key)
            except UserError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已停用密钥“{key.name}”。")
            return redirect("open311_keys")
        try:
            _, new_key = services.open311_key_create(actor=request.user, name=request.POST.get("name", ""))
        except UserError as exc:
            messages.error(request, exc.message)
    keys = Open311Key.objects.all()
    return render(request, "frontline/open311_keys.html", {"keys": keys, "count": keys.count(), "new_key": new_key})
