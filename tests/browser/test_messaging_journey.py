"""掌上督办 end to end, with the job worker running: a unit's reports are overdue → the daily run issues a 催办单 →
the liaison gets a 政务微信 text card → nobody signs within four working hours → the unit head gets one → the head
signs with one tap on a 390 px phone → the office's delivery page shows each step."""

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from gongjian.campaigns import services as task_services
from gongjian.dispatch import periods
from gongjian.dispatch.models import ReportingPeriod
from gongjian.messaging import jobs
from gongjian.messaging.models import Delivery, Thread
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Notice
from tests.browser.conftest import login
from tests.messaging import wire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def job_worker(tmp_path):
    """The huey consumer (scheduler and a worker thread) on a queue of this test's own."""
    storage, HUEY.storage = HUEY.storage, SqliteStorage(name=HUEY.name, filename=str(tmp_path / "jobs.sqlite3"))
    consumer = HUEY.create_consumer(workers=1, periodic=False, check_worker_health=False, max_delay=0.5)
    consumer.scheduler.start()
    for _, worker in consumer.worker_threads:
        worker.start()
    yield consumer
    consumer.stop_flag.set()
    for _, worker in consumer.worker_threads:
        worker.join(10)
    consumer.scheduler.join(10)
    HUEY.storage = storage


def _wait_for(condition, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_overdue_report_reaches_the_liaison_climbs_to_the_head_who_signs_on_a_phone(
        cast, campaign, live_server, open_page, settings, job_worker):
    cache.clear()
    # Cookies must outlive the browser's own (real) clock while the server lives in April 2023.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE, settings.CSRF_COOKIE_AGE = True, None
    settings.GONGJIAN_TODAY = None
    liaison, head, leader = cast.editor_a.person, cast.viewer_a.person, cast.leader.person
    liaison.unit_duty, liaison.wecom_userid = "liaison", "liaison01"
    head.unit_duty, head.wecom_userid = "head", "head01"
    leader.wecom_userid = "leader01"
    for person in (liaison, head, leader):
        person.save()
    leader.oversees.add(cast.unit_a)

    with wire.VendorServer() as vendor, time_machine.travel(datetime(2023, 4, 11, 9, 30, tzinfo=TZ)) as clock:
        settings.WECOM_API_BASE, settings.SITE_URL = vendor.url, live_server.url
        settings.WECOM_CORP_ID, settings.WECOM_SECRET, settings.WECOM_AGENT_ID = (
            wire.CORP_ID, wire.CORP_SECRET, wire.AGENT_ID)
        task = task_services.task_create(actor=cast.office, campaign=campaign, title="建强姜山园区",
                                         lead_unit=cast.unit_a, lead_leader=leader, start=date(2023, 2, 1),
                                         deadline=date(2023, 12, 29))
        task_services.task_assign(actor=cast.office, task=task)
        for month in (2, 3):
            periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, month, 1))

        summary = supervise(on=date(2023, 4, 11))  # February's and March's reports are both past due
        assert summary["notices"] == 1
        notice = Notice.objects.get()
        assert notice.kind == Notice.Kind.URGE
        _wait_for(lambda: vendor.vendor.delivered, "the liaison's text card")
        assert [d["to"] for d in vendor.vendor.delivered] == ["liaison01"]
        assert vendor.vendor.sends("/cgi-bin/message/send")[0]["body"]["msgtype"] == "textcard"

        # Nobody signs. Four working hours later (lunch excluded) the worker's minute job climbs one step.
        thread = Thread.objects.get()
        assert thread.next_step_at.replace(second=0, microsecond=0) == datetime(2023, 4, 11, 15, 0, tzinfo=TZ)
        clock.move_to(thread.next_step_at + timedelta(minutes=1))
        jobs.deliver_and_climb()
        _wait_for(lambda: len(vendor.vendor.delivered) == 2, "the head's text card")
        card = vendor.vendor.delivered[1]
        assert card["to"] == "head01" and card["title"] == "【催办单】姜山镇"

        phone = open_page(390, 844)
        phone.goto(card["url"])
        assert "建强姜山园区" in phone.content() and "连续2期未报送进展" in phone.content()
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the sign page scrolls sideways on a phone ({width}px)"
        phone.click("#sign-button")
        phone.wait_for_selector("#signed")
        assert "签收成功" in phone.content()
        notice.refresh_from_db()
        assert notice.state == Notice.State.ACKNOWLEDGED

        office = open_page()
        login(office, live_server.url, "office", cast.password)
        office.goto(f"{live_server.url}/messages/")
        rows = office.locator("#deliveries tbody tr")
        assert rows.count() == 2
        texts = [rows.nth(i).inner_text() for i in range(2)]
        assert "姜山镇镇长" in texts[0] and "第1次升级" in texts[0] and "已发送" in texts[0]
        assert "4月11日" in texts[0].split("已发送")[1], "the head's read time is shown"
        assert "姜山镇督查专员" in texts[1] and "首发" in texts[1] and "已发送" in texts[1]
        assert "已签收" in texts[0]
        office.goto(f"{live_server.url}/notices/{notice.pk}/")
        journey = office.locator("#journey").inner_text()
        assert "发送给联络员" in journey and "升级发送给单位负责人" in journey and "姜山镇镇长一键签收" in journey
        assert Delivery.objects.filter(state="sent").count() == 2
