"""/api/v1/assessment-*: schemes, rankings (compute, publish, adjustments, evaluations, table) and scores."""

from datetime import date

import pytest

from gongjian.assessment import services
from gongjian.assessment.models import Ranking

pytestmark = pytest.mark.django_db


@pytest.fixture
def rankings(world):
    world.task(world.town_a, deadline=date(2023, 3, 10), co=[world.dept_b], title="园区")
    world.task(world.town_c, deadline=date(2023, 2, 10))
    feb = services.ranking_publish(actor=world.office, ranking=world.compute("2023-02"))
    return feb, world.compute("2023-03")


def test_office_computes_publishes_and_then_gets_409(world, api_for):
    world.task(world.town_a, deadline=date(2023, 3, 10))
    api = api_for(world.office)
    created = api.post("/api/v1/assessment-rankings/", {"campaign": world.campaign.pk, "period": "2023-03"})
    assert created.status_code == 201 and created.json()["state"] == "computed"
    pk = created.json()["id"]
    assert api.post(f"/api/v1/assessment-rankings/{pk}/publish/").json()["state"] == "published"
    again = api.post("/api/v1/assessment-rankings/", {"campaign": world.campaign.pk, "period": "2023-03"})
    assert again.status_code == 409 and again.json()["code"] == "published"
    assert api.post(f"/api/v1/assessment-rankings/{pk}/publish/").status_code == 409
    indicator = Ranking.objects.get(pk=pk).scheme.indicators.get(code="leader_evaluation")
    manual = api.post(f"/api/v1/assessment-rankings/{pk}/evaluations/",
                      {"unit": world.town_a.pk, "indicator": indicator.pk, "points": "1", "reason": "好"})
    assert manual.status_code == 409


def test_adjustment_on_a_published_ranking_returns_the_score_with_its_line(world, rankings, api_for):
    feb, _ = rankings
    response = api_for(world.office).post(f"/api/v1/assessment-rankings/{feb.pk}/adjustments/",
                                          {"unit": world.town_c.pk, "points": "2", "reason": "时限经批准延期"})
    assert response.status_code == 201
    body = response.json()
    assert body["total"] == "97.00"
    assert body["breakdown"][-1] == {"points": "2.00", "reason": "更正：时限经批准延期", "kind": "adjustment",
                                     "indicator": "adjustment", "source_type": "adjustment",
                                     "source_id": feb.adjustments.get().pk}


@pytest.mark.parametrize(("payload", "field"), [
    ({"period": "2023-03"}, "campaign"), ({"campaign": 0, "period": "2023-03"}, "campaign"),
    ({"campaign": None, "period": "x"}, "period"),
])
def test_compute_input_errors_name_the_field(world, api_for, payload, field):
    payload = {k: (world.campaign.pk if v is None else v) for k, v in payload.items()}
    response = api_for(world.office).post("/api/v1/assessment-rankings/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json() or response.json().get("field") == field


def test_adjustment_input_errors_name_the_field(world, rankings, api_for):
    feb, _ = rankings
    api = api_for(world.office)
    missing = api.post(f"/api/v1/assessment-rankings/{feb.pk}/adjustments/", {"unit": world.town_a.pk, "points": "1"})
    assert missing.status_code == 400 and "reason" in missing.json()
    zero = api.post(f"/api/v1/assessment-rankings/{feb.pk}/adjustments/",
                    {"unit": world.town_a.pk, "points": "0", "reason": "x"})
    assert zero.status_code == 400 and zero.json()["field"] == "points"


@pytest.mark.parametrize("who", ["leader", "editor_a", "viewer_a"])
def test_read_only_users_get_403_on_writes(world, rankings, api_for, who):
    feb, _ = rankings
    api = api_for(getattr(world.cast, who))
    assert api.post("/api/v1/assessment-rankings/", {"campaign": world.campaign.pk,
                                                     "period": "2023-03"}).status_code == 403
    assert api.post(f"/api/v1/assessment-rankings/{feb.pk}/adjustments/",
                    {"unit": world.town_a.pk, "points": "1", "reason": "x"}).status_code == 403
    assert not feb.adjustments.exists()


def test_anonymous_gets_401(api_for):
    for url in ("/api/v1/assessment-rankings/", "/api/v1/assessment-scores/", "/api/v1/assessment-schemes/"):
        assert api_for(None).get(url).status_code in (401, 403)


def test_units_list_published_rankings_and_their_own_scores(world, rankings, api_for):
    feb, march = rankings
    api = api_for(world.cast.editor_a)
    assert [r["label"] for r in api.get("/api/v1/assessment-rankings/").json()["results"]] == ["2023-02"]
    assert api.get(f"/api/v1/assessment-rankings/{march.pk}/").status_code == 404
    scores = api.get(f"/api/v1/assessment-scores/?ranking={march.pk}").json()["results"]
    assert [(s["unit_name"], s["rank"]) for s in scores] == [("姜山镇", None)]  # standing hidden until published
    assert scores[0]["breakdown"][0]["reason"] == "未按期完成：任务“园区”，牵头（时限2023-03-10）"
    published = api.get(f"/api/v1/assessment-scores/?ranking={feb.pk}").json()["results"]
    assert {s["unit_name"] for s in published} == {"姜山镇", "河头店镇", "发改局"}
    other = march.scores.get(unit=world.dept_b)
    assert api.get(f"/api/v1/assessment-scores/{other.pk}/").status_code == 404


def test_admins_see_nothing(world, rankings, api_for):
    api = api_for(world.cast.system_admin)
    assert api.get("/api/v1/assessment-rankings/").json()["results"] == []
    assert api.get("/api/v1/assessment-scores/").json()["results"] == []
    assert api.get("/api/v1/assessment-schemes/").json()["results"] == []


def test_table_gives_both_categories_with_change_and_gap(world, rankings, api_for):
    _, march = rankings
    table = api_for(world.cast.leader).get(f"/api/v1/assessment-rankings/{march.pk}/table/").json()
    assert [(r["unit_name"], r["rank"], r["change_text"], r["gap"]) for r in table["area"]] == [
        ("河头店镇", 1, "↑1", "0.00"), ("姜山镇", 2, "↓1", "5.00")]
    assert table["department"][0]["unit_name"] == "发改局"


def test_schemes_list_indicators_with_points_and_rules(world, rankings, api_for):
    schemes = api_for(world.cast.viewer_a).get("/api/v1/assessment-schemes/").json()["results"]
    indicators = {i["code"]: i for i in schemes[0]["indicators"]}
    assert indicators["task_overdue"]["params"] == {"lead": -5, "co": -2.5}
    assert indicators["cards"]["params"] == {"yellow": -1, "red": -2}
    assert "最后一次督查运行日" in indicators["cards"]["rule"]
