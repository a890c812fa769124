"""Project rules (docs/rules.md §2), each at its boundaries, and the arithmetic behind them checked by hand."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.projects.calc import position, time_progress_phrase
from gongjian.projects.rules import PROJECT_RULES, BlockerFacts, ProjectFacts, add_months, due_month, evaluate_project
from gongjian.supervision.evaluate import RED, YELLOW
from gongjian.workdays.calendar import WorkdayCalendar

WAN = Decimal("10000")
RULES = {code: dict(rule["params"]) for code, rule in PROJECT_RULES.items()}
CAL = WorkdayCalendar({})
FLAT = (100 * WAN,) * 12  # 100万元 a month, 1200万元 a year


def facts(**overrides) -> ProjectFacts:
    values = {"id": 1, "planned_start": date(2023, 1, 15), "actual_start": date(2023, 1, 20),
              "total_investment": 5000 * WAN, "stats_status": "in_stats", "month": 3, "plan": FLAT,
              "actual": FLAT, "gov_plan": (Decimal(0),) * 12, "gov_paid": (Decimal(0),) * 12}
    return ProjectFacts(**(values | overrides))


def found(project: ProjectFacts, on: date, rules=None) -> dict[str, str]:
    return {f.rule: f.color for f in evaluate_project(project, rules or RULES, on, CAL)}


# --- the arithmetic ----------------------------------------------------------------------------------------------

def test_completion_and_time_progress_match_a_hand_calculation():
    plan = [100 * WAN, 100 * WAN, 200 * WAN] + [400 * WAN] * 9  # 4000万元 a year
    actual = [80 * WAN, 120 * WAN, 150 * WAN] + [Decimal(0)] * 9
    pos = position(plan, actual, 3)
    # By hand: 1—3月 350万 of 4000万 = 8.75 %; plan to March 400万 = 10 %; 8.75 − 10 = −1.25 points.
    assert pos.year_plan == 4000 * WAN and pos.year_to_date == 350 * WAN and pos.planned_to_date == 400 * WAN
    assert pos.completion == Decimal("8.75") and pos.time_progress == Decimal("10")
    assert pos.points == Decimal("-1.25")
    assert pos.phrase == "低于时间进度1.3个百分点"


def test_time_progress_follows_the_monthly_plan_not_the_calendar():
    autumn = [Decimal(0)] * 8 + [300 * WAN] * 4
    pos = position(autumn, [Decimal(0)] * 12, 3)
    assert pos.time_progress == 0 and pos.points == 0 and pos.phrase == "与时间进度持平"


@pytest.mark.parametrize(("points", "text"), [
    (Decimal("3.25"), "超过时间进度3.3个百分点"), (Decimal("-0.04"), "与时间进度持平"),
    (Decimal("-12"), "低于时间进度12.0个百分点"), (None, "未安排年度计划"),
])
def test_phrase(points, text):
    assert time_progress_phrase(points) == text


def test_no_year_plan_gives_no_percentages():
    pos = position([Decimal(0)] * 12, [10 * WAN] + [Decimal(0)] * 11, 1)
    assert pos.completion is None and pos.points is None


def test_month_out_of_range_is_refused():
    with pytest.raises(ValueError):
        position(FLAT, FLAT, 13)


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2023, 11, 10), 2) == date(2024, 1, 10)


@pytest.mark.django_db
def test_measured_month_is_the_latest_one_past_its_due_date():
    # February's reports are due on the 5th working day of March (2023-03-07).
    assert due_month(date(2023, 3, 7)) == 1
    assert due_month(date(2023, 3, 8)) == 2
    assert due_month(date(2023, 1, 20)) == 0


# --- not_started: planned start month passed → yellow; third month in a row → red --------------------------------

@pytest.mark.parametrize(("on", "color"), [
    (date(2023, 1, 31), None), (date(2023, 2, 1), YELLOW), (date(2023, 3, 31), YELLOW), (date(2023, 4, 1), RED),
])
def test_not_started_boundaries(on, color):
    project = facts(actual_start=None, stats_status="pending", plan=(Decimal(0),) * 12)
    assert found(project, on).get("not_started") == color


def test_started_project_is_not_flagged_unless_the_start_is_after_the_day():
    assert "not_started" not in found(facts(actual_start=date(2023, 2, 10)), date(2023, 5, 1))
    assert found(facts(actual_start=date(2023, 5, 10)), date(2023, 5, 1))["not_started"] == RED


def test_not_started_message_names_month_and_delay():
    finding = next(f for f in evaluate_project(facts(actual_start=None), RULES, date(2023, 3, 1), CAL)
                   if f.rule == "not_started")
    assert finding.message == "计划2023年1月开工，已过2个月仍未开工" and finding.facts["months"] == 2


# --- investment_lag: behind time progress by ≥ 10 points → yellow, > 30 → red ------------------------------------

@pytest.mark.parametrize(("month", "done_wan", "color"), [
    (3, Decimal("180"), YELLOW),  # 15 % against 25 %: exactly 10 points behind
    (3, Decimal("180.01"), None),  # 9.999 points
    (6, Decimal("240"), YELLOW),  # 20 % against 50 %: exactly 30 points
    (6, Decimal("239.99"), RED),  # just over 30 points
    (6, Decimal("700"), None),  # ahead
])
def test_investment_lag_boundaries(month, done_wan, color):
    actual = (done_wan * WAN,) + (Decimal(0),) * 11
    assert found(facts(month=month, actual=actual), date(2023, 8, 1)).get("investment_lag") == color


def test_investment_lag_message_states_share_and_points():
    actual = (Decimal(150) * WAN,) + (Decimal(0),) * 11
    finding = next(f for f in evaluate_project(facts(actual=actual), RULES, date(2023, 4, 12), CAL)
                   if f.rule == "investment_lag")
    assert finding.message == "1—3月完成投资150.00万元，占年度计划12.5%，低于时间进度12.5个百分点"


def test_no_investment_lag_before_any_month_is_measured_or_without_a_plan():
    assert "investment_lag" not in found(facts(month=0, actual=(Decimal(0),) * 12), date(2023, 1, 20))
    assert "investment_lag" not in found(facts(plan=(Decimal(0),) * 12, actual=(Decimal(0),) * 12), date(2023, 4, 20))


def test_bands_are_configurable():
    rules = RULES | {"investment_lag": {"yellow_points": 5, "red_points": 8}}
    actual = (Decimal(200) * WAN,) + (Decimal(0),) * 11  # 16.7 % against 25 %: 8.3 points
    assert found(facts(actual=actual), date(2023, 4, 20), rules)["investment_lag"] == RED


# --- not_in_stats: ≥ 500万, started, not in statistics 1 month after start → yellow, > 2 months → red ---------------

@pytest.mark.parametrize(("on", "color"), [
    (date(2023, 2, 9), None), (date(2023, 2, 10), YELLOW), (date(2023, 3, 10), YELLOW), (date(2023, 3, 11), RED),
])
def test_not_in_stats_boundaries(on, color):
    project = facts(actual_start=date(2023, 1, 10), stats_status="submitted")
    assert found(project, on).get("not_in_stats") == color


@pytest.mark.parametrize(("total", "status", "flagged"), [
    (Decimal("5000000"), "pending", True), (Decimal("4999999.99"), "pending", False),
    (Decimal("5000000"), "in_stats", False), (Decimal("9000000"), "reviewed", True),
])
def test_not_in_stats_threshold_and_status(total, status, flagged):
    project = facts(actual_start=date(2023, 1, 10), stats_status=status, total_investment=total)
    assert ("not_in_stats" in found(project, date(2023, 4, 1))) is flagged


def test_not_in_stats_waits_for_the_start():
    assert "not_in_stats" not in found(facts(actual_start=None, stats_status="pending"), date(2023, 6, 1))


# --- funds_lag: government funds paid behind plan → red ---------------------------------------------------------

@pytest.mark.parametrize(("paid", "tolerance", "color"), [
    (Decimal("200"), 0, None), (Decimal("199.99"), 0, RED), (Decimal("190"), 5, None), (Decimal("189.99"), 5, RED),
])
def test_funds_lag_boundaries(paid, tolerance, color):
    project = facts(month=2, gov_plan=(100 * WAN,) * 12, gov_paid=(paid * WAN,) + (Decimal(0),) * 11)
    rules = RULES | {"funds_lag": {"tolerance_points": tolerance}}
    assert found(project, date(2023, 3, 20), rules).get("funds_lag") == color


def test_no_funds_lag_without_government_funds_planned_to_date():
    project = facts(month=2, gov_plan=(Decimal(0),) * 6 + (100 * WAN,) * 6)
    assert "funds_lag" not in found(project, date(2023, 3, 20))


# --- blocker_overdue: a blocker past its due date → yellow on the project ---------------------------------------

def _blocker(due_on: date, level: int = 1) -> BlockerFacts:
    return BlockerFacts(7, "land", "项目用地指标尚未落实", 42, "自然资源局", due_on, level)


@pytest.mark.parametrize(("on", "color"), [(date(2023, 3, 30), None), (date(2023, 3, 31), YELLOW)])
def test_blocker_overdue_boundaries(on, color):
    assert found(facts(blockers=(_blocker(date(2023, 3, 30)),)), on).get("blocker_overdue") == color


def test_escalated_blocker_stays_overdue_with_its_new_due_date():
    finding = next(f for f in evaluate_project(facts(blockers=(_blocker(date(2023, 4, 14), level=2),)), RULES,
                                               date(2023, 3, 31), CAL) if f.rule == "blocker_overdue")
    assert finding.color == YELLOW and finding.facts["responsible_unit"] == 42 and "分管领导协调" in finding.message


def test_each_overdue_blocker_counts_against_its_unit():
    blockers = (_blocker(date(2023, 3, 1)), BlockerFacts(8, "funding", "资金缺口", 43, "财政局", date(2023, 3, 2), 1))
    units = [f.facts["responsible_unit"] for f in evaluate_project(facts(blockers=blockers), RULES, date(2023, 3, 31), CAL)
             if f.rule == "blocker_overdue"]
    assert units == [42, 43]


# --- switching rules off -------------------------------------------------------------------------------------------

def test_a_disabled_rule_finds_nothing():
    project = facts(actual_start=None, stats_status="pending", actual=(Decimal(0),) * 12,
                    blockers=(_blocker(date(2023, 1, 2)),))
    assert set(found(project, date(2023, 6, 1))) == {"not_started", "investment_lag", "blocker_overdue"}
    assert found(project, date(2023, 6, 1), {"funds_lag": {"tolerance_points": 0}}) == {}


def test_rule_defaults_have_names_and_integer_params():
    for code, rule in PROJECT_RULES.items():
        assert rule["name"], code
        assert all(isinstance(v, int) and 0 <= v <= 1000 for v in rule["params"].values()), code
