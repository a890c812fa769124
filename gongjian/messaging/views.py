from django import forms
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from gongjian.errors import UserError
from gongjian.forms_util import StyledForm, add_user_error
from gongjian.listing import page_of
from gongjian.messaging import selectors, services
from gongjian.messaging.access import require_delivery_log
from gongjian.messaging.models import Channel, Delivery, RobotHook
from gongjian.org.models import Unit


def delivery_list(request):
    require_delivery_log(request.user)
    rows = selectors.deliveries(state=request.GET.get("state", ""), channel=request.GET.get("channel", ""),
                                query=request.GET.get("q", ""))
    page = page_of(rows, request)
    return render(request, "messaging/delivery_list.html", {
        "page": page, "count": page.paginator.count, "totals": selectors.totals(),
        "states": Delivery.State.choices, "channels": Channel.choices,
    })


class RobotHookForm(StyledForm):
    name = forms.CharField(label="名称", max_length=60)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.filter(is_active=True), required=False,
                                  empty_label="督查室工作群（推送全部事项）")
    kind = forms.ChoiceField(label="类型", choices=RobotHook.Kind.choices)
    url = forms.CharField(label="Webhook 地址", max_length=500)
    secret = forms.CharField(label="加签密钥", max_length=200, required=False,
                             help_text="钉钉、飞书群机器人开启“加签”时填写；修改时留空则保持原密钥")
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


def robot_hooks(request, pk: int | None = None):
    """The office's group robots: the daily run's 督办/约谈 and the published 通报 are posted to them."""
    require_delivery_log(request.user)
    hook = get_object_or_404(RobotHook, pk=pk) if pk else None
    # The secret is never shown again: left empty, a robot keeps the one it has.
    initial = {"name": hook.name, "unit": hook.unit, "kind": hook.kind, "url": hook.url,
               "is_active": hook.is_active} if hook else None
    form = RobotHookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if hook is not None and not data["secret"]:
            data["secret"] = hook.secret
        try:
            services.robot_hook_save(actor=request.user, hook=hook, **data)
            return redirect("robot_hooks")
        except UserError as exc:
            add_user_error(form, exc)
    return render(request, "messaging/robot_hooks.html", {
        "hooks": RobotHook.objects.select_related("unit"), "form": form, "hook": hook,
    }, status=400 if form.errors else 200)


@login_not_required
@require_http_methods(["GET", "POST"])
def sign(request, token: str):
    """The page a message's link opens inside 政务微信 / 钉钉: the notice at phone width and one button."""
    try:
        delivery = services.delivery_from_token(token)
    except UserError as exc:
        return render(request, "messaging/sign.html", {"error": exc.message}, status=exc.status)
    error = ""
    if request.method == "POST":
        try:
            services.sign_by_link(token=token)
        except UserError as exc:
            error = exc.message
        delivery.thread.refresh_from_db()
    else:
        services.mark_read(delivery=delivery)
    return render(request, "messaging/sign.html", {
        "delivery": delivery, "thread": delivery.thread, "error": error, "just_signed": request.method == "POST"
        and not error}, status=409 if error else 200)
