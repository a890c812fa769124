from datetime import date

import pytest

from gongjian.assessment import periods
from gongjian.assessment.periods import Period


@pytest.mark.parametrize(("label", "expected"), [
    ("2023-03", ("month", date(2023, 3, 1), date(2023, 3, 31))),
    ("2023-02", ("month", date(2023, 2, 1), date(2023, 2, 28))),
    ("2023-q4", ("quarter", date(2023, 10, 1), date(2023, 12, 31))),
    ("2024", ("year", date(2024, 1, 1), date(2024, 12, 31))),
])
def test_parse(label, expected):
    assert periods.parse(label) == expected


@pytest.mark.parametrize("label", ["", "2023-13", "2023-00", "2023-Q5", "23-03", "1999", "2023-3-1", "三月"])
def test_parse_refuses_other_text(label):
    with pytest.raises(ValueError, match="考核期格式"):
        periods.parse(label)


def test_previous_and_titles():
    assert periods.previous("2023-01") == "2022-12"
    assert periods.previous("2023-Q1") == "2022-Q4"
    assert periods.previous("2023") == "2022"
    assert [periods.title(x) for x in ("2023-03", "2023-Q2", "2023")] == ["2023年3月", "2023年第二季度", "2023年度"]


def test_months_cut_to_the_range():
    assert periods.months(date(2023, 1, 1), date(2023, 3, 15)) == [
        (date(2023, 1, 1), date(2023, 1, 31)), (date(2023, 2, 1), date(2023, 2, 28)),
        (date(2023, 3, 1), date(2023, 3, 15))]
    assert periods.months(date(2023, 3, 1), date(2023, 2, 28)) == []


def test_due_dates_count_in_the_period_in_which_they_pass():
    march = Period("month", "2023-03", date(2023, 3, 1), date(2023, 3, 31), date(2023, 3, 31), campaign_id=1)
    assert march.passed_within() == (date(2023, 2, 28), date(2023, 3, 30))
    provisional = Period("month", "2023-03", date(2023, 3, 1), date(2023, 3, 31), date(2023, 3, 15), campaign_id=1)
    assert provisional.passed_within() == (date(2023, 2, 28), date(2023, 3, 14))
