from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian import clock
from gongjian.campaigns.access import can_write_task, task_for
from gongjian.campaigns.models import Campaign
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.listing import SortColumn, page_of, querystring_without, sorted_queryset, xlsx_response
from gongjian.messaging.selectors import journey as message_journey
from gongjian.org.access import get_or_404, is_office, require, sees_everything, unit_id_of
from gongjian.supervision import registry, selectors, services
from gongjian.supervision.access import (
    blocker_for,
    blockers_visible_to,
    can_answer_notice,
    can_read_rules,
    can_resolve_blocker,
    can_sign_off_blocker,
    cards_visible_to,
    notice_for,
    notices_visible_to,
    unit_for,
)
from gongjian.supervision.forms import (
    PARAM_LABELS,
    BlockerFilter,
    BlockerForm,
    CardFilter,
    InterviewForm,
    NoticeFilter,
    NoticeIssueForm,
    OverrideForm,
    ReplyForm,
    ResolveForm,
    RuleForm,
    SignOffForm,
)
from gongjian.supervision.jobs import supervise
from gongjian.supervision.messages import notice_key
from gongjian.supervision.models import Blocker, Notice

CARD_COLUMNS = [
    SortColumn("title", "任务", "task__title"),
    SortColumn("focus_area", "重点方向", "task__focus_area__order"),
    SortColumn("lead_unit", "牵头单位", "task__lead_unit__order"),
    SortColumn("leader", "牵头领导", "task__lead_leader__pinyin"),
    SortColumn("deadline", "办结时限", "task__deadline"),
    SortColumn("color", "亮牌", "color_rank"),
    SortColumn("findings", "亮牌依据", None),
]
NOTICE_COLUMNS = [
    SortColumn("issued_on", "下发日期", "issued_on"),
    SortColumn("kind", "类型", "kind"),
    SortColumn("task", "任务", "task__title"),
    SortColumn("unit", "责任单位", "unit__order"),
    SortColumn("leader", "告知领导", "leader__pinyin"),
    SortColumn("reason", "事由", None),
    SortColumn("state", "状态", "state"),
]
BLOCKER_COLUMNS = [
    SortColumn("description", "问题描述", None),
    SortColumn("category", "类别", "category"),
    SortColumn("task", "任务", "task__title"),
    SortColumn("unit", "责任单位", "responsible_unit__order"),
    SortColumn("raised_on", "提出日期", "raised_on"),
    SortColumn("age", "已历时", None),
    SortColumn("due_on", "办理时限", "due_on"),
    SortColumn("level", "协调层级", "level"),
    SortColumn("state", "状态", "state"),
]
BOARD_FILTERS = ("date", "campaign", "focus_area", "unit", "leader")
HISTORY_IN_FRAGMENT = 10


# ---------------------------------------------------------------- cards


def _card_filter(request, names=None) -> CardFilter:
    """The card filters from the URL; without a date, the latest supervision run's date."""
    data = QueryDict(mutable=True)
    for key in names or request.GET:
        if request.GET.get(key):
            data[key] = request.GET[key]
    if "date" not in data:
        run = selectors.latest_run()
        if run is not None:
            data["date"] = run.date.isoformat()
    return CardFilter(data, queryset=cards_visible_to(request.user))


def _filtered(filterset):
    """The filtered rows, or none with a 400 when a filter value is bad (the form names the field)."""
    if filterset.is_valid():
        return filterset.qs, 200
    return filterset.queryset.none(), 400


def _card_list_url(base: dict, **extra) -> str:
    return f"{reverse('card_list')}?{urlencode({**base, **extra})}"


@require_GET
def card_board(request):
    filterset = _card_filter(request, BOARD_FILTERS)
    cards, status = _filtered(filterset)
    day = filterset.form.cleaned_data.get("date") if status == 200 else None
    if day is None:
        cards = cards.none()
    summary = selectors.board(cards)
    base = {key: filterset.data[key] for key in BOARD_FILTERS if filterset.data.get(key)}
    summary["links"] = {color: _card_list_url(base, color=color) for color in selectors.COLORS}
    summary["links"]["total"] = _card_list_url(base)
    for dimension, key in (("by_area", "focus_area"), ("by_unit", "unit"), ("by_leader", "leader")):
        for row in summary[dimension]:
            row.links = {color: _card_list_url(base, **{key: row.key}, color=color) for color in selectors.COLORS}
            row.links["total"] = _card_list_url(base, **{key: row.key})
    everything, own = sees_everything(request.user), str(unit_id_of(request.user))
    for row in summary["by_unit"]:
        row.page = reverse("unit_supervision", args=[row.key]) if everything or row.key == own else None
    return render(request, "supervision/card_board.html", {
        "filter": filterset, "board": summary, "day": day, "run": selectors.run_on(day) if day else None,
        "breakdowns": [("按重点方向", summary["by_area"]), ("按牵头单位", summary["by_unit"]),
                       ("按牵头领导", summary["by_leader"])],
        "any_run": selectors.latest_run() is not None, "run_dates": selectors.recent_run_dates(),
        "is_office": is_office(request.user),
    }, status=status)


@require_GET
def card_list(request):
    filterset = _card_filter(request)
    cards, status = _filtered(filterset)
    cards, sort = sorted_queryset(selectors.card_rows(cards), request, CARD_COLUMNS, "color")
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(selectors.export_cards(cards), "亮牌清单")
    page = page_of(cards, request)
    return render(request, "supervision/card_list.html", {
        "filter": filterset, "page": page, "count": page.paginator.count, "columns": CARD_COLUMNS, "sort": sort,
        "day": filterset.form.cleaned_data.get("date") if status == 200 else None,
        "rule_labels": selectors.RULE_LABELS,
        "qs": querystring_without(request, "sort", "page", "export"),
        "qs_export": querystring_without(request, "page", "export"),
    }, status=status)


@require_POST
def card_run(request):
    require(is_office(request.user), "只有督查室可以运行每日督查")
    summary = supervise(on=clock.today(), actor=request.user)
    c = summary["colors"]
    messages.success(request, f"已完成{clock.today():%Y年%-m月%-d日}督查：红牌{c['red']}、黄牌{c['yellow']}、"
                              f"绿牌{c['green']}，新下发通知{summary['notices']}份。")
    return redirect("card_board")


def _back_url(request) -> str:
    """Where a form on the card history should return: the page embedding the fragment (htmx says which)."""
    if request.headers.get("HX-Request") == "true":
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.path:
            return current.path + (f"?{current.query}" if current.query else "")
    return request.get_full_path()


def _next_url(request, fallback: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return fallback


def _task_cards_page(request, task, *, override_form=None, notice_form=None, status=200):
    fragment = request.headers.get("HX-Request") == "true"
    spans = selectors.card_history(task)
    office = is_office(request.user)
    context = {
        "task": task, "fragment": fragment, "latest": spans[0] if spans else None,
        "spans": spans[:HISTORY_IN_FRAGMENT] if fragment else page_of(spans, request),
        "more_spans": fragment and len(spans) > HISTORY_IN_FRAGMENT,
        "override": selectors.active_override(task),
        "notices": selectors.notice_rows(task.notices.all()),
        "blockers": selectors.with_age(selectors.blocker_rows(task.blockers.all())),
        "rule_labels": selectors.RULE_LABELS, "is_office": office,
        "can_raise": can_write_task(request.user, task, "contribute"),
        "override_form": override_form or (OverrideForm() if office else None),
        "notice_form": notice_form or (NoticeIssueForm() if office else None),
        "back": _back_url(request),
    }
    if not fragment:
        context["page"] = context["spans"]
    template = "supervision/_task_cards.html" if fragment else "supervision/task_cards.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def task_cards(request, task_id: int):
    return _task_cards_page(request, task_for(request.user, task_id))


@require_POST
def card_override(request, task_id: int):
    task = task_for(request.user, task_id, write="manage")
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            override = services.card_override_set(actor=request.user, task=task, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, f"已人工亮{override.get_color_display()}牌，有效至{override.valid_until:%Y年%-m月%-d日}，"
                                      "自下次每日督查起生效；如需立即生效，请在红黄绿牌页运行今日督查。")
            return redirect(_next_url(request, reverse("task_cards", args=[task.pk])))
    return _task_cards_page(request, task, override_form=form, status=400)


@require_POST
def notice_issue(request, task_id: int):
    task = task_for(request.user, task_id, write="manage")
    form = NoticeIssueForm(request.POST)
    if form.is_valid():
        try:
            notice = services.notice_issue(actor=request.user, task=task, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, f"已向{notice.unit.name}下发{notice.get_kind_display()}通知。")
            return redirect(_next_url(request, reverse("task_cards", args=[task.pk])))
    return _task_cards_page(request, task, notice_form=form, status=400)


# ---------------------------------------------------------------- notices


@require_GET
def notice_list(request):
    filterset = NoticeFilter(request.GET, queryset=notices_visible_to(request.user))
    notices, status = _filtered(filterset)
    notices, sort = sorted_queryset(selectors.notice_rows(notices), request, NOTICE_COLUMNS, "-issued_on")
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(selectors.export_notices(notices), "督办通知")
    page = page_of(notices, request)
    return render(request, "supervision/notice_list.html", {
        "filter": filterset, "page": page, "count": page.paginator.count, "columns": NOTICE_COLUMNS, "sort": sort,
        "rule_labels": selectors.RULE_LABELS,
        "qs": querystring_without(request, "sort", "page", "export"),
        "qs_export": querystring_without(request, "page", "export"),
    }, status=status)


def _notice_page(request, notice: Notice, *, reply_form=None, interview_form=None, status=200):
    answerable = can_answer_notice(request.user, notice)
    office = is_office(request.user)
    return render(request, "supervision/notice_detail.html", {
        "notice": notice, "rule_labels": selectors.RULE_LABELS,
        "journey": message_journey(notice_key(notice)),
        "can_acknowledge": answerable and notice.state == Notice.State.OPEN,
        "reply_form": reply_form or (ReplyForm() if answerable and notice.state in selectors.PENDING_NOTICE_STATES
                                     else None),
        "interview_form": interview_form or (InterviewForm(initial={"held_on": clock.today()})
                                             if office and notice.kind == Notice.Kind.INTERVIEW
                                             and notice.interview_held_on is None else None),
    }, status=status)


@require_GET
def notice_detail(request, pk: int):
    return _notice_page(request, notice_for(request.user, pk))


@require_POST
def notice_acknowledge(request, pk: int):
    notice = notice_for(request.user, pk, write="answer")
    try:
        services.notice_acknowledge(actor=request.user, notice=notice)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签收。")
    return redirect("notice_detail", pk=notice.pk)


@require_POST
def notice_reply(request, pk: int):
    notice = notice_for(request.user, pk, write="answer")
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.notice_reply(actor=request.user, notice=notice, reply=form.cleaned_data["reply"])
        except UserError as exc:
            add_user_error(form, exc)
            return _notice_page(request, notice, reply_form=form, status=exc.status)
        messages.success(request, "已回复。")
        return redirect("notice_detail", pk=notice.pk)
    return _notice_page(request, notice, reply_form=form, status=400)


@require_POST
def notice_interview(request, pk: int):
    notice = notice_for(request.user, pk, write="interview")
    form = InterviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.interview_record(actor=request.user, notice=notice, held_on=data["held_on"],
                                      held_with=data["held_with"], notes=data["notes"])
        except UserError as exc:
            add_user_error(form, exc)
            return _notice_page(request, notice, interview_form=form, status=exc.status)
        messages.success(request, "已登记约谈情况，通知办结。")
        return redirect("notice_detail", pk=notice.pk)
    return _notice_page(request, notice, interview_form=form, status=400)


# ---------------------------------------------------------------- blockers


def _blocker_filter(request) -> BlockerFilter:
    """Open blockers unless the URL asks for a state ("state=" with no value means every state)."""
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = Blocker.State.OPEN
    return BlockerFilter(data, queryset=blockers_visible_to(request.user))


@require_GET
def blocker_list(request):
    filterset = _blocker_filter(request)
    blockers, status = _filtered(filterset)
    summary = selectors.blocker_summary(blockers)
    blockers, sort = sorted_queryset(selectors.blocker_rows(blockers), request, BLOCKER_COLUMNS, "due_on")
    if request.GET.get("export") == "xlsx" and status == 200:
        return xlsx_response(selectors.export_blockers(blockers), "要素保障事项")
    page = page_of(blockers, request)
    page.object_list = selectors.with_age(page.object_list)
    base = {key: value for key, value in filterset.data.items() if key not in ("page", "export", "sort")}
    link = f"{reverse('blocker_list')}?"
    summary["category_links"] = [(label, n, link + urlencode({**base, "category": value}))
                                 for value, label, n in summary["by_category"]]
    summary["unit_links"] = [(row["responsible_unit__name"], row["n"],
                              link + urlencode({**base, "unit": row["responsible_unit"]}))
                             for row in summary["by_unit"]]
    summary["overdue_link"] = link + urlencode({**base, "overdue": "true"})
    return render(request, "supervision/blocker_list.html", {
        "filter": filterset, "page": page, "count": page.paginator.count, "columns": BLOCKER_COLUMNS, "sort": sort,
        "summary": summary,
        "qs": urlencode({k: v for k, v in filterset.data.items() if k not in ("sort", "page", "export")}),
        "qs_export": urlencode({k: v for k, v in filterset.data.items() if k not in ("page", "export")}),
    }, status=status)


@require_http_methods(["GET", "POST"])
def blocker_create(request):
    task = task_for(request.user, request.GET.get("task"), write="contribute")
    form = BlockerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            blocker = services.blocker_raise(actor=request.user, task=task, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, f"已提报要素保障事项，由{blocker.responsible_unit.name}办理，时限"
                                      f"{blocker.due_on:%Y年%-m月%-d日}。")
            return redirect("blocker_detail", pk=blocker.pk)
    return render(request, "supervision/blocker_form.html", {"task": task, "form": form},
                  status=400 if form.errors else 200)


def _blocker_page(request, blocker: Blocker, *, resolve_form=None, sign_off_form=None, status=200):
    resolvable = blocker.state == Blocker.State.OPEN and can_resolve_blocker(request.user, blocker)
    signable = blocker.state == Blocker.State.RESOLVED and can_sign_off_blocker(request.user, blocker)
    return render(request, "supervision/blocker_detail.html", {
        "blocker": selectors.with_age([blocker])[0], "rule_labels": selectors.RULE_LABELS,
        "notices": selectors.notice_rows(notices_visible_to(request.user).filter(blocker=blocker)),
        "resolve_form": resolve_form or (ResolveForm() if resolvable else None),
        "sign_off_form": sign_off_form or (SignOffForm() if signable else None),
    }, status=status)


@require_GET
def blocker_detail(request, pk: int):
    return _blocker_page(request, blocker_for(request.user, pk))


@require_POST
def blocker_resolve(request, pk: int):
    blocker = blocker_for(request.user, pk, write="resolve")
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.blocker_resolve(actor=request.user, blocker=blocker, resolution=form.cleaned_data["resolution"])
        except UserError as exc:
            add_user_error(form, exc)
            return _blocker_page(request, blocker, resolve_form=form, status=exc.status)
        messages.success(request, "已报送办理情况，等待提出方销号。")
        return redirect("blocker_detail", pk=blocker.pk)
    return _blocker_page(request, blocker, resolve_form=form, status=400)


@require_POST
def blocker_sign_off(request, pk: int):
    blocker = blocker_for(request.user, pk, write="sign_off")
    form = SignOffForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.blocker_sign_off(actor=request.user, blocker=blocker, accept=accept,
                                      note=form.cleaned_data["note"])
        except UserError as exc:
            add_user_error(form, exc)
            return _blocker_page(request, blocker, sign_off_form=form, status=exc.status)
        messages.success(request, "已销号。" if accept else "已退回责任单位重办。")
        return redirect("blocker_detail", pk=blocker.pk)
    return _blocker_page(request, blocker, sign_off_form=form, status=400)


# ---------------------------------------------------------------- units and rules


@require_GET
def unit_supervision(request, pk: int):
    unit = unit_for(request.user, pk)
    run = selectors.latest_run()
    day = run.date if run else None
    desk = selectors.unit_desk(unit, request.user, day)
    base = {"unit": unit.pk, "date": day.isoformat()} if day else {"unit": unit.pk}
    desk["links"] = {color: _card_list_url(base, color=color) for color in selectors.COLORS}
    desk["links"]["total"] = _card_list_url(base)
    return render(request, "supervision/unit_supervision.html", {
        "unit": unit, "run": run, "desk": desk, "rule_labels": selectors.RULE_LABELS,
        "notice_link": f"{reverse('notice_list')}?{urlencode({'unit': unit.pk})}",
        "blocker_link": f"{reverse('blocker_list')}?{urlencode({'unit': unit.pk, 'state': ''})}",
    })


@require_http_methods(["GET", "POST"])
def rule_list(request):
    require(can_read_rules(request.user))
    campaign_id = request.POST.get("campaign") if request.method == "POST" else request.GET.get("campaign")
    campaign = get_or_404(Campaign.objects.all(), campaign_id) if campaign_id else None
    posted, status = None, 200
    if request.method == "POST":
        require(is_office(request.user), "只有督查室可以修改督查规则")
        code = request.POST.get("code", "")
        if registry.rule(code) is None:
            messages.error(request, f"未知规则：{code}")
            status = 400
        else:
            posted = RuleForm(code, request.POST, prefix=code)
            if posted.is_valid():
                try:
                    services.rule_set(actor=request.user, code=code, campaign=campaign, params=posted.params(),
                                      enabled=posted.cleaned_data["enabled"])
                except UserError as exc:
                    add_user_error(posted, exc)
                else:
                    messages.success(request, f"已保存规则“{registry.rule(code).name}”。")
                    url = reverse("rule_list")
                    return redirect(f"{url}?campaign={campaign.pk}" if campaign else url)
            status = 400
    rows = selectors.rule_settings(campaign)
    office = is_office(request.user)
    for row in rows:
        if posted is not None and posted.code == row["code"]:
            row["form"] = posted
        elif office:
            row["form"] = RuleForm(row["code"], prefix=row["code"], initial=row["initial"])
    return render(request, "supervision/rule_list.html", {
        "rows": rows, "campaign": campaign, "campaigns": Campaign.objects.all(), "is_office": office,
        "param_labels": PARAM_LABELS,
    }, status=status)
