"""政务微信 / 企业微信 and 钉钉 / 浙政钉 sign-in (OAuth code flows, in-app and by QR code), mapped to a Person by the
user id the platform returns. API bases are settings: government deployments run these under their own hosts."""

import secrets
import urllib.parse

import requests
from django.conf import settings

from gongjian.messaging.channels import DINGTALK_TOKEN_INVALID, DingTalkWork, Permanent, Retry, WeComApp

WECOM_TOKEN_INVALID = {40014, 42001}


class LoginFailed(Exception):
    """The identity platform did not vouch for anyone (bad code, unknown member, platform down)."""


def new_state(session, provider: str) -> str:
    state = secrets.token_urlsafe(24)
    session[f"sso_state_{provider}"] = state
    return state


def check_state(session, provider: str, state: str) -> None:
    expected = session.pop(f"sso_state_{provider}", None)
    if not expected or not secrets.compare_digest(expected, state or ""):
        raise LoginFailed("state")


def wecom_configured() -> bool:
    return WeComApp().configured()


def wecom_authorize_url(*, callback: str, state: str, in_app: bool) -> str:
    if in_app:
        query = urllib.parse.urlencode({"appid": settings.WECOM_CORP_ID, "redirect_uri": callback,
                                        "response_type": "code", "scope": "snsapi_base", "state": state,
                                        "agentid": settings.WECOM_AGENT_ID})
        return f"{settings.WECOM_OAUTH_BASE}/connect/oauth2/authorize?{query}#wechat_redirect"
    query = urllib.parse.urlencode({"login_type": "CorpApp", "appid": settings.WECOM_CORP_ID,
                                    "agentid": settings.WECOM_AGENT_ID, "redirect_uri": callback, "state": state})
    return f"{settings.WECOM_QR_BASE}/wwlogin/sso/login?{query}"


def wecom_userid(code: str) -> str:
    app = WeComApp()
    try:
        for fresh in (False, True):
            response = requests.get(f"{settings.WECOM_API_BASE}/cgi-bin/auth/getuserinfo",
                                    params={"access_token": app.token(fresh=fresh), "code": code},
                                    timeout=settings.MESSAGING_TIMEOUT_SECONDS)
            data = response.json()
            if data.get("errcode") in WECOM_TOKEN_INVALID and not fresh:
                continue
            break
    except (requests.RequestException, ValueError, Retry, Permanent) as exc:
        raise LoginFailed(str(exc)) from None
    if data.get("errcode", 0) != 0 or not data.get("userid"):
        # Not a member of the organisation (only an openid) or a used / expired code.
        raise LoginFailed(str(data.get("errcode")))
    return data["userid"]


def dingtalk_configured() -> bool:
    return DingTalkWork().configured()


def dingtalk_authorize_url(*, callback: str, state: str) -> str:
    query = urllib.parse.urlencode({"redirect_uri": callback, "response_type": "code",
                                    "client_id": settings.DINGTALK_APP_KEY, "scope": "openid", "state": state,
                                    "prompt": "consent"})
    return f"{settings.DINGTALK_LOGIN_BASE}/oauth2/auth?{query}"


def dingtalk_in_app_configured() -> bool:
    return dingtalk_configured() and bool(settings.DINGTALK_CORP_ID) and settings.DINGTALK_JSAPI_URL.startswith(
        ("https://", "http://"))


def dingtalk_in_app_userid(code: str) -> str:
    """A 免登 code from dd.getAuthCode inside the 钉钉 app → the organisation's user id (topapi/v2/user/getuserinfo
    with the application's token)."""
    app = DingTalkWork()
    try:
        for fresh in (False, True):
            data = requests.post(f"{settings.DINGTALK_API_BASE}/topapi/v2/user/getuserinfo",
                                 params={"access_token": app.token(fresh=fresh)}, json={"code": code},
                                 timeout=settings.MESSAGING_TIMEOUT_SECONDS).json()
            if data.get("errcode") in DINGTALK_TOKEN_INVALID and not fresh:
                continue
            break
    except (requests.RequestException, ValueError, Retry, Permanent) as exc:
        raise LoginFailed(str(exc)) from None
    userid = (data.get("result") or {}).get("userid")
    if data.get("errcode", 0) != 0 or not userid:
        raise LoginFailed(str(data.get("errcode")))
    return userid


def dingtalk_userid(code: str) -> str:
    """authCode → the person's access token → their unionId → the organisation's user id for it."""
    timeout = settings.MESSAGING_TIMEOUT_SECONDS
    base = settings.DINGTALK_OPENAPI_BASE
    try:
        token = requests.post(f"{base}/v1.0/oauth2/userAccessToken", timeout=timeout, json={
            "clientId": settings.DINGTALK_APP_KEY, "clientSecret": settings.DINGTALK_APP_SECRET, "code": code,
            "grantType": "authorization_code"})
        if token.status_code != 200 or not token.json().get("accessToken"):
            raise LoginFailed("userAccessToken")
        me = requests.get(f"{base}/v1.0/contact/users/me", timeout=timeout,
                          headers={"x-acs-dingtalk-access-token": token.json()["accessToken"]})
        union_id = me.json().get("unionId") if me.status_code == 200 else None
        if not union_id:
            raise LoginFailed("users/me")
        found = requests.post(f"{settings.DINGTALK_API_BASE}/topapi/user/getbyunionid", timeout=timeout,
                              params={"access_token": DingTalkWork().token()}, json={"unionid": union_id}).json()
    except (requests.RequestException, ValueError, Retry, Permanent) as exc:
        raise LoginFailed(str(exc)) from None
    userid = (found.get("result") or {}).get("userid")
    if found.get("errcode", 0) != 0 or not userid:
        raise LoginFailed(str(found.get("errcode")))
    return userid
