from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian.errors import UserError
from gongjian.org import selectors, services
from gongjian.org.access import has_role, require, token_for, tokens_visible_to
from gongjian.org.models import Role
from gongjian.sso.oidc import end_session_url


@login_not_required
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    context = {"next": next_url, "expired": request.GET.get("expired"), "username": ""}
    if request.method == "POST":
        context["username"] = request.POST.get("username", "")[:150]
        try:
            services.session_login(
                request=request, username=request.POST.get("username", ""), password=request.POST.get("password", "")
            )
        except UserError as exc:
            context["error"] = exc.message
            return render(request, "org/login.html", context, status=exc.status)
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("home")
        return redirect(next_url or "home")
    return render(request, "org/login.html", context)


@require_POST
def logout_view(request):
    provider_logout = end_session_url(request)
    services.session_logout(request=request)
    return redirect(provider_logout or "login")


@require_http_methods(["GET", "POST"])
def password_change_view(request):
    errors = {}
    if request.method == "POST":
        try:
            services.password_change(
                actor=request.user,
                user=request.user,
                old_password=request.POST.get("old_password", ""),
                new_password=request.POST.get("new_password", ""),
            )
        except UserError as exc:
            errors[exc.field or "password"] = exc.message
        else:
            return redirect("home")
    return render(
        request,
        "org/password_change.html",
        {"errors": errors, "expired": request.GET.get("expired")},
        status=400 if errors else 200,
    )


# Where each role starts its day; later modules take over these landing pages.
LANDING = [
    (Role.AUDIT_ADMIN, "audit_list"),
    (Role.SECURITY_ADMIN, "user_list"),
    (Role.SYSTEM_ADMIN, "unit_list"),
    (Role.SUPERVISION_OFFICE, "dispatch_queue"),
    (Role.CITY_LEADER, "leader_desk"),
    (Role.UNIT_EDITOR, "dispatch_queue"),
    (Role.UNIT_VIEWER, "dispatch_queue"),
    (Role.GRID_WORKER, "ticket_list"),
]


@require_GET
def home(request):
    for role, url_name in LANDING:
        if has_role(request.user, role):
            return redirect(url_name)
    return render(request, "org/home.html", selectors.workbench_for(request.user))


@require_GET
def unit_list(request):
    require(has_role(request.user, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.SUPERVISION_OFFICE))
    return render(request, "org/unit_list.html", {"units": selectors.units_with_counts()})


@require_GET
def user_list(request):
    require(has_role(request.user, Role.SECURITY_ADMIN))
    return render(request, "org/user_list.html", {"people": selectors.people_with_roles()})


@require_GET
def unit_search(request):
    """Units by name or pinyin initials, for pickers (e.g. "fgj" finds 发改局)."""
    units = selectors.units_matching(request.GET.get("q", ""))[:20]
    return JsonResponse({"results": [{"id": u.id, "name": u.name, "kind": u.get_kind_display()} for u in units]})


@require_GET
def leader_search(request):
    leaders = selectors.leaders_matching(request.GET.get("q", ""))[:20]
    return JsonResponse({"results": [{"id": p.id, "name": p.display_name, "post": p.post} for p in leaders]})




@require_http_methods(["GET", "POST"])
def token_list(request):
    """The viewer's API tokens (everyone's for the security administrator); POST makes one and shows it once."""
    context = {"secret": None, "error": None, "name": ""}
    status = 200
    if request.method == "POST":
        context["name"] = request.POST.get("name", "")[:60]
        try:
            token, context["secret"] = services.token_create(actor=request.user, user=request.user,
                                                             name=request.POST.get("name", ""))
        except UserError as exc:
            context["error"], status = exc.message, exc.status
        else:
            context["created"] = token
    context["rows"] = selectors.token_rows(tokens_visible_to(request.user))
    context["all_users"] = has_role(request.user, Role.SECURITY_ADMIN)
    response = render(request, "org/token_list.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request, pk: int):
    services.token_revoke(actor=request.user, token=token_for(request.user, pk))
    return redirect("token_list")
