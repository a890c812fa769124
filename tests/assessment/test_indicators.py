"""Each default indicator (docs/rules.md §5), driven by the events it counts."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.assessment import services
from gongjian.assessment.models import Indicator
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.dispatch import periods as reporting
from gongjian.dispatch import services as dispatch_services
from gongjian.dispatch.models import ReportingPeriod
from gongjian.supervision.models import Blocker, Card, Notice

pytestmark = pytest.mark.django_db

D = Decimal


def points(lines):
    return [p for p, _ in lines]


# ---------------------------------------------------------------- tasks completed on time, early, above target


def test_on_time_completion_gives_lead_two_and_each_co_unit_one(world):
    task = world.task(world.town_a, deadline=date(2023, 3, 20), co=[world.dept_b, world.dept_d], title="建强园区")
    world.complete(task, date(2023, 3, 17))
    ranking = world.compute()
    assert world.lines(ranking, world.town_a, "task_on_time") == [(D("2.00"), "按期完成：任务“建强园区”，牵头")]
    assert world.lines(ranking, world.dept_b, "task_on_time") == [(D("1.00"), "按期完成：任务“建强园区”，配合")]
    assert points(world.lines(ranking, world.dept_d, "task_on_time")) == [D("1.00")]


def test_completion_after_the_deadline_earns_nothing_for_on_time(world):
    task = world.task(world.town_a, deadline=date(2023, 3, 10), co=[world.dept_b])
    world.complete(task, date(2023, 3, 15))
    ranking = world.compute()
    assert world.lines(ranking, world.town_a, "task_on_time") == []
    assert world.lines(ranking, world.dept_b, "task_on_time") == []


def test_completion_counts_in_the_period_it_happened(world):
    task = world.task(world.town_a, deadline=date(2023, 6, 30))
    world.complete(task, date(2023, 2, 20))
    assert world.lines(world.compute("2023-02"), world.town_a, "task_on_time") != []
    assert world.lines(world.compute("2023-03"), world.town_a, "task_on_time") == []


@pytest.mark.parametrize(("completed", "expected"), [
    (date(2023, 3, 1), D("1.00")),    # 21 working days before 2023-03-31
    (date(2023, 3, 24), D("0.50")),   # 5 working days before
    (date(2023, 3, 27), None),        # 4 working days before: on time, no bonus
])
def test_early_completion_bonus_by_working_days(world, completed, expected):
    task = world.task(world.town_a, deadline=date(2023, 3, 31), co=[world.dept_b], title="早办")
    world.complete(task, completed)
    lines = world.lines(world.compute(), world.town_a, "task_early")
    assert points(lines) == ([] if expected is None else [expected])
    assert world.lines(world.compute(), world.dept_b, "task_early") == []  # the bonus is the lead unit's


@pytest.mark.parametrize(("actual", "expected"), [("120", D("1.00")), ("105", D("0.50")), ("100", None)])
def test_above_target_bonus_from_the_last_approved_report(world, actual, expected):
    task = world.task(world.town_a, deadline=date(2023, 3, 29), target_value=D("100"), indicator_unit="个")
    report = world.report(task, date(2023, 2, 1), submitted=date(2023, 3, 1), state="approved")
    report.indicator_actual = D(actual)
    report.save()
    world.complete(task, date(2023, 3, 28))
    lines = world.lines(world.compute(), world.town_a, "task_early")
    assert points(lines) == ([] if expected is None else [expected])
    if expected is not None:
        assert "超额完成" in lines[0][1] and f"完成{actual}个" in lines[0][1]


def test_early_and_above_target_count_once_at_the_higher_bonus(world):
    task = world.task(world.town_a, deadline=date(2023, 3, 31), target_value=D("10"))
    report = world.report(task, date(2023, 2, 1), submitted=date(2023, 3, 1), state="approved")
    report.indicator_actual = D("10.5")
    report.save()
    world.complete(task, date(2023, 3, 1))
    assert points(world.lines(world.compute(), world.town_a, "task_early")) == [D("1.00")]


# ---------------------------------------------------------------- tasks not completed by the deadline


def test_missed_deadline_costs_lead_five_and_co_unit_two_and_a_half(world):
    task = world.task(world.town_a, deadline=date(2023, 3, 20), co=[world.dept_b], title="渔乐节")
    ranking = world.compute()
    assert world.lines(ranking, world.town_a, "task_overdue") == [
        (D("-5.00"), "未按期完成：任务“渔乐节”，牵头（时限2023-03-20）")]
    assert world.lines(ranking, world.dept_b, "task_overdue") == [
        (D("-2.50"), "未按期完成：任务“渔乐节”，配合（时限2023-03-20）")]
    assert task.pk in [i.source_id for i in world.score(ranking, world.town_a).items.all()]


def test_late_completion_still_counts_as_not_completed_by_the_deadline(world):
    task = world.task(world.town_a, deadline=date(2023, 3, 10))
    world.complete(task, date(2023, 3, 14))
    assert points(world.lines(world.compute(), world.town_a, "task_overdue")) == [D("-5.00")]


def test_deadline_on_the_last_day_counts_once_in_the_next_period(world):
    world.task(world.town_a, deadline=date(2023, 3, 31))
    assert world.lines(world.compute("2023-03"), world.town_a, "task_overdue") == []
    assert points(world.lines(world.compute("2023-04"), world.town_a, "task_overdue")) == [D("-5.00")]


def test_cancelled_and_suspended_tasks_are_not_judged(world):
    for to in (Task.Status.CANCELLED, Task.Status.SUSPENDED):
        task = world.task(world.town_a, deadline=date(2023, 3, 10))
        task_services.task_transition(actor=world.office, task=task, to=to, reason="上级调整")
    assert world.lines(world.compute(), world.town_a, "task_overdue") == []


# ---------------------------------------------------------------- cards


def test_daily_yellow_cards_deduct_once_per_period(world):
    task = world.task(world.town_a, deadline=date(2023, 6, 30), title="园区")
    for day in range(1, 32):
        world.card(task, date(2023, 3, day), "yellow", rule="milestone_overdue")
    ranking = world.compute()
    assert world.lines(ranking, world.town_a, "cards") == [(D("-1.00"), "黄牌：任务“园区”（3月31日，节点逾期）")]
    assert (world.score(ranking, world.town_a).red_count, world.score(ranking, world.town_a).yellow_count) == (0, 1)


def test_the_card_of_the_last_run_day_counts_not_an_earlier_one(world):
    red_then_green = world.task(world.town_a, deadline=date(2023, 6, 30))
    green_then_red = world.task(world.town_c, deadline=date(2023, 6, 30))
    world.card(red_then_green, date(2023, 3, 10), "red")
    world.card(red_then_green, date(2023, 3, 30), "green")
    world.card(green_then_red, date(2023, 3, 10), "green")
    world.card(green_then_red, date(2023, 3, 30), "red")
    ranking = world.compute()
    assert world.lines(ranking, world.town_a, "cards") == []
    assert points(world.lines(ranking, world.town_c, "cards")) == [D("-2.00")]
    assert world.score(ranking, world.town_c).red_count == 1


def test_cards_count_against_the_lead_unit_only(world):
    task = world.task(world.town_a, deadline=date(2023, 6, 30), co=[world.dept_b])
    world.card(task, date(2023, 3, 31), "red")
    ranking = world.compute()
    assert points(world.lines(ranking, world.town_a, "cards")) == [D("-2.00")]
    assert world.lines(ranking, world.dept_b, "cards") == []


def test_an_overdue_blocker_of_another_unit_does_not_cost_the_lead_unit_a_card(world):
    # 店埠镇's project turns yellow only for 自然资源局's overdue land blocker: the blocker indicator charges the
    # responsible unit; the lead unit loses nothing for it.
    task = world.task(world.town_a, deadline=date(2023, 6, 30), title="园区")
    Card.objects.create(task=task, valid_from=date(2023, 3, 31), valid_until=date(2023, 3, 31), color="yellow", findings=[
        {"rule": "blocker_overdue", "color": "yellow", "message": "要素保障事项超过办理时限",
         "facts": {"responsible_unit": world.dept_b.pk}}])
    ranking = world.compute()
    assert world.lines(ranking, world.town_a, "cards") == []
    assert world.score(ranking, world.town_a).yellow_count == 0


def test_a_lead_units_own_yellow_still_counts_beside_anothers_blocker(world):
    task = world.task(world.town_a, deadline=date(2023, 6, 30), title="园区")
    Card.objects.create(task=task, valid_from=date(2023, 3, 31), valid_until=date(2023, 3, 31), color="yellow", findings=[
        {"rule": "blocker_overdue", "color": "yellow", "message": "", "facts": {"responsible_unit": world.dept_b.pk}},
        {"rule": "progress_lag", "color": "yellow", "message": "", "facts": {}}])
    assert points(world.lines(world.compute(), world.town_a, "cards")) == [D("-1.00")]


def test_a_quarter_counts_each_month_end_snapshot(world):
    task = world.task(world.town_a, deadline=date(2023, 6, 30))
    for day in (date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31)):
        world.card(task, day, "yellow")
    ranking = world.compute("2023-Q1", "quarter")
    assert points(world.lines(ranking, world.town_a, "cards")) == [D("-1.00")] * 3


# ---------------------------------------------------------------- reports


def test_missing_report_costs_half_a_point_and_late_one_a_tenth(world):
    world.task(world.town_a, deadline=date(2023, 6, 30), title="未报任务")
    late = world.task(world.town_a, deadline=date(2023, 6, 30), title="迟报任务")
    on_time = world.task(world.town_a, deadline=date(2023, 6, 30), title="按时任务")
    feb = world.report(late, date(2023, 2, 1), submitted=date(2023, 3, 9))
    due = feb.period.due_on
    assert due == date(2023, 3, 7)
    world.report(on_time, date(2023, 2, 1), submitted=date(2023, 3, 6))
    lines = world.lines(world.compute(), world.town_a, "report_timeliness")
    assert lines == [
        (D("-0.50"), f"未报送：任务“未报任务”2023年2月进展（截止{due.isoformat()}）"),
        (D("-0.10"), f"迟报：任务“迟报任务”2023年2月进展（截止{due.isoformat()}，2023-03-09提交）"),
    ]
    sources = {i.source_type for i in world.score(world.compute(), world.town_a).items.filter(indicator="report_timeliness")}
    assert sources == {"task", "report"}


def test_a_draft_is_missing_and_a_submission_after_the_period_does_not_rescue_it(world):
    draft = world.task(world.town_a, deadline=date(2023, 6, 30))
    world.report(draft, date(2023, 2, 1), submitted=None, state="draft")
    after = world.task(world.town_c, deadline=date(2023, 6, 30))
    world.report(after, date(2023, 2, 1), submitted=date(2023, 4, 3))
    ranking = world.compute()
    assert points(world.lines(ranking, world.town_a, "report_timeliness")) == [D("-0.50")]
    assert points(world.lines(ranking, world.town_c, "report_timeliness")) == [D("-0.50")]


def test_a_task_completed_before_the_due_date_owes_no_report(world):
    task = world.task(world.town_a, deadline=date(2023, 6, 30))
    world.complete(task, date(2023, 3, 3))
    assert world.lines(world.compute(), world.town_a, "report_timeliness") == []


def test_report_due_dates_count_in_the_period_they_pass(world):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    world.report(world.task(world.town_c, deadline=date(2023, 12, 31)), date(2023, 3, 1), submitted=date(2023, 3, 30))
    reporting.period_for(ReportingPeriod.Kind.MONTH, date(2023, 2, 1))  # due 2023-03-07
    assert world.lines(world.compute("2023-03"), world.town_a, "report_timeliness") != []  # February's, due 3-7
    march = [r for _, r in world.lines(world.compute("2023-04"), world.town_a, "report_timeliness")]
    assert len(march) == 1 and "2023年3月" in march[0]


def test_returns_escalate_with_the_units_count_this_year(world):
    tasks = [world.task(world.town_a, deadline=date(2023, 6, 30), title=f"任务{i}") for i in range(3)]
    world.report(tasks[0], date(2023, 1, 1), submitted=date(2023, 2, 2), returns=1)  # January's, counted in February
    world.report(tasks[1], date(2023, 2, 1), submitted=date(2023, 3, 2), returns=2)
    world.report(tasks[2], date(2023, 2, 1), submitted=date(2023, 3, 3), returns=3)
    lines = world.lines(world.compute(), world.town_a, "report_returned")
    assert points(lines) == [D("-1.00"), D("-2.00"), D("-5.00"), D("-5.00"), D("-5.00")]
    assert lines[0][1] == "退回重办（本年第2次）：任务“任务1”2023年2月进展"
    assert points(world.lines(world.compute("2023-02"), world.town_a, "report_returned")) == [D("-0.50")]


def test_a_return_through_the_dispatch_workflow_is_counted(world, settings):
    task = world.task(world.town_a, deadline=date(2023, 6, 30))
    period = reporting.period_for(ReportingPeriod.Kind.MONTH, date(2023, 2, 1))
    settings.GONGJIAN_TODAY = date(2023, 3, 2)
    report = dispatch_services.report_save(actor=world.cast.editor_a, task=task, period=period, work_done="进展",
                                           percent=20)
    report = dispatch_services.report_submit(actor=world.cast.editor_a, report=report)
    dispatch_services.report_return(actor=world.office, report=report, reason="数据不全")
    settings.GONGJIAN_TODAY = date(2023, 4, 20)
    ranking = world.compute()
    assert points(world.lines(ranking, world.town_a, "report_returned")) == [D("-0.50")]
    assert world.lines(ranking, world.town_a, "report_timeliness") == []  # returned counts as submitted


# ---------------------------------------------------------------- blockers


def _blocker(world, *, due: date, raised=date(2023, 3, 1), resolved: date | None = None, unit=None):
    task = world.task(world.town_a, deadline=date(2023, 6, 30))
    return Blocker.objects.create(
        task=task, category="land", description="项目用地指标尚未落实", responsible_unit=unit or world.dept_b,
        raised_by=world.office, raised_on=raised, due_on=due,
        state=Blocker.State.RESOLVED if resolved else Blocker.State.OPEN, resolved_on=resolved)


def test_an_open_blocker_past_due_costs_its_responsible_unit_one_point_once(world):
    blocker = _blocker(world, due=date(2023, 3, 15))
    ranking = world.compute()
    assert world.lines(ranking, world.dept_b, "blocker_overdue") == [
        (D("-1.00"), "要素保障事项超期：“项目用地指标尚未落实”（办理时限2023-03-15）")]
    assert world.lines(ranking, world.town_a, "blocker_overdue") == []
    assert world.score(ranking, world.dept_b).items.get(indicator="blocker_overdue").source_id == blocker.pk


@pytest.mark.parametrize(("due", "resolved", "counted"), [
    (date(2023, 3, 15), date(2023, 3, 15), False),  # resolved on its due date
    (date(2023, 3, 15), date(2023, 3, 20), True),   # resolved late, within the period
    (date(2023, 2, 10), date(2023, 2, 20), False),  # late, but resolved before the period
    (date(2023, 4, 15), None, False),               # not yet due
])
def test_blocker_overdue_within_the_period(world, due, resolved, counted):
    _blocker(world, due=due, raised=date(2023, 2, 1), resolved=resolved)
    assert len(world.lines(world.compute(), world.dept_b, "blocker_overdue")) == (1 if counted else 0)


def test_an_escalated_blocker_counts_though_its_due_date_moved_on(world):
    blocker = _blocker(world, due=date(2023, 4, 14))
    Notice.objects.create(kind=Notice.Kind.SUPERVISE, task=blocker.task, blocker=blocker, unit=world.dept_b,
                          rule="blocker_overdue", reason="超期升级", issued_on=date(2023, 3, 31), key="b1:L2")
    assert world.lines(world.compute(), world.dept_b, "blocker_overdue") == [
        (D("-1.00"), "要素保障事项超期：“项目用地指标尚未落实”（3月31日超期升级督办）")]


# ---------------------------------------------------------------- weights, switches and manual indicators


def test_weight_multiplies_and_disabled_indicators_do_not_count(world):
    world.task(world.town_a, deadline=date(2023, 3, 20), co=[world.dept_b])
    ranking = world.compute()
    scheme = ranking.scheme
    Indicator.objects.filter(scheme=scheme, code="task_overdue").update(weight=D("1.5"))
    assert points(world.lines(world.compute(), world.town_a, "task_overdue")) == [D("-7.50")]
    assert points(world.lines(world.compute(), world.dept_b, "task_overdue")) == [D("-3.75")]
    Indicator.objects.filter(scheme=scheme, code="task_overdue").update(enabled=False)
    assert world.lines(world.compute(), world.town_a) == []


def test_changed_points_apply_to_the_next_computation(world):
    world.task(world.town_a, deadline=date(2023, 3, 20))
    ranking = world.compute()
    indicator = ranking.scheme.indicators.get(code="task_overdue")
    services.indicator_update(actor=world.office, indicator=indicator, params={"lead": -3})
    assert points(world.lines(world.compute(), world.town_a, "task_overdue")) == [D("-3.00")]


def test_report_timeliness_judges_by_the_campaigns_own_due_day(world, settings):
    from gongjian.campaigns import services as campaign_services

    settings.GONGJIAN_TODAY = date(2023, 1, 30)
    campaign_services.campaign_settings_update(actor=world.office, campaign=world.campaign, report_due_workday=8,
                                               remind_days_before=2)
    settings.GONGJIAN_TODAY = date(2023, 4, 20)
    task = world.task(world.town_a, deadline=date(2023, 6, 30), title="第八个工作日报送")
    world.report(task, date(2023, 2, 1), submitted=date(2023, 3, 9))  # late by the default (03-07), not by the 8th
    assert world.lines(world.compute(), world.town_a, "report_timeliness") == []
    world.report(world.task(world.town_a, deadline=date(2023, 6, 30), title="迟报"), date(2023, 2, 1),
                 submitted=date(2023, 3, 13))
    assert world.lines(world.compute(), world.town_a, "report_timeliness") == [
        (D("-0.10"), "迟报：任务“迟报”2023年2月进展（截止2023-03-10，2023-03-13提交）")]
