from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from gongjian.errors import UserError
from gongjian.listing import page_of
from gongjian.messaging import selectors, services
from gongjian.messaging.access import require_delivery_log
from gongjian.messaging.models import Channel, Delivery


def delivery_list(request):
    require_delivery_log(request.user)
    rows = selectors.deliveries(state=request.GET.get("state", ""), channel=request.GET.get("channel", ""),
                                query=request.GET.get("q", ""))
    page = page_of(rows, request)
    return render(request, "messaging/delivery_list.html", {
        "page": page, "count": page.paginator.count, "totals": selectors.totals(),
        "states": Delivery.State.choices, "channels": Channel.choices,
    })


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
