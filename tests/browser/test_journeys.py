"""Journeys a person takes through the platform, in a real browser."""

from datetime import date

import pytest

from gongjian.campaigns import services as task_services
from gongjian.dispatch import periods
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def march_task(cast, campaign, settings):
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    task = task_services.task_create(actor=cast.office, campaign=campaign, title="建强姜山园区",
                                     lead_unit=cast.unit_a, lead_leader=cast.leader.person, start=date(2023, 2, 1),
                                     deadline=date(2023, 12, 29))
    task = task_services.task_assign(actor=cast.office, task=task)
    return task, periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 1))


def test_unit_fills_report_on_a_phone_office_returns_then_approves(cast, live_server, open_page, march_task):
    task, march = march_task
    phone = open_page(390, 844)
    login(phone, live_server.url, "editor_a", cast.password)
    assert phone.url.endswith("/dispatch/")
    phone.click(f"a[href='/dispatch/tasks/{task.pk}/periods/{march.pk}/']")
    phone.fill("textarea[name=work_done]", "完成园区道路招标，标准厂房基础施工过半。")
    phone.fill("input[name=percent]", "35")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways on a phone ({width}px)"
    phone.click("button[value=submit]")
    phone.wait_for_load_state("networkidle")
    assert "已提交" in phone.content()

    office = open_page()
    login(office, live_server.url, "office", cast.password)
    report = ProgressReport.objects.get()
    office.goto(f"{live_server.url}/dispatch/reports/{report.pk}/")
    office.fill("input[name=reason]", "请补充投资完成额")
    office.click("form[action$='/return/'] button")
    office.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.state == "returned"

    phone.goto(f"{live_server.url}/dispatch/tasks/{task.pk}/periods/{march.pk}/")
    assert "请补充投资完成额" in phone.content()
    phone.fill("textarea[name=work_done]", "完成园区道路招标，标准厂房基础施工过半，完成投资1200万元。")
    phone.click("button[value=submit]")
    phone.wait_for_load_state("networkidle")

    office.goto(f"{live_server.url}/dispatch/reports/{report.pk}/")
    office.click("form[action$='/approve/'] button")
    office.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.state == "approved"
    phone.goto(f"{live_server.url}/dispatch/reports/{report.pk}/")
    assert phone.locator("button", has_text="提交审核").count() == 0


def test_supervision_turns_a_task_red_and_a_leader_sees_why(cast, live_server, open_page, march_task):
    task, _ = march_task
    from gongjian.campaigns.models import Task
    from gongjian.supervision.jobs import supervise

    Task.objects.filter(pk=task.pk).update(deadline=date(2023, 3, 20))
    supervise(on=date(2023, 4, 3))
    leader = open_page()
    login(leader, live_server.url, "leader", cast.password)
    leader.goto(f"{live_server.url}/cards/")
    leader.click("a[href*='color=red']")
    leader.wait_for_load_state("networkidle")
    assert "建强姜山园区" in leader.content()
    leader.goto(f"{live_server.url}/tasks/{task.pk}/")
    leader.wait_for_selector("text=已超过办结时限")
    assert "红" in leader.content()


def test_leader_sees_the_red_card_on_the_cockpit(cast, live_server, open_page, march_task):
    task, _ = march_task
    from gongjian.campaigns.models import Task
    from gongjian.org.models import Person
    from gongjian.supervision.jobs import supervise

    Person.objects.filter(user=cast.leader).update(is_city_leader=True)
    Task.objects.filter(pk=task.pk).update(deadline=date(2023, 3, 20))
    supervise(on=date(2023, 4, 3))
    leader = open_page(390, 844)
    login(leader, live_server.url, "leader", cast.password)
    leader.goto(f"{live_server.url}/cockpit/")
    leader.wait_for_selector("text=红牌")
    data = leader.evaluate("fetch('/cockpit/data.json').then(r => r.json())")
    assert "红" in leader.content() and "建强姜山园区" in str(data)
    assert leader.evaluate("document.documentElement.scrollWidth") <= 390


def test_citizen_submits_a_ticket_dispatcher_routes_it_citizen_follows_it(cast, live_server, open_page, settings):
    from gongjian.frontline import services as ticket_services
    from gongjian.frontline.models import Ticket

    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    ticket_services.category_save(actor=cast.office, code="help", name="求助", kind="help")
    citizen = open_page(390, 844)
    citizen.goto(f"{live_server.url}/public/tickets/new/?category=help")
    citizen.fill("textarea[name=text]", "姜山镇前垛埠村村口路灯坏了一周，晚上出行不便。")
    citizen.select_option("select[name=town]", label="姜山镇")
    citizen.fill("input[name=contact_phone]", "13812345678")
    citizen.click("form button.btn-primary")
    citizen.wait_for_selector("#tracking-code")
    code = citizen.inner_text("#tracking-code")
    assert Ticket.objects.get(code=code).state == "received"

    dispatcher = open_page()
    login(dispatcher, live_server.url, "office", cast.password)
    ticket = Ticket.objects.get(code=code)
    dispatcher.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    dispatcher.select_option("select[name=unit]", label="姜山镇")
    dispatcher.click("section#assign form.row button.btn-primary")
    dispatcher.wait_for_load_state("networkidle")
    ticket.refresh_from_db()
    assert ticket.state == "assigned" and ticket.unit == cast.unit_a

    citizen.goto(f"{live_server.url}/public/tickets/track/?code={code}")
    page = citizen.content()
    assert "姜山镇" in page and "13812345678" not in page
