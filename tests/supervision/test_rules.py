"""Each rule of docs/rules.md §1 and §3 at its boundaries, on the real 2023 calendar."""

from datetime import date

import pytest

from gongjian.supervision.evaluate import (
    MilestoneFacts,
    TaskFacts,
    card_color,
    evaluate,
    expected_progress,
    worst,
)
from gongjian.supervision.rules import effective_rules, validate_params
from gongjian.workdays.calendar import WorkdayCalendar

CAL = WorkdayCalendar()
RULES = effective_rules([])


def facts(**kw) -> TaskFacts:
    values = {"id": 1, "start": date(2023, 1, 3), "deadline": date(2023, 12, 29), "progress": 100.0} | kw
    return TaskFacts(**values)


def codes(task: TaskFacts, on: date) -> dict[str, str]:
    return {f.rule: f.color for f in evaluate(task, RULES, on, CAL)}


def test_deadline_near_counts_spring_festival_make_up_days():
    # 01-21..01-27 were holidays; 01-28 and 01-29 were make-up working days: 01-30 is 3 working days after 01-20.
    task = facts(deadline=date(2023, 1, 30), start=date(2023, 1, 3))
    assert codes(task, date(2023, 1, 20))["deadline_near"] == "yellow"
    finding = next(f for f in evaluate(task, RULES, date(2023, 1, 20), CAL) if f.rule == "deadline_near")
    assert finding.message.startswith("距办结时限还有3个工作日") and finding.facts["workdays_left"] == 3


def test_four_working_days_before_deadline_is_not_near():
    task = facts(deadline=date(2023, 1, 30))
    assert "deadline_near" not in codes(task, date(2023, 1, 19))


def test_due_today_is_yellow_and_next_day_red():
    task = facts(deadline=date(2023, 3, 31))
    assert codes(task, date(2023, 3, 31))["deadline_near"] == "yellow"
    after = codes(task, date(2023, 4, 1))
    assert after["overdue"] == "red" and "deadline_near" not in after


def test_overdue_message_counts_working_days_late():
    task = facts(deadline=date(2023, 3, 31))
    finding = next(f for f in evaluate(task, RULES, date(2023, 4, 7), CAL) if f.rule == "overdue")
    # 04-03, 04-04, 04-06, 04-07 (04-05 Qingming): four working days late.
    assert finding.facts["late_workdays"] == 4 and "4个工作日" in finding.message


def test_milestone_late_yellow_until_ten_working_days_then_red():
    milestone = MilestoneFacts("完成用地手续", date(2023, 3, 1), None)
    task = facts(milestones=(milestone,))
    assert codes(task, date(2023, 3, 2))["milestone_overdue"] == "yellow"
    assert codes(task, date(2023, 3, 15))["milestone_overdue"] == "yellow"  # 10 working days late
    assert codes(task, date(2023, 3, 16))["milestone_overdue"] == "red"  # 11


def test_milestone_due_today_is_not_late():
    task = facts(milestones=(MilestoneFacts("节点", date(2023, 3, 1), None),))
    assert "milestone_overdue" not in codes(task, date(2023, 3, 1))


def test_caught_up_stays_yellow_for_rest_of_that_month_only():
    milestone = MilestoneFacts("节点", date(2023, 2, 1), date(2023, 3, 10), was_red=True)  # 26 working days late
    task = facts(milestones=(milestone,))
    assert codes(task, date(2023, 3, 20)) == {"caught_up": "yellow"}
    assert "caught_up" not in codes(task, date(2023, 4, 3))


def test_a_milestone_late_beyond_the_red_threshold_that_never_lit_red_is_not_caught_up():
    task = facts(milestones=(MilestoneFacts("节点", date(2023, 2, 1), date(2023, 3, 10)),))
    assert "caught_up" not in codes(task, date(2023, 3, 20))


def test_milestone_done_a_little_late_is_not_caught_up():
    task = facts(milestones=(MilestoneFacts("节点", date(2023, 3, 1), date(2023, 3, 6)),))
    assert codes(task, date(2023, 3, 20)) == {}


@pytest.mark.parametrize(("progress", "color"), [(41.0, None), (40.0, "yellow"), (20.0, "yellow"), (19.9, "red"),
                                                 (0.0, "red")])
def test_progress_lag_bands(progress, color):
    # Two equal milestones, the first planned 03-01: expected progress on 03-31 is 50 %.
    milestones = (MilestoneFacts("一", date(2023, 3, 1), None, 1.0), MilestoneFacts("二", date(2023, 9, 1), None, 1.0))
    task = facts(progress=progress, milestones=milestones)
    assert expected_progress(task, date(2023, 3, 31), CAL) == 50.0
    assert codes(task, date(2023, 3, 31)).get("progress_lag") == color


def test_expected_progress_linear_in_working_days_without_milestones():
    task = facts(start=date(2023, 1, 3), deadline=date(2023, 1, 31), progress=0.0)
    # 01-03..01-31 has 19 working days after the start; by 01-20 thirteen have passed.
    assert expected_progress(task, date(2023, 1, 20), CAL) == pytest.approx(100 * 13 / CAL.between(task.start,
                                                                                                  task.deadline))


@pytest.mark.parametrize(("missing", "color"), [(0, None), (1, "yellow"), (2, "red"), (3, "red")])
def test_report_missing_one_period_yellow_two_red(missing, color):
    assert codes(facts(missing_periods=missing), date(2023, 3, 31)).get("report_missing") == color


@pytest.mark.parametrize(("returned", "color"), [(1, None), (2, "yellow")])
def test_returned_twice_is_yellow(returned, color):
    assert codes(facts(returned_this_period=returned), date(2023, 3, 31)).get("returned_twice") == color


HISTORY = ((date(2023, 1, 31), 10.0), (date(2023, 2, 28), 20.0))


def test_forecast_late_warns_beside_a_green_card_before_anything_is_red():
    # 30 % in the working days from 01-03 to 03-10's last report: the remaining 70 % at that pace ends in July,
    # after the 06-30 deadline.
    task = facts(deadline=date(2023, 6, 30), progress=30.0, history=(*HISTORY, (date(2023, 3, 3), 30.0)))
    findings = evaluate(task, RULES, date(2023, 3, 10), CAL)
    assert {f.rule: f.color for f in findings} == {"forecast_late": "warning"}
    assert card_color(findings) == "green"
    finding = findings[0]
    assert finding.message.startswith("预警：按当前进度预计") and "超过办结时限" in finding.message
    assert finding.facts["late_workdays"] > 0 and "2023年" not in finding.message


def test_forecast_late_lights_yellow_only_where_the_campaign_switched_it_on():
    rules = effective_rules([{"code": "forecast_late", "enabled": True, "params": {"lights_yellow": 1}}])
    task = facts(deadline=date(2023, 6, 30), progress=30.0, history=(*HISTORY, (date(2023, 3, 3), 30.0)))
    assert card_color(evaluate(task, rules, date(2023, 3, 10), CAL)) == "yellow"


def test_forecast_needs_three_approved_points():
    task = facts(deadline=date(2023, 6, 30), progress=30.0, history=((date(2023, 2, 28), 30.0),))
    assert "forecast_late" not in codes(task, date(2023, 3, 10))


def test_forecast_beyond_a_year_is_not_printed_as_a_date():
    # 3 % in two months would finish in about 2028: said as "not within a year", never as "12月28日".
    task = facts(deadline=date(2023, 12, 29), progress=3.0,
                 history=((date(2023, 1, 31), 1.0), (date(2023, 2, 28), 2.0), (date(2023, 3, 3), 3.0)))
    finding = next(f for f in evaluate(task, RULES, date(2023, 3, 31), CAL) if f.rule == "forecast_late")
    assert finding.message == "预警：按当前速度一年内无法完成，将超过办结时限" and finding.facts["forecast"] is None


def test_forecast_in_another_year_names_the_year():
    task = facts(deadline=date(2023, 12, 29), progress=45.0,
                 history=((date(2023, 3, 31), 20.0), (date(2023, 5, 31), 35.0), (date(2023, 7, 31), 45.0)))
    finding = next(f for f in evaluate(task, RULES, date(2023, 8, 10), CAL) if f.rule == "forecast_late")
    assert "2024年" in finding.message


def test_forecast_on_pace_is_quiet():
    task = facts(deadline=date(2023, 6, 30), progress=50.0, history=(*HISTORY, (date(2023, 3, 31), 50.0)))
    assert "forecast_late" not in codes(task, date(2023, 4, 3))


def test_stalled_progress_is_forecast_late():
    task = facts(deadline=date(2023, 6, 30), progress=0.0,
                 history=((date(2023, 1, 31), 0.0), (date(2023, 2, 28), 0.0), (date(2023, 3, 3), 0.0)))
    assert codes(task, date(2023, 3, 10)).get("forecast_late") == "warning"


def test_worst_finding_sets_the_colour_and_none_is_green():
    assert worst([]) == "green"
    task = facts(deadline=date(2023, 3, 31), missing_periods=1)
    assert worst(evaluate(task, RULES, date(2023, 4, 3), CAL)) == "red"


def test_override_wins_with_its_reason():
    task = facts(deadline=date(2023, 3, 31), override=("yellow", "已报市政府同意延期"))
    findings = evaluate(task, RULES, date(2023, 4, 3), CAL)
    assert findings[0].rule == "override" and "已报市政府同意延期" in findings[0].message
    assert card_color(findings) == "yellow" and worst(findings) == "red"


def test_disabled_rule_lights_nothing():
    rules = effective_rules([{"code": "overdue", "enabled": False, "params": {}}])
    assert "overdue" not in {f.rule for f in evaluate(facts(deadline=date(2023, 3, 1)), rules, date(2023, 3, 31), CAL)}


def test_campaign_parameter_overrides_default():
    rules = effective_rules([{"code": "deadline_near", "enabled": True, "params": {"days": 7}}])
    task = facts(deadline=date(2023, 3, 31))
    assert {f.rule for f in evaluate(task, rules, date(2023, 3, 22), CAL)} == {"deadline_near"}
    assert "deadline_near" not in codes(task, date(2023, 3, 22))


@pytest.mark.parametrize("params", [{"days": -1}, {"days": "3"}, {"weeks": 1}, {"days": True}])
def test_bad_rule_parameters_refused(params):
    with pytest.raises(ValueError):
        validate_params("deadline_near", params)
