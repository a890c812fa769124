"""钉钉 in-app sign-in (免登): the page the app opens loads the 钉钉 JSAPI (its origin allowed on that page only), asks
the app for a one-time code with dd.getAuthCode and brings it to the DingTalk callback, which exchanges it with the
application's token (topapi/v2/user/getuserinfo) for the person's user id. In Chromium, the JSAPI is replaced by a
stand-in `dd` that answers as the app would."""

import urllib.parse

import pytest

from gongjian.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
JSAPI = "https://g.alicdn.com/dingding/dingtalk-jsapi/3.0.25/dingtalk.open.js"


@pytest.fixture
def in_app(vendor, people, settings):
    settings.DINGTALK_CORP_ID, settings.DINGTALK_JSAPI_URL = "ding-corp-1", JSAPI
    head = people[1]
    head.dingtalk_userid = "head-ding"
    head.save()
    return head


def _callback(page) -> str:
    marker = 'data-callback="'
    return page.split(marker, 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_the_in_app_page_loads_the_jsapi_and_names_the_corp(in_app, client):
    response = client.get("/sso/dingtalk/app/?next=/notices/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<script src="{JSAPI}"></script>' in page and "js/dingtalk_login" in page
    assert 'data-corp-id="ding-corp-1"' in page and _callback(page).startswith("/sso/dingtalk/callback/?in_app=1")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "https://g.alicdn.com" in script_src
    other = client.get("/login/")["Content-Security-Policy"]
    assert "g.alicdn.com" not in other, "the JSAPI's origin is allowed on the in-app page only"


def test_inside_the_app_the_sign_in_button_leads_to_the_in_app_page(in_app, client):
    response = client.get("/sso/dingtalk/?next=/notices/", HTTP_USER_AGENT="Mozilla/5.0 DingTalk/7.0.40 AliApp")
    assert response.status_code == 302 and response["Location"] == "/sso/dingtalk/app/?next=%2Fnotices%2F"
    outside = client.get("/sso/dingtalk/", HTTP_USER_AGENT="Mozilla/5.0 Chrome/120")
    assert outside["Location"].startswith("https://login.dingtalk.com/oauth2/auth?")


def test_the_apps_code_signs_the_person_in(in_app, client, vendor, cast):
    callback = _callback(client.get("/sso/dingtalk/app/?next=/notices/").content.decode())
    vendor.vendor.dingtalk_app_codes["app-code-1"] = "head-ding"
    vendor.vendor.fault("/topapi/v2/user/getuserinfo", "expire")
    response = client.get(f"{callback}&code=app-code-1")
    assert response.status_code == 302 and response["Location"] == "/notices/"
    assert int(client.session["_auth_user_id"]) == cast.viewer_a.pk
    exchange = vendor.vendor.sends("/topapi/v2/user/getuserinfo")[-1]
    assert exchange["body"] == {"code": "app-code-1"} and exchange["query"]["access_token"].startswith("token-")
    assert len(vendor.vendor.sends("/gettoken")) == 2, "an expired token is refreshed once"
    assert AuditEvent.objects.filter(event="login", actor=cast.viewer_a).latest("id").changes == {"via": "dingtalk"}


def test_a_used_code_a_stranger_and_a_forged_state_are_refused(in_app, client, vendor):
    callback = _callback(client.get("/sso/dingtalk/app/").content.decode())
    vendor.vendor.dingtalk_app_codes["app-code-2"] = "not-registered-here"
    assert client.get(f"{callback}&code=app-code-2").status_code == 403
    callback = _callback(client.get("/sso/dingtalk/app/").content.decode())
    assert client.get(f"{callback}&code=never-issued").status_code == 403
    client.get("/sso/dingtalk/app/")
    vendor.vendor.dingtalk_app_codes["app-code-3"] = "head-ding"
    forged = client.get("/sso/dingtalk/callback/?in_app=1&state=forged&code=app-code-3")
    assert forged.status_code == 403 and "_auth_user_id" not in client.session
    assert "app-code-3" in vendor.vendor.dingtalk_app_codes, "a forged state never reaches 钉钉"


def test_without_a_corp_id_there_is_no_in_app_sign_in(vendor, people, client, settings):
    settings.DINGTALK_CORP_ID = ""
    assert client.get("/sso/dingtalk/app/").status_code == 404
    assert client.get("/sso/dingtalk/callback/?in_app=1&state=a&code=b").status_code == 404
    inside = client.get("/sso/dingtalk/", HTTP_USER_AGENT="Mozilla/5.0 DingTalk/7.0.40")
    assert inside["Location"].startswith("https://login.dingtalk.com/oauth2/auth?"), "the QR / consent flow instead"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_the_page_asks_the_app_and_signs_in(in_app, vendor, cast, live_server, open_page):
    """Our script against a stand-in for the 钉钉 JSAPI: it must pass the corpId and follow the code it gets."""
    asked = []
    page = open_page(390, 844)
    page.route(JSAPI, lambda route: route.fulfill(content_type="application/javascript", body=(
        "window.dd = {getAuthCode: function (o) { window.__asked = o.corpId; o.success({code: 'app-code-9'}); }};")))
    page.on("request", lambda r: asked.append(r.url) if "/sso/dingtalk/callback/" in r.url else None)
    vendor.vendor.dingtalk_app_codes["app-code-9"] = "head-ding"
    page.goto(f"{live_server.url}/sso/dingtalk/app/?next=/notices/")
    page.wait_for_url(f"{live_server.url}/notices/")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(asked[0]).query)
    assert query["in_app"] == ["1"] and query["code"] == ["app-code-9"] and query["state"][0]
    assert "姜山镇镇长" in page.content(), "signed in as the head"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_outside_the_app_the_page_says_so(in_app, live_server, open_page):
    page = open_page(390, 844)
    page.route(JSAPI, lambda route: route.fulfill(content_type="application/javascript", body="/* not in 钉钉 */"))
    page.goto(f"{live_server.url}/sso/dingtalk/app/")
    page.wait_for_selector("text=请在钉钉中打开本页")
    assert page.url.endswith("/sso/dingtalk/app/")
