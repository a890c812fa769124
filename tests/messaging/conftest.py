"""A unit with a liaison, a head and a 分管 leader, each with a 政务微信 id; the local vendor server they are
reached through; a notice on a task of unit A to send."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from tests.browser.conftest import browser, open_page  # noqa: F401 - Chromium for the journey (test_journey.py)
from tests.messaging import wire

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2023, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def vendor(settings):
    cache.clear()
    with wire.VendorServer() as server:
        settings.WECOM_API_BASE = server.url
        settings.WECOM_CORP_ID, settings.WECOM_SECRET, settings.WECOM_AGENT_ID = (
            wire.CORP_ID, wire.CORP_SECRET, wire.AGENT_ID)
        settings.DINGTALK_API_BASE = server.url
        settings.DINGTALK_APP_KEY, settings.DINGTALK_APP_SECRET, settings.DINGTALK_AGENT_ID = (
            wire.APP_KEY, wire.APP_SECRET, wire.DING_AGENT_ID)
        settings.MESSAGING_TIMEOUT_SECONDS = 1
        settings.SITE_URL = "https://gj.example.gov.cn"
        server.vendor.timeout_seconds = 2.5
        yield server
    cache.clear()


@pytest.fixture
def people(cast):
    """editor_a is unit A's liaison, viewer_a its head, the cast's leader oversees it (分管)."""
    liaison, head, leader = cast.editor_a.person, cast.viewer_a.person, cast.leader.person
    liaison.unit_duty, liaison.wecom_userid = "liaison", "liaison01"
    head.unit_duty, head.wecom_userid = "head", "head01"
    leader.wecom_userid = "leader01"
    for person in (liaison, head, leader):
        person.save()
    leader.oversees.add(cast.unit_a)
    return liaison, head, leader


@pytest.fixture
def sms(settings, vendor):
    """Alibaba Cloud SMS set up against the local server (the SDK's endpoint is SMS_API_BASE)."""
    settings.SMS_API_BASE = vendor.url
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = wire.SMS_KEY_ID, wire.SMS_KEY_SECRET
    settings.SMS_SIGN_NAME, settings.SMS_TEMPLATE_CODE = wire.SMS_SIGN, wire.SMS_TEMPLATE
    return vendor
