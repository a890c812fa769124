"""SLA clocks in working days (docs/rules.md §6), across the 2023 Spring Festival and its make-up working days."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjian.frontline import sla
from gongjian.workdays.calendar import WorkdayCalendar

CAL = WorkdayCalendar()


def _due(assigned_on: date, kind: str, *, urgent: bool = False) -> sla.Deadlines:
    sign, reply = sla.DEFAULT_DAYS[kind]
    return sla.deadlines(assigned_on=assigned_on, sign_days=sign, reply_days=reply, urgent=urgent, cal=CAL)


def test_complaint_assigned_before_spring_festival_skips_the_holiday_and_counts_make_up_days():
    # Holiday 01-21..01-27; Saturday 01-28 and Sunday 01-29 were working days.
    due = _due(date(2023, 1, 20), "complaint")
    assert due.sign_due == date(2023, 1, 28)
    assert due.reply_due == date(2023, 2, 15)
    assert CAL.between(date(2023, 1, 20), due.reply_due) == 15


@pytest.mark.parametrize(("kind", "reply_due"), [
    ("consultation", date(2023, 1, 29)),  # two make-up days count
    ("help", date(2023, 2, 8)),
    ("suggestion", date(2023, 2, 8)),
    ("report", date(2023, 2, 15)),
])
def test_each_category_counts_its_working_days_across_the_festival(kind, reply_due):
    assert _due(date(2023, 1, 20), kind).reply_due == reply_due


def test_urgent_ticket_replies_within_five_working_days():
    assert _due(date(2023, 1, 20), "complaint", urgent=True).reply_due == date(2023, 2, 1)


def test_assignment_on_a_holiday_starts_counting_on_the_next_working_day():
    due = _due(date(2023, 1, 23), "consultation")
    assert (due.sign_due, due.reply_due) == (date(2023, 1, 28), date(2023, 1, 29))


def test_return_window_is_two_working_days_and_spans_the_holiday():
    assert sla.return_deadline(date(2023, 1, 20), CAL) == date(2023, 1, 29)
    assert sla.return_deadline(date(2023, 3, 3), CAL) == date(2023, 3, 7)  # Friday → Tuesday


def test_extension_adds_working_days_to_the_reply_deadline():
    assert sla.extended(date(2023, 2, 15), 10, CAL) == date(2023, 3, 1)


def _facts(reply_due: date, *, signed: bool = True, sign_due: date | None = None, running: bool = True):
    return sla.Facts(sign_due=sign_due or date(2023, 1, 28), reply_due=reply_due, signed=signed,
                     clock_running=running)


def test_green_while_on_time():
    card = sla.evaluate(_facts(date(2023, 2, 15)), date(2023, 2, 1), CAL)
    assert (card.color, card.rule, card.facts["workdays_left"]) == ("green", "ticket_on_time", 10)


def test_yellow_one_working_day_before_the_reply_deadline():
    assert sla.evaluate(_facts(date(2023, 2, 15)), date(2023, 2, 13), CAL).color == "green"
    card = sla.evaluate(_facts(date(2023, 2, 15)), date(2023, 2, 14), CAL)
    assert (card.color, card.rule) == ("yellow", "ticket_due_soon")
    assert sla.evaluate(_facts(date(2023, 2, 15)), date(2023, 2, 15), CAL).color == "yellow"


def test_yellow_over_the_weekend_before_a_monday_deadline():
    # Deadline Monday 2023-03-06: the working day before is Friday 03-03, so Saturday is already yellow.
    assert sla.evaluate(_facts(date(2023, 3, 6)), date(2023, 3, 2), CAL).color == "green"
    assert sla.evaluate(_facts(date(2023, 3, 6)), date(2023, 3, 4), CAL).color == "yellow"


def test_red_from_the_first_overdue_day_with_overdue_working_days():
    card = sla.evaluate(_facts(date(2023, 2, 15)), date(2023, 2, 16), CAL)
    assert (card.color, card.rule, card.facts["overdue_workdays"]) == ("red", "ticket_overdue", 1)
    assert sla.evaluate(_facts(date(2023, 2, 15)), date(2023, 2, 20), CAL).facts["overdue_workdays"] == 3


def test_unsigned_after_the_sign_deadline_is_yellow():
    facts = _facts(date(2023, 2, 15), signed=False, sign_due=date(2023, 1, 28))
    assert sla.evaluate(facts, date(2023, 1, 28), CAL).color == "green"
    card = sla.evaluate(facts, date(2023, 1, 29), CAL)
    assert (card.color, card.rule) == ("yellow", "ticket_sign_late")


def test_no_card_when_no_clock_runs():
    assert sla.evaluate(_facts(date(2023, 2, 15), running=False), date(2023, 3, 1), CAL) is None


def test_green_from_is_the_first_reply_date_still_green_on_the_day():
    # Monday 2023-03-06 is yellow from Friday 03-03 on: seen on Saturday 03-04, the first green reply date is Tuesday.
    assert sla.green_from(date(2023, 3, 4), CAL) == date(2023, 3, 7)
    # Across the Spring Festival (01-21..01-27 off) one working day before 01-28 is 01-20.
    assert sla.green_from(date(2023, 1, 20), CAL) == date(2023, 1, 29)
    assert sla.green_from(date(2023, 3, 4), CAL, {**sla.DEFAULTS, "yellow_days": 3}) == date(2023, 3, 9)


@settings(max_examples=200, deadline=None)
@given(on=st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 12, 1)), yellow_days=st.integers(0, 4),
       ahead=st.integers(-10, 60))
def test_a_signed_ticket_is_green_exactly_from_green_from(on, yellow_days, ahead):
    params = {**sla.DEFAULTS, "yellow_days": yellow_days}
    due = on + timedelta(days=ahead)
    card = sla.evaluate(_facts(due), on, CAL, params)
    assert (card.color == "green") == (due >= sla.green_from(on, CAL, params))
