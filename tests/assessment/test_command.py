"""`gongjian assess --period 2023-03 [--json] [--publish]`."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongjian.assessment.models import Ranking

pytestmark = pytest.mark.django_db


def assess(*args) -> str:
    out = StringIO()
    call_command("assess", *args, stdout=out)
    return out.getvalue()


def test_json_shape(world):
    world.task(world.town_a, deadline=date(2023, 3, 10), co=[world.dept_b], title="园区")
    data = json.loads(assess("--period", "2023-03", "--json"))
    assert set(data) == {"period", "rankings"} and data["period"] == "2023-03"
    assert set(data["rankings"]) == {"area", "department"}
    town = data["rankings"]["area"][0]
    assert set(town) == {"unit", "rank", "score", "base", "breakdown"}
    assert town == {"unit": "姜山镇", "rank": 1, "score": 95.0, "base": 100.0,
                    "breakdown": [{"points": -5.0, "reason": "未按期完成：任务“园区”，牵头（时限2023-03-10）"}]}
    for rows in data["rankings"].values():
        for row in rows:
            assert row["score"] == pytest.approx(row["base"] + sum(b["points"] for b in row["breakdown"]))


def test_publish_flag_publishes_and_a_second_run_is_refused(world):
    world.task(world.town_a, deadline=date(2023, 12, 31))
    text = assess("--period", "2023-03", "--publish")
    assert "已发布" in text and "姜山镇" in text
    assert Ranking.objects.get(label="2023-03").state == Ranking.State.PUBLISHED
    with pytest.raises(CommandError, match="已发布"):
        assess("--period", "2023-03")


def test_bad_period_and_missing_campaign(world):
    with pytest.raises(CommandError, match="格式"):
        assess("--period", "March")
    with pytest.raises(CommandError, match="2022"):
        assess("--period", "2022-03")


def test_quarter_and_year_schemes_are_made_on_demand(world):
    world.task(world.town_a, deadline=date(2023, 3, 10))
    quarter = json.loads(assess("--period", "2023-Q1", "--json"))
    assert quarter["period"] == "2023-Q1" and quarter["rankings"]["area"][0]["score"] == 95.0
    year = json.loads(assess("--period", "2023", "--json"))
    assert year["period"] == "2023"
    assert set(world.campaign.schemes.values_list("period_type", flat=True)) == {"quarter", "year"}
