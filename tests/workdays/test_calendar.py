import logging
import time
from datetime import date, timedelta

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjian.workdays import calendar as calendar_module
from gongjian.workdays.calendar import DayInfo, WorkdayCalendar

CAL = WorkdayCalendar()

# 2000-2030 straddles both ends of chinesecalendar's tables (2004-2026), so the fallback is exercised too.
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
steps = st.integers(min_value=-600, max_value=600)


def naive_is_workday(d: date) -> bool:
    if d.year in calendar_module.CHINESE_CALENDAR_YEARS:
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5


def naive_between(a: date, b: date) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    return sign * sum(naive_is_workday(lo + timedelta(days=k)) for k in range(1, (hi - lo).days + 1))


def test_spring_festival_make_up_saturday_is_a_workday():
    assert CAL.is_workday(date(2023, 1, 28))
    assert CAL.info(date(2023, 1, 28)) == DayInfo(date(2023, 1, 28), True, "调休上班日")


def test_spring_festival_make_up_sunday_is_a_workday():
    assert CAL.is_workday(date(2023, 1, 29))


def test_spring_festival_week_is_a_holiday():
    for day in range(21, 28):
        assert not CAL.is_workday(date(2023, 1, day)), day
    assert CAL.info(date(2023, 1, 23)) == DayInfo(date(2023, 1, 23), False, "法定节假日：春节")


def test_national_day_make_up_weekend_is_worked():
    assert CAL.is_workday(date(2023, 10, 7))
    assert CAL.is_workday(date(2023, 10, 8))
    assert not CAL.is_workday(date(2023, 10, 6))


def test_ordinary_days_are_explained():
    assert CAL.info(date(2023, 3, 31)) == DayInfo(date(2023, 3, 31), True, "工作日")
    assert CAL.info(date(2023, 4, 1)) == DayInfo(date(2023, 4, 1), False, "周末")


def test_task_due_jan_30_is_three_workdays_from_jan_20():
    assert CAL.between(date(2023, 1, 20), date(2023, 1, 30)) == 3
    assert CAL.between(date(2023, 1, 30), date(2023, 1, 20)) == -3


def test_first_workday_after_friday_before_spring_festival_is_make_up_saturday():
    assert CAL.add(date(2023, 1, 20), 1) == date(2023, 1, 28)
    assert CAL.add(date(2023, 1, 28), -1) == date(2023, 1, 20)


def test_add_counts_from_the_next_workday_in_an_ordinary_week():
    friday, saturday, monday = date(2023, 3, 3), date(2023, 3, 4), date(2023, 3, 6)
    assert CAL.add(friday, 1) == monday
    assert CAL.add(friday, 0) == friday
    assert CAL.add(saturday, 0) == monday
    assert CAL.add(saturday, 1) == monday
    assert CAL.add(saturday, -1) == friday
    assert CAL.add(monday, -1) == friday
    assert CAL.between(friday, monday) == 1
    assert CAL.between(friday, friday) == 0


def test_future_year_falls_back_to_weekdays_without_error():
    assert CAL.add(date(2027, 2, 5), 3) == date(2027, 2, 10)
    assert CAL.info(date(2027, 2, 6)) == DayInfo(date(2027, 2, 6), False, "按周一至周五推算（2027年节假日未录入）")
    assert CAL.between(date(2026, 12, 31), date(2027, 1, 4)) == 2


def test_year_before_the_tables_falls_back_to_weekdays():
    assert CAL.is_workday(date(1999, 10, 1))  # a Friday, National Day in reality, unknown to the tables
    assert CAL.add(date(2003, 12, 31), 1) == date(2004, 1, 2)  # 2004-01-01 is New Year's Day


def test_uncovered_year_is_warned_once(monkeypatch, caplog):
    monkeypatch.setattr(calendar_module, "_warned_years", set())
    calendar = WorkdayCalendar()
    with caplog.at_level(logging.WARNING, logger="gongjian.workdays"):
        calendar.add(date(2027, 2, 5), 3)
        calendar.info(date(2027, 3, 1))
        WorkdayCalendar().between(date(2027, 1, 1), date(2027, 6, 1))
    assert [r.getMessage() for r in caplog.records] == [
        "No holiday table for 2027: counting Monday to Friday as working days"
    ]


def test_admin_override_wins():
    calendar = WorkdayCalendar({date(2027, 2, 8): (False, "春节")})
    assert not calendar.is_workday(date(2027, 2, 8))
    assert calendar.info(date(2027, 2, 8)) == DayInfo(date(2027, 2, 8), False, "管理员设置：春节")
    assert calendar.add(date(2027, 2, 5), 3) == date(2027, 2, 11)
    assert calendar.between(date(2027, 2, 5), date(2027, 2, 11)) == 3


def test_admin_override_beats_chinesecalendar_both_ways():
    calendar = WorkdayCalendar({date(2023, 1, 28): (False, "防疫停工"), date(2023, 1, 23): (True, "")})
    assert not calendar.is_workday(date(2023, 1, 28))
    assert calendar.is_workday(date(2023, 1, 23))
    assert calendar.info(date(2023, 1, 23)).reason == "管理员设置"
    assert calendar.add(date(2023, 1, 20), 1) == date(2023, 1, 23)
    assert calendar.add(date(2023, 1, 20), 2) == date(2023, 1, 29)


def test_override_agreeing_with_weekdays_cancels_a_table_holiday():
    calendar = WorkdayCalendar({date(2023, 10, 2): (True, "补录")})
    assert (
        calendar.between(date(2023, 9, 28), date(2023, 10, 9)) == CAL.between(date(2023, 9, 28), date(2023, 10, 9)) + 1
    )


def test_overrides_shift_counts_in_later_years():
    calendar = WorkdayCalendar({date(2025, 6, 3): (False, "")})
    assert calendar.between(date(2020, 1, 1), date(2030, 1, 1)) == CAL.between(date(2020, 1, 1), date(2030, 1, 1)) - 1
    assert calendar.add(date(2028, 3, 1), -1) == CAL.add(date(2028, 3, 1), -1)


def test_uncovered_years_lists_fallback_years():
    assert CAL.uncovered_years(range(2025, 2029)) == [2027, 2028]
    assert WorkdayCalendar(covered_years=[2027]).uncovered_years([2003, 2027, 2028, 2028]) == [2003, 2028]


def test_admin_covered_year_explains_days_without_fallback_reason():
    calendar = WorkdayCalendar(covered_years=[2027])
    assert calendar.info(date(2027, 2, 6)).reason == "周末"
    assert calendar.info(date(2027, 2, 5)).reason == "工作日"


@settings(max_examples=200, deadline=None)
@given(dates)
def test_is_workday_matches_the_state_council_tables(d):
    assert CAL.is_workday(d) == naive_is_workday(d) == CAL.info(d).workday


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(min_value=-400, max_value=400))
def test_between_matches_a_day_by_day_count(a, span):
    b = a + timedelta(days=span)
    assert CAL.between(a, b) == naive_between(a, b)


@settings(max_examples=200, deadline=None)
@given(dates, steps)
def test_add_lands_on_a_workday(d, n):
    assert CAL.is_workday(CAL.add(d, n))


@settings(max_examples=200, deadline=None)
@given(dates, steps)
def test_between_inverts_add_from_a_workday(d, n):
    d = CAL.add(d, 0)
    assert CAL.between(d, CAL.add(d, n)) == n


@settings(max_examples=200, deadline=None)
@given(dates, steps)
def test_add_back_returns_to_the_start_workday(d, n):
    d = CAL.add(d, 0)
    assert CAL.add(CAL.add(d, n), -n) == d


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(min_value=0, max_value=60), steps, st.integers(min_value=0, max_value=60))
def test_add_and_between_are_monotonic(d, gap, n, more):
    later = d + timedelta(days=gap)
    assert CAL.add(d, n) <= CAL.add(later, n)
    assert CAL.add(d, n) <= CAL.add(d, n + more)
    if n != 0 and more:
        assert CAL.add(d, n) < CAL.add(d, n + more)
    assert CAL.between(d, d) == 0 <= CAL.between(d, later)


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(min_value=1, max_value=30))
def test_add_is_the_nth_workday_strictly_after(d, n):
    found, day = 0, d
    while found < n:
        day += timedelta(days=1)
        found += naive_is_workday(day)
    assert CAL.add(d, n) == day


def test_add_negative_is_the_nth_workday_strictly_before():
    saturday_in_spring_festival = date(2023, 1, 21)
    assert CAL.add(saturday_in_spring_festival, -1) == date(2023, 1, 20)
    assert CAL.add(saturday_in_spring_festival, -3) == date(2023, 1, 18)
    assert CAL.add(date(2023, 1, 28), -3) == date(2023, 1, 18)


def test_100k_between_and_add_do_not_loop_day_by_day():
    calendar = WorkdayCalendar()
    start = date(2020, 1, 1).toordinal()
    pairs = [(date.fromordinal(start + (k * 7919) % 3650), (k * 104729) % 3650) for k in range(100_000)]
    began = time.perf_counter()
    for d, offset in pairs:
        calendar.between(d, date.fromordinal(start + offset))
        calendar.add(d, offset % 500 - 250)
    # About 0.15 s on a 2-core machine; a day-by-day loop over these spans takes minutes.
    assert time.perf_counter() - began < 5.0
