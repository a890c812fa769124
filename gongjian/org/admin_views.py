"""The security administrator's pages: open, disable, unlock and reset accounts and assign roles. Every write goes
through a service."""

from django import forms
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.org import services
from gongjian.org.access import has_role, require
from gongjian.org.models import ADMIN_ROLES, Person, Role, RoleGrant, Unit

User = get_user_model()
ROLE_CHOICES = [(r.value, r.label) for r in Role]


def _require_security_admin(request) -> None:
    require(has_role(request.user, Role.SECURITY_ADMIN))


class AccountForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="称呼", max_length=60, help_text="按职务称呼，如“发改局综合科科长”")
    unit = forms.ModelChoiceField(label="所在单位", queryset=Unit.objects.filter(is_active=True),
                                  error_messages={"invalid_choice": "请选择有效的单位"})
    post = forms.CharField(label="职务", max_length=60, required=False)
    phone = forms.CharField(label="手机", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    roles = forms.MultipleChoiceField(label="角色", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple,
                                      required=False, error_messages={"invalid_choice": "“%(value)s”不是可选的角色"})


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label="角色", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple,
                                      required=False, error_messages={"invalid_choice": "“%(value)s”不是可选的角色"})


def _handover(request, user, password: str, what: str):
    # Shown once, on this response only: never stored in the session, the audit log or a message.
    response = render(request, "org/password_handover.html", {"account": user, "password": password, "what": what})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def user_create_view(request):
    _require_security_admin(request)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.account_create(
                actor=request.user, username=data["username"], display_name=data["display_name"], unit=data["unit"],
                post=data["post"], roles=set(data["roles"]), phone=data["phone"], email=data["email"])
        except UserError as exc:
            add_user_error(form, exc)
        else:
            return _handover(request, user, password, "账户已创建")
    status = 400 if form.errors else 200
    return render(request, "org/user_form.html", {"form": form}, status=status)


def _person_for(user_id) -> Person:
    person = Person.objects.select_related("user", "unit").filter(user_id=user_id).first()
    if person is None:
        raise Http404
    return person


@require_GET
def user_detail(request, user_id: int):
    _require_security_admin(request)
    person = _person_for(user_id)
    roles = set(RoleGrant.objects.filter(user=person.user).values_list("role", flat=True))
    return render(request, "org/user_detail.html", _detail_context(request, person, RolesForm(initial={"roles": roles})))


def _detail_context(request, person: Person, form) -> dict:
    return {
        "person": person, "account": person.user, "form": form, "self_view": person.user == request.user,
        "locked": bool(person.locked_until and person.locked_until > timezone.now()),
        "role_labels": [Role(r).label for r in RoleGrant.objects.filter(user=person.user).values_list("role", flat=True)],
        "admin_roles": sorted(ADMIN_ROLES),
    }


@require_POST
def user_roles(request, user_id: int):
    _require_security_admin(request)
    person = _person_for(user_id)
    form = RolesForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.user_roles_set(actor=request.user, user=person.user, roles=set(form.cleaned_data["roles"]))
        except UserError as exc:
            add_user_error(form, exc)
            status = exc.status
        else:
            return redirect("user_detail", user_id=person.user_id)
    return render(request, "org/user_detail.html", _detail_context(request, person, form), status=status)


@never_cache
@require_POST
def user_action(request, user_id: int, action: str):
    _require_security_admin(request)
    person = _person_for(user_id)
    user = person.user
    try:
        if action == "disable":
            if user == request.user:
                raise UserError("不能停用自己的账户", "self", status=403)
            services.user_disable(actor=request.user, user=user)
        elif action == "enable":
            services.user_enable(actor=request.user, user=user)
        elif action == "unlock":
            services.user_unlock(actor=request.user, user=user)
        elif action == "reset":
            password = services.password_reset_one_time(actor=request.user, user=user)
            return _handover(request, user, password, "密码已重置")
        else:
            raise UserError("未知操作", "invalid")
    except UserError as exc:
        context = _detail_context(request, person, RolesForm(initial={"roles": set(
            RoleGrant.objects.filter(user=user).values_list("role", flat=True))}))
        context["error"] = exc.message
        return render(request, "org/user_detail.html", context, status=exc.status)
    return redirect("user_detail", user_id=user.pk)
