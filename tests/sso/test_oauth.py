"""政务微信 and 钉钉 sign-in against a local server speaking their documented OAuth calls: the redirect (in-app and
QR), state checked, the code exchanged, the returned user id mapped to a person; strangers and wrong states refused."""

import urllib.parse
from datetime import timedelta

import pytest
from django.utils import timezone

from gongjian.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def wecom_person(cast, people):
    return people[0]


def _state(response) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)["state"][0]


def test_wecom_in_app_and_qr_redirects(vendor, people, client, settings):
    settings.WECOM_OAUTH_BASE, settings.WECOM_QR_BASE = "https://wx.gov.example", "https://qr.gov.example"
    in_app = client.get("/sso/wecom/", HTTP_USER_AGENT="Mozilla/5.0 wxwork/4.1.0 MicroMessenger/7.0.1")
    location = in_app["Location"]
    assert location.startswith("https://wx.gov.example/connect/oauth2/authorize?") and location.endswith(
        "#wechat_redirect")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location.removesuffix("#wechat_redirect")).query)
    assert query["appid"] == ["ww-test-corp"] and query["scope"] == ["snsapi_base"]
    assert query["agentid"] == ["1000002"] and query["redirect_uri"] == ["http://testserver/sso/wecom/callback/"]
    qr = client.get("/sso/wecom/", HTTP_USER_AGENT="Mozilla/5.0 Chrome/120")["Location"]
    assert qr.startswith("https://qr.gov.example/wwlogin/sso/login?") and "login_type=CorpApp" in qr


def test_wecom_code_signs_the_person_in(vendor, people, client, cast):
    state = _state(client.get("/sso/wecom/?next=/notices/"))
    vendor.vendor.wecom_codes["code-1"] = {"userid": "liaison01", "user_ticket": "t"}
    vendor.vendor.fault("/cgi-bin/auth/getuserinfo", "expire")
    response = client.get(f"/sso/wecom/callback/?code=code-1&state={state}")
    assert response.status_code == 302 and response["Location"] == "/notices/"
    assert int(client.session["_auth_user_id"]) == cast.editor_a.pk
    assert len(vendor.vendor.sends("/cgi-bin/gettoken")) == 2, "an expired token is refreshed"
    assert AuditEvent.objects.filter(event="login", actor=cast.editor_a).latest("id").changes == {"via": "wecom"}


@pytest.mark.parametrize("who", [{"openid": "outsider-openid"}, {"userid": "not-registered-here"}])
def test_wecom_strangers_are_refused(vendor, people, client, who):
    state = _state(client.get("/sso/wecom/"))
    vendor.vendor.wecom_codes["code-2"] = who
    response = client.get(f"/sso/wecom/callback/?code=code-2&state={state}")
    assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_wecom_wrong_state_used_code_and_locked_account_are_refused(vendor, people, client, cast):
    client.get("/sso/wecom/")
    vendor.vendor.wecom_codes["code-3"] = {"userid": "liaison01"}
    assert client.get("/sso/wecom/callback/?code=code-3&state=forged").status_code == 403
    state = _state(client.get("/sso/wecom/"))
    assert client.get(f"/sso/wecom/callback/?code=never-issued&state={state}").status_code == 403
    people[0].locked_until = timezone.now() + timedelta(minutes=10)
    people[0].save()
    state = _state(client.get("/sso/wecom/"))
    vendor.vendor.wecom_codes["code-4"] = {"userid": "liaison01"}
    refused = client.get(f"/sso/wecom/callback/?code=code-4&state={state}")
    assert refused.status_code == 403 and "_auth_user_id" not in client.session


def test_dingtalk_code_flow(vendor, people, client, cast, settings):
    settings.DINGTALK_OPENAPI_BASE = vendor.url
    head = people[1]
    head.dingtalk_userid = "head-ding"
    head.save()
    start = client.get("/sso/dingtalk/")
    assert start["Location"].startswith("https://login.dingtalk.com/oauth2/auth?")
    assert "client_id=ding-app-key" in start["Location"] and "scope=openid" in start["Location"]
    vendor.vendor.dingtalk_codes["auth-1"] = "union-head"
    vendor.vendor.dingtalk_unions["union-head"] = "head-ding"
    response = client.get(f"/sso/dingtalk/callback/?authCode=auth-1&state={_state(start)}")
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == cast.viewer_a.pk
    client.logout()
    start = client.get("/sso/dingtalk/")
    vendor.vendor.dingtalk_codes["auth-2"] = "union-stranger"
    refused = client.get(f"/sso/dingtalk/callback/?authCode=auth-2&state={_state(start)}")
    assert refused.status_code == 403 and "_auth_user_id" not in client.session


def test_unconfigured_sign_in_is_not_found(client, settings):
    settings.WECOM_CORP_ID = settings.DINGTALK_APP_KEY = ""
    for path in ("/sso/wecom/", "/sso/wecom/callback/?code=a&state=b", "/sso/dingtalk/",
                 "/sso/dingtalk/callback/?code=a&state=b"):
        assert client.get(path).status_code == 404, path


def test_the_login_page_offers_only_configured_sign_ins(vendor, client, settings):
    page = client.get("/login/?next=/notices/").content.decode()
    assert 'href="/sso/wecom/?next=/notices/"' in page and "钉钉登录" in page and "统一身份认证登录" not in page
    settings.WECOM_CORP_ID = settings.DINGTALK_APP_KEY = ""
    assert 'id="sso-options"' not in client.get("/login/").content.decode()
