"""The cockpit: one JSON document whose every count links to a list showing exactly that many rows, in a bounded
number of queries; office and city leaders only."""

from datetime import date

import pytest

from gongjian.bulletins import selectors as bulletin_selectors
from gongjian.campaigns import services as task_services
from gongjian.cockpit.selectors import cockpit_data
from tests.bulletins.conftest import build_march

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(cast, campaign, settings):
    return build_march(cast, campaign, settings)


def _links(node, path=""):
    if isinstance(node, dict):
        if set(node) == {"n", "url"}:
            yield path, node
            return
        for key, value in node.items():
            yield from _links(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _links(value, f"{path}[{i}]")


def test_every_number_equals_the_rows_of_its_list(march, client_for):
    leader = client_for(march.cast.leader)
    data = leader.get("/cockpit/data.json").json()
    links = list(_links(data))
    assert len(links) > 30
    checked = 0
    for path, link in links:
        response = leader.get(link["url"])
        assert response.status_code == 200, (path, link["url"])
        assert response.context["count"] == link["n"], (path, link["url"])
        checked += link["n"] > 0
    assert checked >= 10  # not all zeros


def test_colours_by_area_and_town_add_up(march, client_for):
    data = client_for(march.cast.office).get("/cockpit/data.json").json()
    colors = data["colors"]
    assert colors["date"] == "2023-03-31"
    for c in ("red", "yellow", "green"):
        assert sum(a[c]["n"] for a in colors["by_area"]) == colors["totals"][c]["n"]
    assert [a["name"] for a in colors["by_area"]] == ["深化双招双引", "优化营商环境", "未分重点方向"]
    assert {t["name"] for t in colors["by_town"]} == {"姜山镇", "河头店镇"}  # departments are not towns


def test_cockpit_and_bulletin_agree(march, client_for):
    data = client_for(march.cast.office).get("/cockpit/data.json").json()
    figures = bulletin_selectors.month_figures(march.campaign, "2023-03")
    assert {c: data["colors"]["totals"][c]["n"] for c in ("red", "yellow", "green")} == {
        c: figures["colors"][c] for c in ("red", "yellow", "green")}
    assert data["tasks"]["total"]["n"] == figures["tasks"]["total"]
    assert data["tasks"]["completed"]["n"] == figures["tasks"]["completed"]
    assert data["overdue"]["count"]["n"] == figures["tasks"]["overdue"]
    by_area = {a["name"]: a["red"]["n"] for a in data["colors"]["by_area"]}
    assert by_area == {a["title"]: a["red"] for a in figures["areas"]}


def test_trend_has_each_months_last_run(march, client_for):
    trend = client_for(march.cast.office).get("/cockpit/data.json").json()["trend"]
    assert [(t["month"], t["date"]) for t in trend] == [("2023-02", "2023-02-28"), ("2023-03", "2023-03-31")]


def test_top_overdue_items_link_to_their_tasks(march, client_for):
    overdue = client_for(march.cast.office).get("/cockpit/data.json").json()["overdue"]
    assert [(i["title"], i["url"], i["color"]) for i in overdue["items"]] == [
        ("建设姜山新材料产业园", f"/tasks/{march.overdue.pk}/", "red")]
    assert overdue["items"][0]["late_workdays"] == 15


def test_my_tasks_are_the_leaders_own(march, client_for):
    mine = client_for(march.cast.leader).get("/cockpit/data.json").json()["mine"]
    assert mine["leader"] == "常务副市长"
    assert mine["tasks"]["n"] == 3 and mine["open"]["n"] == 3
    assert [i["title"] for i in mine["items"]][0] == "建设姜山新材料产业园"  # red first
    assert client_for(march.cast.office).get("/cockpit/data.json").json()["mine"] is None


def test_query_count_does_not_grow_with_the_data(march, cast, django_assert_max_num_queries, settings):
    from gongjian.supervision.jobs import supervise

    def measure():
        with django_assert_max_num_queries(20) as ctx:
            cockpit_data(cast.leader, march.campaign, date(2023, 3, 31))
        return len(ctx.captured_queries)

    few = measure()
    for n in range(40):
        task = task_services.task_create(actor=cast.office, campaign=march.campaign, title=f"新增任务{n}",
                                         lead_unit=march.town_c if n % 2 else cast.unit_a, start=date(2023, 2, 1),
                                         deadline=date(2023, 3, 1 + n % 20), lead_leader=cast.leader.person)
        task_services.task_assign(actor=cast.office, task=task)
    supervise(on=date(2023, 3, 31))
    assert measure() == few


@pytest.mark.parametrize("who", ["editor_a", "viewer_a", "outsider_b", "system_admin", "audit_admin"])
def test_units_and_admins_are_refused(march, client_for, who):
    client = client_for(getattr(march.cast, who))
    assert client.get("/cockpit/").status_code == 403
    assert client.get("/cockpit/data.json").status_code == 403


def test_anonymous_is_sent_to_login(citizen, db):
    assert citizen.get("/cockpit/data.json").status_code == 302


def test_page_loads_echarts_and_the_one_endpoint(march, client_for):
    response = client_for(march.cast.leader).get("/cockpit/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "vendor/echarts/echarts.min.js" in body and "cockpit/cockpit.js" in body
    assert f'data-url="/cockpit/data.json?campaign={march.campaign.pk}"' in body
    assert 'name="viewport"' in body


def test_unknown_campaign_is_404(march, client_for):
    assert client_for(march.cast.office).get("/cockpit/data.json?campaign=999").status_code == 404


def test_no_campaign_yet(cast, client_for):
    assert client_for(cast.office).get("/cockpit/data.json").json() == {"campaign": None}
    assert client_for(cast.office).get("/cockpit/").status_code == 200
