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
    from gongjian.supervision.run import supervise

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
