"""A notice reaches the liaison, climbs to the head and the 分管 leader while nobody signs, and is signed with one
tap through the link in the message; the office's delivery page; the deliver command; working hours."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from gongjian.messaging import services
from gongjian.messaging.hours import add_working_hours
from gongjian.messaging.models import Delivery, Thread
from gongjian.org.models import Person
from gongjian.org.selectors import notice_chain
from gongjian.supervision import services as supervision
from gongjian.supervision.models import Notice
from tests.messaging.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(cast, task_a, people, vendor, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 27)
    return supervision.notice_issue(actor=cast.office, task=task_a, kind="urge", reason="3月进展逾期未报送，请即报送")


def _path(delivery: Delivery) -> str:
    return services.sign_url(delivery).removeprefix("https://gj.example.gov.cn")


def test_a_notice_goes_to_the_liaison_and_climbs_to_the_head_then_the_leader(notice, people, vendor):
    liaison, head, leader = people
    thread = Thread.objects.get(notice_key=f"supervision.notice:{notice.pk}")
    assert thread.chain == [[liaison.pk], [head.pk], [leader.pk]]
    assert services.deliver_pending(now=thread.created_at)["sent"] == 1
    assert [d["to"] for d in vendor.vendor.delivered] == ["liaison01"]
    assert vendor.vendor.delivered[0]["title"] == "【催办单】姜山镇"
    due = thread.next_step_at
    assert due == add_working_hours(thread.created_at, 4)
    assert services.escalate_unsigned(now=due - timedelta(seconds=1)) == 0
    assert services.escalate_unsigned(now=due) == 1
    assert services.escalate_unsigned(now=due) == 0, "climbing once per window"
    services.deliver_pending(now=due)
    assert [d["to"] for d in vendor.vendor.delivered] == ["liaison01", "head01"]
    thread.refresh_from_db()
    assert thread.step == 1 and thread.next_step_at == add_working_hours(due, 4)
    services.escalate_unsigned(now=thread.next_step_at)
    services.deliver_pending(now=thread.next_step_at)
    assert [d["to"] for d in vendor.vendor.delivered] == ["liaison01", "head01", "leader01"]
    thread.refresh_from_db()
    assert thread.next_step_at is None, "the top of the chain: nobody further to tell"
    assert [e["text"] for e in thread.events] == ["发送给联络员", "4个工作小时内无人签收，升级发送给单位负责人",
                                                   "4个工作小时内无人签收，升级发送给分管领导"]
    assert Delivery.objects.filter(state="sent").count() == 3


def test_the_head_signs_with_one_tap_and_the_notice_is_signed(notice, people, vendor, citizen, client_for, cast):
    thread = Thread.objects.get()
    services.deliver_pending(now=thread.created_at)
    services.escalate_unsigned(now=thread.next_step_at)
    services.deliver_pending(now=thread.next_step_at)
    head_delivery = Delivery.objects.get(person=people[1])
    page = citizen.get(_path(head_delivery))
    assert page.status_code == 200
    text = page.content.decode()
    assert "【催办单】姜山镇" in text and "3月进展逾期未报送" in text and 'id="sign-button"' in text
    head_delivery.refresh_from_db()
    assert head_delivery.read_at is not None
    signed = citizen.post(_path(head_delivery))
    assert signed.status_code == 200 and "签收成功" in signed.content.decode()
    notice.refresh_from_db()
    assert notice.state == Notice.State.ACKNOWLEDGED and notice.acknowledged_at is not None
    thread.refresh_from_db()
    assert thread.signed_by == people[1] and thread.signed_via == "link" and thread.next_step_at is None
    assert services.escalate_unsigned(now=thread.created_at + timedelta(days=10)) == 0
    again = citizen.post(_path(Delivery.objects.get(person=people[0])))
    assert again.status_code == 409 and "已由姜山镇镇长签收" in again.content.decode()
    detail = client_for(cast.office).get(f"/notices/{notice.pk}/").content.decode()
    assert "升级发送给单位负责人" in detail and "姜山镇镇长一键签收" in detail


def test_tampered_and_expired_links_are_refused(notice, citizen, settings):
    delivery = Delivery.objects.get()
    path = _path(delivery)
    assert citizen.get(path[:-3] + "xx/").status_code == 404
    assert citizen.post(path[:-3] + "xx/").status_code == 404
    assert citizen.get(f"/m/{delivery.pk + 1}.9999999999:abc/").status_code == 404
    settings.GONGJIAN_TODAY = date(2023, 4, 3)  # a week later: past the 72-hour life of the link
    expired = citizen.post(path)
    assert expired.status_code == 410 and "链接已过期" in expired.content.decode()
    notice.refresh_from_db()
    assert notice.state == Notice.State.OPEN


def test_signing_on_the_web_stops_the_climb(notice, cast, client_for):
    thread = Thread.objects.get()
    response = client_for(cast.editor_a).post(f"/notices/{notice.pk}/acknowledge/")
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.signed_via == "web" and thread.signed_by == cast.editor_a.person
    assert services.escalate_unsigned(now=thread.created_at + timedelta(days=10)) == 0


def test_queuing_the_same_notice_again_sends_nothing_more(notice, people):
    thread = Thread.objects.get()
    again = services.message_queue(notice_key=thread.notice_key, chain=[list(people)], title="x", body="y", link="")
    assert again.pk == thread.pk and Delivery.objects.count() == 1


def test_the_delivery_page_is_the_offices(notice, cast, client_for, citizen, vendor):
    services.deliver_pending(now=Thread.objects.get().created_at)
    page = client_for(cast.office).get("/messages/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "【催办单】姜山镇" in text and "姜山镇督查专员" in text and "政务微信" in text and "已发送" in text
    assert "wecom" not in text.split('id="deliveries"')[1].split("</table>")[0], "no internal codes in the rows"
    failed = client_for(cast.office).get("/messages/?state=failed").content.decode()
    assert "暂无消息" in failed and "姜山镇督查专员" not in failed
    assert client_for(cast.office).get("/messages/?state=bogus&channel=<x>").status_code == 200
    for user in (cast.editor_a, cast.leader, cast.outsider_b, cast.system_admin):
        assert client_for(user).get("/messages/").status_code == 403
    assert citizen.get("/messages/").status_code == 302
    assert "/messages/" in client_for(cast.office).get("/notices/").content.decode()
    assert "/messages/" not in client_for(cast.editor_a).get("/notices/").content.decode()


def test_deliver_command_prints_counts(notice, vendor):
    out = StringIO()
    call_command("deliver", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 1, "failed": 0, "retrying": 0}
    out = StringIO()
    call_command("deliver", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 0, "failed": 0, "retrying": 0}
    assert len(vendor.vendor.delivered) == 1


def test_working_hours_skip_lunch_nights_weekends_and_holidays():
    assert add_working_hours(at(27, 9, 30), 4) == at(27, 15, 0)  # Monday: 2.5 h before lunch, 1.5 h after
    assert add_working_hours(at(31, 16, 0), 4) == at(3, 11, 30, month=4)  # Friday afternoon → Monday
    assert add_working_hours(at(31, 20, 0), 1) == at(3, 10, 0, month=4)
    # 清明 2023: Wednesday 5 April is a holiday.
    assert add_working_hours(at(4, 17, 0, month=4), 1) == at(6, 9, 30, month=4)


def test_who_gets_a_notice(cast, people):
    liaison, head, leader = people
    assert notice_chain(unit_id=cast.unit_a.pk) == [[liaison], [head], [leader]]
    principal = cast.office.person
    principal.is_principal_leader = True
    principal.save()
    assert notice_chain(unit_id=cast.unit_a.pk, principal_leaders=True)[0] == [liaison, principal]
    # A unit that named no liaison: its report editors are reached first.
    assert notice_chain(unit_id=cast.unit_b.pk) == [[cast.outsider_b.person], [], []]
    Person.objects.filter(pk=liaison.pk).update(unit_duty="")
    assert notice_chain(unit_id=cast.unit_a.pk)[0] == [liaison]
