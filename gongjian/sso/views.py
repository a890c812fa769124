from urllib.parse import urlencode

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from gongjian.errors import UserError
from gongjian.sso import oauth, services

FAILED = "未能通过{provider}登录，请重试或使用账号密码登录。"


def _callback_url(request, name: str) -> str:
    return request.build_absolute_uri(reverse(name))


def _next(request) -> str:
    target = request.session.pop("sso_next", "")
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else reverse("home")


def _failed(request, provider: str, message: str = ""):
    return render(request, "sso/failed.html", {"message": message or FAILED.format(
        provider=services.PROVIDERS[provider])}, status=403)


@login_not_required
@require_GET
def wecom_start(request):
    if not oauth.wecom_configured():
        raise Http404
    request.session["sso_next"] = request.GET.get("next", "")
    in_app = "wxwork" in request.headers.get("User-Agent", "").lower()
    return redirect(oauth.wecom_authorize_url(callback=_callback_url(request, "sso_wecom_callback"), in_app=in_app,
                                              state=oauth.new_state(request.session, "wecom")))


@login_not_required
@require_GET
def wecom_callback(request):
    if not oauth.wecom_configured():
        raise Http404
    try:
        oauth.check_state(request.session, "wecom", request.GET.get("state", ""))
        userid = oauth.wecom_userid(request.GET.get("code", ""))
    except oauth.LoginFailed:
        return _failed(request, "wecom")
    return _sign_in(request, "wecom", userid)


@login_not_required
@require_GET
def dingtalk_start(request):
    if not oauth.dingtalk_configured():
        raise Http404
    if "dingtalk" in request.headers.get("User-Agent", "").lower() and oauth.dingtalk_in_app_configured():
        # Inside the 钉钉 app the person is already known to it: no consent page, a 免登 code from the app.
        return redirect(f"{reverse('sso_dingtalk_app')}?{request.GET.urlencode()}")
    request.session["sso_next"] = request.GET.get("next", "")
    return redirect(oauth.dingtalk_authorize_url(callback=_callback_url(request, "sso_dingtalk_callback"),
                                                 state=oauth.new_state(request.session, "dingtalk")))


@login_not_required
@require_GET
def dingtalk_app(request):
    """The page the 钉钉 app opens: its JSAPI asks the app for a 免登 code (dd.getAuthCode) and our script brings it
    to the DingTalk callback."""
    if not oauth.dingtalk_in_app_configured():
        raise Http404
    request.session["sso_next"] = request.GET.get("next", "")
    state = oauth.new_state(request.session, "dingtalk")
    response = render(request, "sso/dingtalk_app.html", {
        "corp_id": settings.DINGTALK_CORP_ID, "jsapi_url": settings.DINGTALK_JSAPI_URL,
        "callback": f"{reverse('sso_dingtalk_callback')}?{urlencode({'in_app': '1', 'state': state})}"})
    # The JSAPI script's origin is allowed on this page alone (the setting may change, so not at import time).
    jsapi_origin = "/".join(settings.DINGTALK_JSAPI_URL.split("/")[:3])
    return csp_update({"script-src": [jsapi_origin]})(lambda: response)()


@login_not_required
@require_GET
def dingtalk_callback(request):
    if not oauth.dingtalk_configured():
        raise Http404
    in_app = request.GET.get("in_app") == "1"
    if in_app and not oauth.dingtalk_in_app_configured():
        raise Http404
    try:
        oauth.check_state(request.session, "dingtalk", request.GET.get("state", ""))
        code = request.GET.get("authCode") or request.GET.get("code", "")
        userid = oauth.dingtalk_in_app_userid(code) if in_app else oauth.dingtalk_userid(code)
    except oauth.LoginFailed:
        return _failed(request, "dingtalk")
    return _sign_in(request, "dingtalk", userid)


def _sign_in(request, provider: str, userid: str):
    person = services.person_for(provider=provider, subject=userid)
    try:
        if person is None:
            raise services.refuse(provider=provider, subject=userid)
        target = _next(request)
        services.start_session(request=request, person=person, provider=provider)
    except UserError as exc:
        return _failed(request, provider, exc.message)
    return redirect(target)


@login_not_required
@require_GET
def oidc_failed(request):
    return _failed(request, "oidc")
