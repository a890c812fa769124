"""The Done-when journey of 掌上督办 with the real processes: a report is overdue → the daily run (`gongjian
supervise`) issues a 催办单 → the job worker (`gongjian worker`, on Redis) sends the liaison a 政务微信 text card →
nobody signs within four working hours → the worker climbs and the unit head gets one → the head signs with one tap
on a 390 px phone (Chromium) → the office's /messages/ page shows each step.

Every process shares one SQLite file; the platform's day is `GONGJIAN_TODAY`, and the climb is reached by starting
the worker again on the next working day (the same time of day one working day later is seven working hours on)."""

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import login
from tests.messaging import wire

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
# A Redis database of this test's own: the job queue and the cache are keyed by the same names as a real install's.
REDIS_DB = 14
PASSWORD = "Journey#Pass2023"

SETUP = f"""
from datetime import date
from gongjian.campaigns import services as tasks
from gongjian.dispatch import periods
from gongjian.dispatch.models import ReportingPeriod
from gongjian.org.models import Person, Role, Unit
from gongjian.org.services import user_create

leadership = Unit.objects.create(name="市委市政府", kind=Unit.Kind.LEADERSHIP)
office_unit = Unit.objects.create(name="市委市政府督查室", kind=Unit.Kind.LEADERSHIP, parent=leadership)
town = Unit.objects.create(name="姜山镇", kind=Unit.Kind.TOWN)
def make(username, name, unit, roles, **kw):
    return user_create(actor=None, username=username, password="{PASSWORD}", display_name=name, unit=unit,
                       roles=roles, **kw)
office = make("office", "督查室主任", office_unit, [Role.SUPERVISION_OFFICE])
liaison = make("liaison", "姜山镇督查专员", town, [Role.UNIT_EDITOR]).person
head = make("head", "姜山镇镇长", town, [Role.UNIT_VIEWER]).person
leader = make("leader", "常务副市长", leadership, [Role.CITY_LEADER], is_city_leader=True).person
Person.objects.filter(pk=liaison.pk).update(unit_duty="liaison", wecom_userid="liaison01")
Person.objects.filter(pk=head.pk).update(unit_duty="head", wecom_userid="head01")
Person.objects.filter(pk=leader.pk).update(wecom_userid="leader01")
Person.objects.get(pk=leader.pk).oversees.add(town)
campaign = tasks.campaign_create(actor=office, name="2023 攻坚克难年", year=2023, start=date(2023, 1, 28),
                                 end=date(2023, 12, 31))
task = tasks.task_create(actor=office, campaign=campaign, title="建强姜山园区", lead_unit=town,
                         start=date(2023, 2, 1), deadline=date(2023, 12, 29))
tasks.task_assign(actor=office, task=task)
for month in (2, 3):
    periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, month, 1))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition, what: str, seconds: float, processes=()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        for process in processes:
            assert process.poll() is None, f"a process exited while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


def _redis_flush() -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()


def _require_redis() -> None:
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("CI needs Redis at 127.0.0.1:6379 for the job worker's journey")
        pytest.skip("no Redis at 127.0.0.1:6379 for the job worker")


def _healthy(port: int) -> bool:
    import http.client

    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


class Platform:
    """The processes of one installation, all on this test's database, queue and vendor server."""

    def __init__(self, tmp_path: Path, vendor_url: str, port: int):
        self.db = tmp_path / "gongjian.sqlite3"
        self.port = port
        self.logs = tmp_path
        self.running: list[subprocess.Popen] = []
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "REDIS_URL", "GONGJIAN_TODAY", "DJANGO_SETTINGS_MODULE")}
        self.env.update({
            "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{self.db}", "GONGJIAN_VAR_DIR": str(tmp_path / "var"),
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "SITE_URL": f"http://127.0.0.1:{port}",
            "WECOM_API_BASE": vendor_url, "WECOM_CORP_ID": wire.CORP_ID, "WECOM_SECRET": wire.CORP_SECRET,
            "WECOM_AGENT_ID": wire.AGENT_ID, "MESSAGING_TIMEOUT_SECONDS": "5",
        })

    def run(self, *args: str, today: str, timeout: int = 300) -> str:
        done = subprocess.run([sys.executable, "-m", "gongjian.cli", *args], cwd=ROOT, timeout=timeout,  # noqa: S603
                              env={**self.env, "GONGJIAN_TODAY": today}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, name: str, *args: str, today: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen([sys.executable, "-m", "gongjian.cli", *args], cwd=ROOT,  # noqa: S603
                                   env={**self.env, "GONGJIAN_TODAY": today}, stdout=log, stderr=subprocess.STDOUT)
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running.remove(process)

    def query(self, sql: str, *params) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(self.db, timeout=20)) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture
def platform(tmp_path):
    _require_redis()
    _redis_flush()
    with wire.VendorServer() as vendor:
        installation = Platform(tmp_path, vendor.url, _free_port())
        installation.vendor = vendor.vendor
        try:
            yield installation
        finally:
            for process in list(installation.running):
                installation.stop(process)
            _redis_flush()


def test_overdue_report_reaches_the_liaison_climbs_to_the_head_who_signs_with_one_tap(platform, open_page,
                                                                                       tmp_path):
    vendor = platform.vendor
    platform.run("migrate", "-v", "0", today="2023-04-11")
    platform.run("shell", "-c", SETUP, today="2023-04-11")

    # 2023-04-11: February's and March's reports are both past due. The worker is up; the daily run issues a 催办单.
    worker = platform.start("worker-0411", "worker", today="2023-04-11")
    summary = json.loads(platform.run("supervise", "--date", "2023-04-11", "--json", today="2023-04-11"))
    assert summary["notices"] == 1
    assert platform.query("SELECT kind, state FROM supervision_notice") == [("urge", "open")]
    _wait_for(lambda: vendor.delivered, "the liaison's text card", 60, [worker])
    assert [(d["to"], d["title"]) for d in vendor.delivered] == [("liaison01", "【催办单】姜山镇")]
    card = vendor.sends("/cgi-bin/message/send")[0]["body"]
    assert card["msgtype"] == "textcard" and card["textcard"]["btntxt"] == "签收"
    assert "连续2期未报送进展" in card["textcard"]["description"]
    _wait_for(lambda: platform.query("SELECT state FROM messaging_delivery") == [("sent",)], "the send recorded", 30)
    platform.stop(worker)
    assert platform.query("SELECT step, signed_at FROM messaging_thread") == [(0, None)]

    # Nobody signed. The next working day the four working hours are long past: the worker's minute job climbs.
    web = platform.start("web", "serve", "--no-worker", "--port", str(platform.port), "--web-workers", "1",
                         today="2023-04-12")
    worker = platform.start("worker-0412", "worker", today="2023-04-12")
    platform.run("shell", "-c", "from gongjian.messaging.jobs import deliver_and_climb; deliver_and_climb()",
                 today="2023-04-12")
    _wait_for(lambda: len(vendor.delivered) == 2, "the head's text card", 90, [worker])
    head_card = vendor.delivered[1]
    assert (head_card["to"], head_card["title"]) == ("head01", "【催办单】姜山镇")
    assert head_card["url"].startswith(f"http://127.0.0.1:{platform.port}/m/")
    assert platform.query("SELECT step FROM messaging_thread") == [(1,)]
    _wait_for(lambda: _healthy(platform.port), "the web server", 90, [web])

    # The head opens the card's link on a phone and signs with one tap.
    phone = open_page(390, 844)
    phone.goto(head_card["url"])
    assert "建强姜山园区" in phone.content() and "连续2期未报送进展" in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the sign page scrolls sideways on a phone ({width}px)"
    phone.click("#sign-button")
    phone.wait_for_selector("#signed")
    assert "签收成功" in phone.content()
    phone.screenshot(path=str(tmp_path / "phone-signed.png"), full_page=True)
    assert platform.query("SELECT state FROM supervision_notice") == [("acknowledged",)]
    assert platform.query("SELECT t.signed_via, p.display_name FROM messaging_thread t JOIN org_person p "
                          "ON p.id = t.signed_by_id") == [("link", "姜山镇镇长")]

    # The office's delivery page shows both steps: the liaison's first card and the head's, read and signed.
    office = open_page()
    login(office, f"http://127.0.0.1:{platform.port}", "office", PASSWORD)
    office.goto(f"http://127.0.0.1:{platform.port}/messages/")
    rows = office.locator("#deliveries tbody tr")
    assert rows.count() == 2
    texts = [rows.nth(i).inner_text() for i in range(2)]
    assert "姜山镇镇长" in texts[0] and "第1次升级" in texts[0] and "已发送" in texts[0] and "已签收" in texts[0]
    assert "4月12日" in texts[0].split("已发送")[1], "the head's read time is shown"
    assert "姜山镇督查专员" in texts[1] and "首发" in texts[1] and "已发送" in texts[1]
    office.screenshot(path=str(tmp_path / "office-messages.png"), full_page=True)
    notice_id = platform.query("SELECT id FROM supervision_notice")[0][0]
    office.goto(f"http://127.0.0.1:{platform.port}/notices/{notice_id}/")
    journey = office.locator("#journey").inner_text()
    assert "发送给联络员" in journey and "升级发送给单位负责人" in journey and "姜山镇镇长一键签收" in journey
    office.screenshot(path=str(tmp_path / "office-notice.png"), full_page=True)
    assert platform.query("SELECT COUNT(*) FROM messaging_delivery WHERE state = 'sent'") == [(2,)]
