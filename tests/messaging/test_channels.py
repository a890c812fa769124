"""The adapters against a local server speaking the vendors' documented request and response shapes."""

import base64
import hashlib
import hmac
import json
import urllib.parse
from datetime import timedelta

import pytest

from gongjian.messaging import channels
from gongjian.messaging.models import Delivery
from gongjian.messaging.services import deliver_pending, message_queue
from gongjian.org.models import Notification
from tests.messaging import wire
from tests.messaging.conftest import at

pytestmark = pytest.mark.django_db

NOW = at(27, 9, 30)


def _queue(people, key="test:1", title="【催办单】姜山镇", body="3月进展未按时报送，请于今日内报送。"):
    liaison, head, leader = people
    return message_queue(notice_key=key, chain=[[liaison], [head], [leader]], title=title, body=body,
                         link="/notices/1/", now=NOW)


def test_wecom_text_card_is_sent_with_the_documented_payload_and_one_token(vendor, people):
    _queue(people, key="test:1")
    _queue(people, key="test:2")
    assert deliver_pending(now=NOW) == {"sent": 2, "failed": 0, "retrying": 0}
    v = vendor.vendor
    assert len(v.sends("/cgi-bin/gettoken")) == 1, "the token is cached, not fetched per message"
    assert v.sends("/cgi-bin/gettoken")[0]["query"] == {"corpid": wire.CORP_ID, "corpsecret": wire.CORP_SECRET}
    send = v.sends("/cgi-bin/message/send")[0]
    assert send["query"] == {"access_token": "token-1"}
    body = send["body"]
    delivery = Delivery.objects.get(thread__notice_key="test:1")
    assert body == {
        "touser": "liaison01", "msgtype": "textcard", "agentid": int(wire.AGENT_ID),
        "textcard": {"title": "【催办单】姜山镇", "description": "3月进展未按时报送，请于今日内报送。",
                     "url": body["textcard"]["url"], "btntxt": "签收"},
        "enable_duplicate_check": 1, "duplicate_check_interval": 1800,
    }
    assert body["textcard"]["url"].startswith("https://gj.example.gov.cn/m/")
    assert delivery.state == "sent" and delivery.provider_id.startswith("msg-") and delivery.attempts == 1
    assert [d["to"] for d in v.delivered] == ["liaison01", "liaison01"]


def test_long_text_is_cut_to_the_vendors_byte_limits(vendor, people):
    _queue(people, title="标" * 100, body="长" * 400)
    assert deliver_pending(now=NOW)["sent"] == 1
    card = vendor.vendor.sends("/cgi-bin/message/send")[0]["body"]["textcard"]
    assert len(card["title"].encode()) <= 128 and len(card["description"].encode()) <= 512


@pytest.mark.parametrize("fault", ["expire", 40014])
def test_an_expired_or_invalid_token_is_refreshed_and_the_message_sent_once(vendor, people, fault):
    _queue(people)
    vendor.vendor.fault("/cgi-bin/message/send", fault)
    assert deliver_pending(now=NOW) == {"sent": 1, "failed": 0, "retrying": 0}
    assert len(vendor.vendor.sends("/cgi-bin/gettoken")) == 2
    assert len(vendor.vendor.delivered) == 1


def test_frequency_limit_45009_backs_off_then_sends(vendor, people):
    _queue(people)
    vendor.vendor.fault("/cgi-bin/message/send", 45009)
    assert deliver_pending(now=NOW) == {"sent": 0, "failed": 0, "retrying": 1}
    delivery = Delivery.objects.get()
    assert delivery.state == "retrying" and "45009" in delivery.last_error
    assert delivery.next_attempt_at == NOW + timedelta(seconds=60)
    assert deliver_pending(now=NOW + timedelta(seconds=30)) == {"sent": 0, "failed": 0, "retrying": 0}
    assert len(vendor.vendor.sends("/cgi-bin/message/send")) == 1, "nothing is sent before the back-off ends"
    assert deliver_pending(now=NOW + timedelta(seconds=61))["sent"] == 1
    assert len(vendor.vendor.delivered) == 1


def test_timeouts_and_5xx_retry_with_growing_back_off_then_fall_back_to_the_inbox(vendor, people, settings):
    settings.MESSAGING_MAX_ATTEMPTS = 3
    _queue(people)
    vendor.vendor.fault("/cgi-bin/message/send", "timeout", "500", "500")
    assert deliver_pending(now=NOW)["retrying"] == 1
    first = Delivery.objects.get()
    assert first.last_error == "请求超时" and first.next_attempt_at == NOW + timedelta(seconds=30)
    later = NOW + timedelta(seconds=31)
    assert deliver_pending(now=later)["retrying"] == 1
    first.refresh_from_db()
    assert "HTTP 500" in first.last_error and first.next_attempt_at == later + timedelta(seconds=60)
    result = deliver_pending(now=later + timedelta(seconds=61))
    assert result == {"sent": 1, "failed": 1, "retrying": 0}
    first.refresh_from_db()
    assert first.state == "failed" and first.attempts == 3
    inbox = Delivery.objects.get(channel="in_app")
    assert inbox.state == "sent" and inbox.person == people[0]
    assert Notification.objects.filter(user=people[0].user, title="【催办单】姜山镇").count() == 1
    assert vendor.vendor.delivered == [], "no message reached the phone: every attempt failed"


def test_an_unknown_user_id_fails_at_once_and_falls_back(vendor, people):
    liaison = people[0]
    liaison.wecom_userid = "nobody"
    liaison.save()
    _queue(people)
    assert deliver_pending(now=NOW) == {"sent": 1, "failed": 1, "retrying": 0}
    failed = Delivery.objects.get(channel="wecom")
    assert failed.state == "failed" and "81013" in failed.last_error and failed.attempts == 1


def test_sms_is_the_fallback_when_no_app_id_is_known(vendor, people, settings):
    settings.SMS_API_BASE = vendor.url
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "key", "secret"
    settings.SMS_SIGN_NAME, settings.SMS_TEMPLATE_CODE = "莱西督查", "SMS_1"
    liaison = people[0]
    liaison.wecom_userid, liaison.phone = "", "13800000000"
    liaison.save()
    assert channels.channels_for(liaison) == ["sms", "in_app"]
    liaison.wecom_userid = "liaison01"
    assert channels.channels_for(liaison) == ["wecom", "sms", "in_app"]


@pytest.fixture
def by_sms(people, sms):
    liaison = people[0]
    liaison.wecom_userid, liaison.phone = "", "13800000000"
    liaison.save()
    return people


def test_sms_goes_through_the_sdk_with_the_documented_parameters(by_sms, sms):
    _queue(by_sms, title="【催办单】姜山镇")
    assert deliver_pending(now=NOW)["sent"] == 1
    request = sms.vendor.sends("/")[0]
    headers, query = request["headers"], request["query"]
    assert (headers["x-acs-action"], headers["x-acs-version"]) == ("SendSms", "2017-05-25")
    assert headers["authorization"].startswith(f"ACS3-HMAC-SHA256 Credential={wire.SMS_KEY_ID},")
    assert (query["PhoneNumbers"], query["SignName"], query["TemplateCode"]) == (
        "13800000000", wire.SMS_SIGN, wire.SMS_TEMPLATE)
    delivery = Delivery.objects.get(channel="sms")
    assert query["OutId"] == delivery.key
    param = json.loads(query["TemplateParam"])
    assert param["title"] == "【催办单】姜山镇" and param["url"].startswith("https://gj.example.gov.cn/m/")
    assert delivery.state == "sent" and delivery.provider_id == "9006197469364984^1"
    assert sms.vendor.delivered == [{"to": "13800000000", "title": "【催办单】姜山镇", "url": param["url"]}]


def test_sms_flow_control_is_retried_after_a_minute(by_sms, sms):
    sms.vendor.fault("/", "isv.BUSINESS_LIMIT_CONTROL")
    _queue(by_sms)
    assert deliver_pending(now=NOW) == {"sent": 0, "failed": 0, "retrying": 1}
    delivery = Delivery.objects.get(channel="sms")
    assert "isv.BUSINESS_LIMIT_CONTROL" in delivery.last_error and delivery.next_attempt_at == NOW + timedelta(
        seconds=60)
    assert deliver_pending(now=NOW + timedelta(seconds=59))["sent"] == 0
    assert deliver_pending(now=NOW + timedelta(seconds=60))["sent"] == 1
    assert len(sms.vendor.delivered) == 1


@pytest.mark.parametrize("fault", ["Throttling.User", "500", "timeout"])
def test_sms_throttling_and_server_trouble_are_retried(by_sms, sms, fault, settings):
    settings.MESSAGING_TIMEOUT_SECONDS = 1
    sms.vendor.timeout_seconds = 1.5
    sms.vendor.fault("/", fault)
    _queue(by_sms)
    assert deliver_pending(now=NOW)["retrying"] == 1
    assert Delivery.objects.get(channel="sms").state == "retrying"


def test_an_illegal_mobile_number_fails_for_good_and_falls_back_to_the_inbox(by_sms, sms):
    sms.vendor.fault("/", "isv.MOBILE_NUMBER_ILLEGAL")
    _queue(by_sms)
    assert deliver_pending(now=NOW) == {"sent": 1, "failed": 1, "retrying": 0}
    failed = Delivery.objects.get(channel="sms")
    assert failed.state == "failed" and "isv.MOBILE_NUMBER_ILLEGAL" in failed.last_error
    assert Delivery.objects.get(channel="in_app").state == "sent"


def test_a_wrong_secret_is_refused_by_the_signature_check(by_sms, sms, settings):
    settings.SMS_ACCESS_KEY_SECRET = "not-the-secret"
    _queue(by_sms)
    assert deliver_pending(now=NOW)["failed"] == 1
    assert "SignatureDoesNotMatch" in Delivery.objects.get(channel="sms").last_error
    assert sms.vendor.delivered == []


def test_dingtalk_work_notice_payload_and_token(vendor, people):
    liaison = people[0]
    liaison.wecom_userid, liaison.dingtalk_userid = "", "liaison01"
    liaison.save()
    _queue(people)
    assert deliver_pending(now=NOW)["sent"] == 1
    v = vendor.vendor
    assert v.sends("/gettoken")[0]["query"] == {"appkey": wire.APP_KEY, "appsecret": wire.APP_SECRET}
    body = v.sends("/topapi/message/corpconversation/asyncsend_v2")[0]["body"]
    assert body["agent_id"] == int(wire.DING_AGENT_ID) and body["userid_list"] == "liaison01"
    card = body["msg"]["action_card"]
    assert body["msg"]["msgtype"] == "action_card" and card["title"] == "【催办单】姜山镇"
    assert card["single_url"].startswith("https://gj.example.gov.cn/m/")
    assert Delivery.objects.get().provider_id.isdigit()


def test_dingtalk_token_refresh_and_rate_limit(vendor, people):
    liaison = people[0]
    liaison.wecom_userid, liaison.dingtalk_userid = "", "liaison01"
    liaison.save()
    _queue(people)
    vendor.vendor.fault("/topapi/message/corpconversation/asyncsend_v2", "expire", 90018)
    assert deliver_pending(now=NOW)["retrying"] == 1
    assert deliver_pending(now=NOW + timedelta(seconds=60))["sent"] == 1
    assert len(vendor.vendor.delivered) == 1


def test_dingtalk_robot_sign_is_the_documented_hmac(vendor):
    timestamp = 1577262236757
    digest = hmac.new(b"SEC-robot-secret", b"1577262236757\nSEC-robot-secret", hashlib.sha256).digest()
    assert channels.dingtalk_robot_sign("SEC-robot-secret", timestamp) == urllib.parse.quote_plus(
        base64.b64encode(digest).decode())
    channels.dingtalk_robot(f"{vendor.url}/robot/send?access_token=abc", wire.ROBOT_SECRET, "姜山镇催办单已签收")
    assert vendor.vendor.delivered[-1] == {"to": "dingtalk-group", "title": "姜山镇催办单已签收"}
    with pytest.raises(channels.Permanent, match="310000"):
        channels.dingtalk_robot(f"{vendor.url}/robot/send?access_token=abc", "wrong-secret", "x")


def test_wecom_and_feishu_robots(vendor):
    channels.wecom_robot(f"{vendor.url}/cgi-bin/webhook/send?key=robot-key", "3条督办单未签收")
    channels.feishu_robot(f"{vendor.url}/open-apis/bot/v2/hook/abc", wire.ROBOT_SECRET, "3条督办单未签收")
    assert [d["to"] for d in vendor.vendor.delivered] == ["wecom-group", "feishu-group"]
    body = vendor.vendor.sends("/open-apis/bot/v2/hook/abc")[0]["body"]
    assert set(body) == {"timestamp", "sign", "msg_type", "content"} and body["msg_type"] == "text"
    vendor.vendor.fault("/cgi-bin/webhook/send", 45009)
    with pytest.raises(channels.Retry):
        channels.wecom_robot(f"{vendor.url}/cgi-bin/webhook/send?key=robot-key", "x")
    with pytest.raises(channels.Permanent):
        channels.feishu_robot(f"{vendor.url}/open-apis/bot/v2/hook/abc", "wrong", "x")


def test_wrong_credentials_are_a_permanent_failure(vendor, people, settings):
    settings.WECOM_SECRET = "wrong"
    _queue(people)
    assert deliver_pending(now=NOW) == {"sent": 1, "failed": 1, "retrying": 0}
    assert "40001" in Delivery.objects.get(channel="wecom").last_error
