"""攻坚行动设置: the report due day and reminder lead time per campaign (docs/rules.md §7)."""

from datetime import date

import pytest
from django.urls import reverse

from gongjian.audit.models import AuditEvent
from gongjian.campaigns import services
from gongjian.campaigns.models import Campaign, Task
from gongjian.dispatch import jobs, periods
from gongjian.dispatch import services as report_services
from gongjian.dispatch.models import Reminder, ReportingPeriod
from gongjian.errors import UserError
from gongjian.messaging.models import Delivery
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Card

pytestmark = pytest.mark.django_db

# April 2023's working days: 3, 4, 6 (5 is Qingming), 7, 10, 11, 12, 13 … so the 3rd is 04-06, the 5th 04-10,
# the 8th 04-13.


@pytest.fixture
def march(settings):
    settings.GONGJIAN_TODAY = date(2023, 2, 1)
    return periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 15))


def _campaign(cast, name: str, due: int, remind: int) -> Campaign:
    campaign = services.campaign_create(actor=cast.office, name=name, year=2023, start=date(2023, 1, 28),
                                        end=date(2023, 12, 31))
    return services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=due,
                                             remind_days_before=remind)


def _task(cast, campaign: Campaign, title: str, unit=None) -> Task:
    task = services.task_create(actor=cast.office, campaign=campaign, title=title, lead_unit=unit or cast.unit_a,
                                start=date(2023, 3, 1), deadline=date(2023, 12, 29))
    task = services.task_assign(actor=cast.office, task=task)
    Task.objects.filter(pk=task.pk).update(progress=95)  # nearly done, so only the report rule can light a card
    return task


# ---------------------------------------------------------------- the service


def test_settings_update_saves_and_records_old_and_new_values(cast, campaign):
    assert (campaign.report_due_workday, campaign.remind_days_before) == (5, 2)
    services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday="8", remind_days_before=3)
    campaign.refresh_from_db()
    assert (campaign.report_due_workday, campaign.remind_days_before) == (8, 3)
    event = AuditEvent.objects.get(event="campaign.settings", object_id=str(campaign.pk))
    assert event.changes == {"report_due_workday": [5, 8], "remind_days_before": [2, 3]}
    assert event.actor_id == cast.office.pk


def test_unchanged_settings_record_nothing(cast, campaign):
    services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=5, remind_days_before=2)
    assert not AuditEvent.objects.filter(event="campaign.settings").exists()
    assert Campaign.objects.get(pk=campaign.pk).report_due_changes == []


@pytest.mark.parametrize(("due", "remind", "field", "words"), [
    (0, 2, "report_due_workday", "1到20"),
    (21, 2, "report_due_workday", "1到20"),
    ("五", 2, "report_due_workday", "必须是整数"),
    (None, 2, "report_due_workday", "必须是整数"),
    (5, -1, "remind_days_before", "0到10"),
    (5, 11, "remind_days_before", "0到10"),
    (5, "2.5", "remind_days_before", "必须是整数"),
])
def test_invalid_settings_are_refused_naming_the_field(cast, campaign, due, remind, field, words):
    with pytest.raises(UserError) as caught:
        services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=due,
                                          remind_days_before=remind)
    assert caught.value.field == field and words in caught.value.message
    campaign.refresh_from_db()
    assert (campaign.report_due_workday, campaign.remind_days_before) == (5, 2)
    assert not AuditEvent.objects.filter(event="campaign.settings").exists()


# ---------------------------------------------------------------- when a report is due


def test_due_date_follows_the_campaign(cast, march):
    early, late = _campaign(cast, "甲行动", 3, 2), _campaign(cast, "乙行动", 8, 2)
    assert periods.report_due_on(march, early) == date(2023, 4, 6)
    assert periods.report_due_on(march, late) == date(2023, 4, 13)
    assert march.due_on == date(2023, 4, 10)  # the shipped default, for lists spanning campaigns


def test_a_change_moves_only_periods_not_yet_due(cast, settings, march):
    february = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 2, 15))
    campaign = _campaign(cast, "甲行动", 5, 2)
    assert periods.report_due_on(february, campaign) == date(2023, 3, 7)
    settings.GONGJIAN_TODAY = date(2023, 3, 20)
    services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=8, remind_days_before=2)
    campaign.refresh_from_db()
    assert periods.report_due_on(february, campaign) == date(2023, 3, 7)  # past: lateness already judged stays
    assert periods.report_due_on(march, campaign) == date(2023, 4, 13)
    # Moving the due day earlier never makes a period overdue at once: on 04-07 March keeps 04-13.
    settings.GONGJIAN_TODAY = date(2023, 4, 7)
    services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=3, remind_days_before=2)
    campaign.refresh_from_db()
    assert periods.report_due_on(march, campaign) == date(2023, 4, 13)
    april = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 4, 15))
    assert periods.report_due_on(april, campaign) == periods.month_due(april.end, 3)
    assert periods.report_due_on(february, campaign) == date(2023, 3, 7)


def test_weekly_reports_are_due_the_next_working_day_whatever_the_campaign(cast, march):
    week = periods.period_for(ReportingPeriod.Kind.WEEK, date(2023, 4, 4))
    assert periods.report_due_on(week, _campaign(cast, "甲行动", 12, 2)) == date(2023, 4, 10)


# ---------------------------------------------------------------- the daily run


def _findings(task, on: date) -> set[str]:
    return {f["rule"] for f in Card.objects.on(on).get(task=task).findings}


def test_report_missing_fires_by_each_campaigns_own_due_day(cast, settings, march):
    early, late = _campaign(cast, "甲行动", 3, 2), _campaign(cast, "乙行动", 8, 2)
    early_task, late_task = _task(cast, early, "甲任务"), _task(cast, late, "乙任务")
    settings.GONGJIAN_TODAY = date(2023, 4, 7)
    supervise(on=date(2023, 4, 7))
    assert "report_missing" in _findings(early_task, date(2023, 4, 7))  # due 04-06
    assert "report_missing" not in _findings(late_task, date(2023, 4, 7))  # due 04-13
    settings.GONGJIAN_TODAY = date(2023, 4, 14)
    supervise(on=date(2023, 4, 14))
    assert "report_missing" in _findings(late_task, date(2023, 4, 14))


def test_a_later_change_does_not_forgive_a_missed_report(cast, settings, march):
    campaign = _campaign(cast, "甲行动", 3, 2)
    task = _task(cast, campaign, "甲任务")
    settings.GONGJIAN_TODAY = date(2023, 4, 7)
    services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=8, remind_days_before=2)
    supervise(on=date(2023, 4, 7))
    assert "report_missing" in _findings(task, date(2023, 4, 7))


# ---------------------------------------------------------------- reminders


def test_one_reminder_run_serves_campaigns_with_different_settings(cast, settings, march):
    due_today = _campaign(cast, "甲行动", 5, 0)  # due 04-10, no early reminder
    due_later = _campaign(cast, "乙行动", 8, 3)  # due 04-13, reminded 3 working days before: 04-10
    _task(cast, due_today, "甲任务")
    _task(cast, due_later, "乙任务")
    done = _task(cast, due_later, "乙任务已报", unit=cast.unit_b)
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    report_services.report_submit(actor=cast.outsider_b, report=report_services.report_save(
        actor=cast.outsider_b, task=done, period=march, work_done="完成", percent="50"))
    result = jobs.remind(on=date(2023, 4, 10))
    assert (result["sent"], result["units"]) == (2, ["姜山镇", "姜山镇"])
    assert set(Reminder.objects.values_list("campaign__name", "kind", "sent_on")) == {
        ("甲行动", "due", date(2023, 4, 10)), ("乙行动", "before", date(2023, 4, 10))}
    bodies = sorted(Delivery.objects.filter(person__user=cast.editor_a).values_list("thread__body", flat=True))
    assert any("甲行动" in b and "2023年4月10日" in b for b in bodies)
    assert any("乙行动" in b and "2023年4月13日" in b for b in bodies)
    assert jobs.remind(on=date(2023, 4, 10))["sent"] == 0
    assert jobs.remind(on=date(2023, 4, 6))["sent"] == 0  # the default lead time (2 before 04-10) is no one's


def test_the_same_unit_is_reminded_for_each_campaign_on_its_own_day(cast, march):
    _task(cast, _campaign(cast, "甲行动", 5, 2), "甲任务")  # before 04-06
    _task(cast, _campaign(cast, "乙行动", 8, 2), "乙任务")  # before 04-11
    assert jobs.remind(on=date(2023, 4, 6))["sent"] == 1
    assert jobs.remind(on=date(2023, 4, 11))["sent"] == 1
    assert Reminder.objects.filter(unit=cast.unit_a, kind="before").count() == 2


# ---------------------------------------------------------------- the page


def test_office_sees_and_saves_the_settings_page(cast, client_for, campaign):
    client = client_for(cast.office)
    url = reverse("campaign_settings", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "攻坚行动设置" in text and 'value="5"' in text and 'value="2"' in text
    assert f"{reverse('rule_list')}?campaign={campaign.pk}" in text
    assert url in client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    response = client.post(url, {"report_due_workday": "7", "remind_days_before": "1"})
    assert response.status_code == 302 and response["Location"] == url
    campaign.refresh_from_db()
    assert (campaign.report_due_workday, campaign.remind_days_before) == (7, 1)
    assert AuditEvent.objects.filter(event="campaign.settings", actor=cast.office).count() == 1


def test_settings_page_links_the_campaigns_assessment_scheme(cast, client_for, campaign):
    from gongjian.assessment.models import Scheme

    scheme = Scheme.objects.create(campaign=campaign, period_type="month", name="月度考核方案")
    text = client_for(cast.office).get(reverse("campaign_settings", args=[campaign.pk])).content.decode()
    assert reverse("assessment_scheme", args=[scheme.pk]) in text and "月度考核方案" in text


@pytest.mark.parametrize(("due", "remind", "message"), [
    ("0", "2", "「月度填报截止（次月第几个工作日）」应在1到20之间"),
    ("5", "30", "「截止前几个工作日提醒」应在0到10之间"),
    ("", "2", "请填写「月度填报截止（次月第几个工作日）」"),
    ("5", "abc", "「截止前几个工作日提醒」必须是整数"),
])
def test_bad_input_is_shown_beside_the_field_and_saves_nothing(cast, client_for, campaign, due, remind, message):
    response = client_for(cast.office).post(reverse("campaign_settings", args=[campaign.pk]),
                                            {"report_due_workday": due, "remind_days_before": remind})
    assert response.status_code == 400
    assert message in response.content.decode()
    campaign.refresh_from_db()
    assert (campaign.report_due_workday, campaign.remind_days_before) == (5, 2)
    assert not AuditEvent.objects.filter(event="campaign.settings").exists()


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("editor_a", 403), ("viewer_a", 403),
                                             ("outsider_b", 404)])
def test_only_the_office_may_use_the_settings_page(cast, client_for, campaign, task_a, who, status):
    client = client_for(getattr(cast, who))
    url = reverse("campaign_settings", args=[campaign.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"report_due_workday": "9", "remind_days_before": "1"}).status_code == status
    assert Campaign.objects.get(pk=campaign.pk).report_due_workday == 5
    detail = client.get(reverse("campaign_detail", args=[campaign.pk]))
    if detail.status_code == 200:
        assert url not in detail.content.decode()


def test_anonymous_visitor_is_sent_to_login(citizen, campaign):
    response = citizen.get(reverse("campaign_settings", args=[campaign.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_campaign_is_404(cast, client_for):
    assert client_for(cast.office).get(reverse("campaign_settings", args=[999999])).status_code == 404


def test_the_audit_log_says_what_changed_in_words(cast, campaign):
    from gongjian.templatetags.gongjian_tags import audit_changes, event_label

    services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=8, remind_days_before=2)
    event = AuditEvent.objects.get(event="campaign.settings")
    assert event_label(event.event) == "修改攻坚行动设置"
    assert audit_changes(event.changes, event.event) == "月度填报截止（次月第几个工作日）：5 → 8"


def test_the_api_shows_the_settings_read_only(cast, api_for, campaign, task_a):
    services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=7, remind_days_before=1)
    rows = api_for(cast.editor_a).get("/api/v1/campaigns/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    row = next(r for r in rows if r["id"] == campaign.pk)
    assert (row["report_due_workday"], row["remind_days_before"]) == (7, 1)
    assert api_for(cast.office).patch(f"/api/v1/campaigns/{campaign.pk}/", {"report_due_workday": 3},
                                      format="json").status_code == 405
    assert Campaign.objects.get(pk=campaign.pk).report_due_workday == 7


# ---------------------------------------------------------------- the period being filled


@pytest.mark.parametrize(("due", "today", "label"), [
    (5, date(2023, 4, 10), "2023-03"),   # the 5th working day of April: March is still being filled
    (5, date(2023, 4, 11), "2023-04"),
    (8, date(2023, 4, 11), "2023-03"),   # a campaign due on the 8th keeps March open past the default day
    (8, date(2023, 4, 14), "2023-04"),
])
def test_the_current_period_follows_the_campaigns_due_day(cast, settings, due, today, label):
    from gongjian.dispatch.selectors import current_period

    settings.GONGJIAN_TODAY = date(2023, 2, 1)
    campaign = Campaign.objects.filter(routine=False).first() or _campaign(cast, "专项行动", due, 2)
    services.campaign_settings_update(actor=cast.office, campaign=campaign, report_due_workday=due,
                                      remind_days_before=2)
    Campaign.objects.exclude(pk=campaign.pk).update(end=date(2022, 12, 31))
    for month in (date(2023, 3, 15), date(2023, 4, 3)):
        periods.period_for(ReportingPeriod.Kind.MONTH, month)
    settings.GONGJIAN_TODAY = today
    assert current_period().label == label
