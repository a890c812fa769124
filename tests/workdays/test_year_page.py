"""Next year's calendar entered on a page as the State Council publishes it; the autumn warning; the Mon–Fri notes."""

from datetime import date

import pytest

from gongjian.audit.models import AuditEvent
from gongjian.workdays import days
from gongjian.workdays.models import CoveredYear, WorkdayOverride

pytestmark = pytest.mark.django_db

HOLIDAYS = "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 至 2027-02-12\n国庆节 2027-10-01 至 2027-10-07"
MAKEUP = "2027-02-14 春节调休\n2027-10-09 国庆调休"


def test_system_administrator_enters_2027(cast, client_for, settings):
    settings.GONGJIAN_TODAY = date(2026, 11, 2)
    sysadmin = client_for(cast.system_admin)
    page = sysadmin.get("/workdays/").content.decode()
    assert "2027年的节假日安排尚未录入" in page
    assert days.is_workday(date(2027, 2, 8))  # a Monday, counted Monday to Friday until the notice is entered
    response = sysadmin.post("/workdays/?year=2027", {"year": "2027", "holidays_text": HOLIDAYS,
                                                       "makeup_text": MAKEUP, "source": ""})
    assert response.status_code == 302
    assert not days.is_workday(date(2027, 2, 8)) and days.is_workday(date(2027, 2, 14))
    assert days.info(date(2027, 2, 8)).reason.startswith("管理员设置：春节")
    assert CoveredYear.objects.filter(year=2027).exists()
    assert WorkdayOverride.objects.filter(date__year=2027, is_workday=False).count() == 3 + 7 + 7
    assert AuditEvent.objects.filter(event="workday.year_set", actor=cast.system_admin).count() == 1
    assert "已录入" in sysadmin.get("/workdays/?year=2027").content.decode()
    # Entering the year again replaces it rather than piling up.
    sysadmin.post("/workdays/", {"year": "2027", "holidays_text": "元旦 2027-01-01 至 2027-01-01", "makeup_text": ""})
    assert WorkdayOverride.objects.filter(date__year=2027).count() == 1


@pytest.mark.parametrize("holidays,makeup,message", [
    ("春节 2027-02-06", "", "缺少结束日期"),
    ("春节 2027-02-12 至 2027-02-06", "", "开始日期晚于结束日期"),
    ("春节 2028-02-06 至 2028-02-12", "", "不在2027年内"),
    ("春节 2027-02-06 至 2027-02-12\n调休 2027-02-10 至 2027-02-13", "", "重叠"),
    ("春节 2027-02-30 至 2027-03-02", "", "不存在的日期"),
    ("", "", "至少填写一个假期"),
    ("春节 2027-02-06 至 2027-02-12", "2027-02-15 春节调休", "星期一，调休上班日应在周六或周日"),
    ("春节 2027-02-06 至 2027-02-12", "2027-02-06", "在假期之内"),
    ("春节 2027-02-06 至 2027-02-12", "明天", "应写作"),
])
def test_bad_schedules_are_refused_with_the_line_and_write_nothing(cast, client_for, holidays, makeup, message):
    response = client_for(cast.system_admin).post("/workdays/", {"year": "2027", "holidays_text": holidays,
                                                                 "makeup_text": makeup})
    assert response.status_code == 400 and message in response.content.decode()
    assert not WorkdayOverride.objects.exists() and not CoveredYear.objects.exists()


def test_only_the_system_administrator_edits_the_calendar(cast, client_for):
    for user in (cast.office, cast.security_admin, cast.audit_admin, cast.leader, cast.editor_a):
        assert client_for(user).post("/workdays/", {"year": "2027", "holidays_text": HOLIDAYS}).status_code == 403
    assert not WorkdayOverride.objects.exists()


def test_october_warning_until_next_year_is_entered(cast, client_for, settings):
    office = client_for(cast.office)
    settings.GONGJIAN_TODAY = date(2026, 9, 30)
    assert "2027年的节假日安排尚未录入" not in office.get("/dispatch/").content.decode()
    settings.GONGJIAN_TODAY = date(2026, 10, 1)
    assert "2027年的节假日安排尚未录入" in office.get("/dispatch/").content.decode()
    assert "2027年的节假日安排尚未录入" not in client_for(cast.editor_a).get("/dispatch/").content.decode()
    client_for(cast.system_admin).post("/workdays/", {"year": "2027", "holidays_text": HOLIDAYS, "makeup_text": ""})
    assert "2027年的节假日安排尚未录入" not in office.get("/dispatch/").content.decode()


def test_deadlines_in_an_uncovered_year_say_they_counted_monday_to_friday(cast, client_for, campaign, settings):
    from gongjian.campaigns import services

    settings.GONGJIAN_TODAY = date(2026, 11, 2)
    task = services.task_create(actor=cast.office, campaign=campaign, title="跨年任务", lead_unit=cast.unit_a,
                                start=date(2026, 11, 2), deadline=date(2027, 3, 31))
    office = client_for(cast.office)
    assert "按周一至周五计算" in office.get(f"/tasks/{task.pk}/").content.decode()
    client_for(cast.system_admin).post("/workdays/", {"year": "2027", "holidays_text": HOLIDAYS, "makeup_text": ""})
    assert "按周一至周五计算" not in office.get(f"/tasks/{task.pk}/").content.decode()
