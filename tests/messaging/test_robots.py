"""Group robots attached to events: the daily run's 督办/约谈 and a published 通报 are posted through the delivery
queue (retried, logged, once per event) to the office's group and the units' own; the office sets them up."""

from datetime import date

import pytest
from django.db import transaction

from gongjian.audit.models import AuditEvent
from gongjian.bulletins import services as bulletins
from gongjian.campaigns import services as campaigns
from gongjian.messaging import services
from gongjian.messaging.models import Delivery, RobotHook, Thread
from gongjian.supervision import services as supervision
from gongjian.supervision.jobs import supervise
from tests.messaging import wire

pytestmark = pytest.mark.django_db


@pytest.fixture
def robots(cast, vendor):
    office = services.robot_hook_save(actor=cast.office, name="督查室工作群", kind="wecom",
                                      url=f"{vendor.url}/cgi-bin/webhook/send?key=robot-key")
    feishu = services.robot_hook_save(actor=cast.office, name="督查室飞书群", kind="feishu",
                                      url=f"{vendor.url}/open-apis/bot/v2/hook/abc", secret=wire.ROBOT_SECRET)
    town = services.robot_hook_save(actor=cast.office, name="姜山镇工作群", kind="dingtalk", unit=cast.unit_a,
                                    url=f"{vendor.url}/robot/send?access_token=t", secret=wire.ROBOT_SECRET)
    other = services.robot_hook_save(actor=cast.office, name="发改局工作群", kind="dingtalk", unit=cast.unit_b,
                                     url=f"{vendor.url}/robot/send?access_token=u", secret=wire.ROBOT_SECRET)
    return {"office": office, "feishu": feishu, "town": town, "other": other}


@pytest.fixture
def overdue_blocker(cast, task_a, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    task = campaigns.task_assign(actor=cast.office, task=task_a)
    return supervision.blocker_raise(actor=cast.editor_a, task=task, category="land",
                                     description="园区道路用地指标未落实", responsible_unit=cast.unit_a)


def _groups(vendor) -> dict[str, str]:
    return {d["to"]: d["title"] for d in vendor.vendor.delivered if d["to"].endswith("-group")}


def test_the_daily_runs_supervision_notices_reach_the_office_group_and_the_units(cast, robots, overdue_blocker,
                                                                                vendor):
    supervise(on=date(2023, 3, 16))  # the blocker is past its due date: a 督办 to 姜山镇
    assert set(Thread.objects.filter(notice_key__startswith="supervision.daily:").values_list(
        "notice_key", flat=True)) == {"supervision.daily:2023-03-16", f"supervision.daily:2023-03-16:{cast.unit_a.pk}"}
    assert services.deliver_pending()["failed"] == 0
    groups = _groups(vendor)
    assert set(groups) == {"wecom-group", "feishu-group", "dingtalk-group"}, "not the 发改局 group"
    assert groups["wecom-group"].startswith("3月16日督查：督办1件\n【督办单】姜山镇：要素保障事项“园区道路用地指标未落实”")
    assert groups["feishu-group"] == groups["wecom-group"]
    assert groups["dingtalk-group"].startswith("3月16日督查：姜山镇1件")
    assert "详情：https://gj.example.gov.cn/notices/" in groups["wecom-group"]
    posts = Delivery.objects.filter(channel="robot")
    assert sorted(posts.values_list("address", "state")) == sorted(
        (str(robots[k].pk), "sent") for k in ("office", "feishu", "town"))
    assert all(p.person_id is None for p in posts)
    supervise(on=date(2023, 3, 16))
    assert Delivery.objects.filter(channel="robot").count() == 3, "running the day again posts nothing new"


def test_a_day_without_supervision_or_interview_posts_nothing(cast, robots, overdue_blocker, vendor):
    supervise(on=date(2023, 3, 2))
    assert not Delivery.objects.filter(channel="robot").exists()


def test_a_published_bulletin_is_posted_to_the_office_groups(cast, robots, campaign, settings, vendor):
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    bulletin = bulletins.bulletin_save(actor=cast.office, campaign=campaign, month="2023-03", office_text="")
    bulletin = bulletins.bulletin_publish(actor=cast.office, bulletin=bulletin)
    services.deliver_pending()
    groups = _groups(vendor)
    assert set(groups) == {"wecom-group", "feishu-group"}
    assert groups["wecom-group"].startswith(f"{bulletin.title}已发布\n红牌0项、黄牌0项、绿牌0项")


def test_a_refusing_robot_is_retried_and_a_disabled_one_fails_for_good(cast, robots, overdue_blocker, vendor):
    vendor.vendor.fault("/cgi-bin/webhook/send", "500")
    services.robot_hook_save(actor=cast.office, hook=robots["feishu"], name="督查室飞书群", kind="feishu",
                             url=robots["feishu"].url, secret=robots["feishu"].secret, is_active=False)
    supervise(on=date(2023, 3, 16))
    services.deliver_pending()
    states = dict(Delivery.objects.filter(channel="robot").values_list("address", "state"))
    assert states[str(robots["office"].pk)] == "retrying"
    assert states.get(str(robots["feishu"].pk)) is None, "a disabled robot is not posted to"
    assert states[str(robots["town"].pk)] == "sent"


def test_a_wrong_secret_fails_and_is_logged(cast, robots, overdue_blocker, vendor):
    RobotHook.objects.filter(pk=robots["town"].pk).update(secret="SEC-wrong")
    supervise(on=date(2023, 3, 16))
    services.deliver_pending()
    failed = Delivery.objects.get(channel="robot", address=str(robots["town"].pk))
    assert failed.state == "failed" and "310000" in failed.last_error


def test_nothing_is_posted_when_the_transaction_fails(cast, robots, vendor, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic()):
        services.robots_post(key="test:robots", unit=None, title="标题", body="内容", link="/notices/")
        raise RuntimeError("later step fails")
    assert not Thread.objects.exists() and not Delivery.objects.exists()


def test_the_office_sets_up_robots_on_its_page(cast, client_for, vendor):
    client = client_for(cast.office)
    assert "群机器人设置" in client.get("/messages/").content.decode()
    page = client.get("/messages/robots/")
    assert page.status_code == 200 and "尚未设置群机器人" in page.content.decode()
    response = client.post("/messages/robots/", {"name": "姜山镇工作群", "unit": cast.unit_a.pk, "kind": "dingtalk",
                                                 "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
                                                 "secret": "SEC-abc", "is_active": "on"})
    assert response.status_code == 302
    hook = RobotHook.objects.get()
    assert (hook.unit, hook.kind, hook.secret, hook.is_active) == (cast.unit_a, "dingtalk", "SEC-abc", True)
    event = AuditEvent.objects.get(event="robot_hook.create")
    assert "SEC-abc" not in str(event.changes) and "access_token" not in str(event.changes)
    edit = client.get(f"/messages/robots/{hook.pk}/").content.decode()
    assert "SEC-abc" not in edit, "the secret is never shown again"
    client.post(f"/messages/robots/{hook.pk}/", {"name": "姜山镇群", "kind": "dingtalk", "unit": cast.unit_a.pk,
                                                 "url": hook.url, "secret": ""})
    hook.refresh_from_db()
    assert (hook.name, hook.secret, hook.is_active) == ("姜山镇群", "SEC-abc", False)
    assert AuditEvent.objects.filter(event="robot_hook.update").count() == 1


def test_bad_robot_input_is_refused_with_the_field_named(cast, client_for):
    client = client_for(cast.office)
    response = client.post("/messages/robots/", {"name": "群", "kind": "wecom", "url": "javascript:alert(1)"})
    assert response.status_code == 400 and "「Webhook 地址」须为 http(s) 网址" in response.content.decode()
    response = client.post("/messages/robots/", {"name": "", "kind": "qq", "url": "https://x.example"})
    assert response.status_code == 400
    assert not RobotHook.objects.exists()


def test_only_the_office_may_set_up_robots(cast, client_for, citizen):
    assert client_for(cast.viewer_a).get("/messages/robots/").status_code == 403
    assert client_for(cast.editor_a).post("/messages/robots/", {
        "name": "群", "kind": "wecom", "url": "https://x.example"}).status_code == 403
    assert citizen.get("/messages/robots/").status_code == 302
    assert client_for(cast.office).get("/messages/robots/999/").status_code == 404
    assert not RobotHook.objects.exists()
