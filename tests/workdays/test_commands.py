import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongjian.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _json(*args) -> dict:
    out = StringIO()
    call_command("workdays", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_spring_festival_make_up_saturday_is_a_working_day():
    assert _json("check", "2023-01-28") == {"date": "2023-01-28", "workday": True, "reason": "调休上班日"}


def test_spring_festival_monday_is_a_holiday():
    result = _json("check", "2023-01-23")
    assert result["workday"] is False and "春节" in result["reason"]


def test_adding_working_days_in_a_year_nobody_entered_answers():
    assert _json("add", "2027-02-05", "3") == {"date": "2027-02-05", "n": 3, "result": "2027-02-10"}


def test_between_counts_working_days():
    assert _json("between", "2023-01-20", "2023-01-30") == {"from": "2023-01-20", "to": "2023-01-30", "workdays": 3}


def test_set_enters_a_holiday_that_wins_and_is_audited():
    call_command("workdays", "set", "2027-02-08", "holiday", "国务院办公厅2027年春节安排", stdout=StringIO())
    assert _json("check", "2027-02-08")["workday"] is False
    assert _json("add", "2027-02-05", "3")["result"] == "2027-02-11"
    assert AuditEvent.objects.filter(event="workday.set").count() == 1


@pytest.mark.parametrize("args", [("check", "2023-02-30"), ("add", "明天", "3"), ("set", "2027-01-01", "holiday", " ")])
def test_bad_input_is_a_clear_error(args):
    with pytest.raises(CommandError):
        call_command("workdays", *args, stdout=StringIO())
