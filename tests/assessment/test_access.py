"""Who sees what: the office and leaders everything (leaders read-only); units their own breakdown and the published
tables; other units' unpublished breakdowns do not exist for them (404); administrators have no business here."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.assessment import services
from gongjian.assessment.exports import COLUMNS
from gongjian.assessment.models import Ranking
from gongjian.xlsx import read_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def rankings(world):
    """February published, March computed but not published; unit A (town) and unit B (department) both ranked."""
    world.task(world.town_a, deadline=date(2023, 3, 10), co=[world.dept_b], title="园区")
    world.task(world.town_c, deadline=date(2023, 2, 10))
    feb = services.ranking_publish(actor=world.office, ranking=world.compute("2023-02"))
    march = world.compute("2023-03")
    return feb, march


def unit_url(world, ranking, unit):
    return f"/assessment/units/{unit.pk}/?campaign={world.campaign.pk}&period={ranking.label}"


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("leader", 200), ("editor_a", 200), ("viewer_a", 200), ("outsider_b", 200),
    ("system_admin", 403), ("security_admin", 403), ("audit_admin", 403),
])
def test_league_page_by_role(world, rankings, client_for, who, status):
    assert client_for(getattr(world.cast, who)).get("/assessment/").status_code == status


def test_anonymous_is_sent_to_login(world, rankings, citizen):
    for url in ("/assessment/", unit_url(world, rankings[1], world.town_a)):
        response = citizen.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_units_see_published_tables_only(world, rankings, client_for):
    feb, march = rankings
    editor = client_for(world.cast.editor_a)
    latest = editor.get("/assessment/")
    assert latest.context["ranking"] == feb
    assert f'href="/assessment/units/{world.town_a.pk}/?campaign={world.campaign.pk}&type=month"' in \
        latest.content.decode()  # the way to the unit's own, unpublished, breakdown
    assert editor.get(f"/assessment/?campaign={world.campaign.pk}&period=2023-03").status_code == 404
    office = client_for(world.cast.office).get("/assessment/")
    assert office.context["ranking"] == march
    leader = client_for(world.cast.leader).get("/assessment/?period=2023-03")
    assert leader.status_code == 200 and leader.context["ranking"] == march


def test_a_unit_sees_its_own_unpublished_breakdown_but_not_anothers(world, rankings, client_for):
    feb, march = rankings
    editor = client_for(world.cast.editor_a)
    own = editor.get(unit_url(world, march, world.town_a))
    assert own.status_code == 200
    assert "未按期完成：任务“园区”，牵头" in own.content.decode()
    assert editor.get(unit_url(world, march, world.dept_b)).status_code == 404
    assert editor.get(unit_url(world, march, world.town_c)).status_code == 404
    assert client_for(world.cast.viewer_a).get(unit_url(world, march, world.town_a)).status_code == 200
    assert client_for(world.cast.outsider_b).get(unit_url(world, march, world.town_a)).status_code == 404


def test_published_breakdowns_are_open_to_every_unit(world, rankings, client_for):
    feb, _ = rankings
    response = client_for(world.cast.outsider_b).get(unit_url(world, feb, world.town_c))
    assert response.status_code == 200 and "未按期完成" in response.content.decode()


def test_leaders_see_every_breakdown_and_admins_none(world, rankings, client_for):
    _, march = rankings
    assert client_for(world.cast.leader).get(unit_url(world, march, world.dept_b)).status_code == 200
    assert client_for(world.cast.system_admin).get(unit_url(world, march, world.town_a)).status_code == 403


def test_unknown_units_and_periods_are_404(world, rankings, client_for):
    office = client_for(world.cast.office)
    assert office.get(f"/assessment/units/999999/?campaign={world.campaign.pk}&period=2023-03").status_code == 404
    assert office.get(unit_url(world, rankings[1], world.town_a).replace("2023-03", "2022-01")).status_code == 404
    assert office.get("/assessment/?campaign=999999").status_code == 404
    assert client_for(world.cast.editor_a).get("/assessment/?period=garbage").status_code == 404


@pytest.mark.parametrize("who", ["leader", "editor_a", "viewer_a"])
def test_read_only_users_cannot_write(world, rankings, client_for, who):
    feb, march = rankings
    client = client_for(getattr(world.cast, who))
    target = feb  # published: visible to all of them
    assert client.post("/assessment/compute/", {"campaign": world.campaign.pk, "period": "2023-03"}).status_code == 403
    assert client.post(f"/assessment/rankings/{target.pk}/publish/", {"confirm": "on"}).status_code == 403
    assert client.post(f"/assessment/rankings/{target.pk}/units/{world.town_a.pk}/adjust/",
                       {"points": "1", "reason": "理由"}).status_code == 403
    assert not target.adjustments.exists()
    march.refresh_from_db()
    assert march.state == Ranking.State.COMPUTED


def test_units_cannot_even_find_an_unpublished_ranking_to_write_to(world, rankings, client_for):
    _, march = rankings
    client = client_for(world.cast.editor_a)
    assert client.post(f"/assessment/rankings/{march.pk}/publish/", {"confirm": "on"}).status_code == 404
    assert client.post(f"/assessment/rankings/{march.pk}/units/{world.town_a.pk}/evaluate/",
                       {"reason": "x"}).status_code == 404


def test_office_publishes_with_confirmation_only(world, rankings, client_for, settings):
    _, march = rankings
    office = client_for(world.cast.office)
    office.post(f"/assessment/rankings/{march.pk}/publish/", {})
    march.refresh_from_db()
    assert march.state == Ranking.State.COMPUTED
    response = office.post(f"/assessment/rankings/{march.pk}/publish/", {"confirm": "on"}, follow=True)
    march.refresh_from_db()
    assert march.state == Ranking.State.PUBLISHED and "已发布" in response.content.decode()
    again = office.post(f"/assessment/rankings/{march.pk}/publish/", {"confirm": "on"}, follow=True)
    assert "已于" in again.content.decode()


def test_office_computes_from_the_page(world, rankings, client_for):
    office = client_for(world.cast.office)
    response = office.post("/assessment/compute/", {"campaign": world.campaign.pk, "period": "2023-q1"})
    assert response.status_code == 302 and "period=2023-Q1" in response["Location"]
    assert Ranking.objects.filter(label="2023-Q1").exists()
    refused = office.post("/assessment/compute/", {"campaign": world.campaign.pk, "period": "2023-02"}, follow=True)
    assert "已发布" in refused.content.decode()
    bad = office.post("/assessment/compute/", {"campaign": world.campaign.pk, "period": "三月"}, follow=True)
    assert "考核期格式" in bad.content.decode()


def test_bad_adjustment_is_shown_beside_the_field(world, rankings, client_for):
    feb, _ = rankings
    office = client_for(world.cast.office)
    response = office.post(f"/assessment/rankings/{feb.pk}/units/{world.town_a.pk}/adjust/",
                           {"points": "0", "reason": "复核"})
    assert response.status_code == 400
    assert response.context["adjustment_form"].errors["points"] == ["「分值」不能为0"]
    assert 'value="复核"' in response.content.decode()
    ok = office.post(f"/assessment/rankings/{feb.pk}/units/{world.town_a.pk}/adjust/",
                     {"points": "-1.5", "reason": "复核发现漏报"}, follow=True)
    assert "更正：复核发现漏报" in ok.content.decode()


def test_manual_evaluation_from_the_page(world, rankings, client_for):
    _, march = rankings
    office = client_for(world.cast.office)
    indicator = march.scheme.indicators.get(code="leader_evaluation")
    url = f"/assessment/rankings/{march.pk}/units/{world.town_a.pk}/evaluate/"
    bad = office.post(url, {"indicator": indicator.pk, "points": "9", "reason": "表现突出"})
    assert bad.status_code == 400 and "points" in bad.context["evaluation_form"].errors
    office.post(url, {"indicator": indicator.pk, "points": "3", "reason": "表现突出"})
    assert "领导评价：表现突出" in office.get(unit_url(world, march, world.town_a)).content.decode()


def test_breakdown_lines_link_to_their_sources(world, rankings, client_for):
    _, march = rankings
    task = world.campaign.tasks.get(title="园区")
    page = client_for(world.cast.office).get(unit_url(world, march, world.town_a)).content.decode()
    assert f'href="/tasks/{task.pk}/"' in page


def test_league_page_shows_both_tables_counts_and_exports(world, rankings, client_for):
    _, march = rankings
    office = client_for(world.cast.office)
    response = office.get(f"/assessment/?campaign={world.campaign.pk}&period=2023-03")
    html = response.content.decode()
    assert '共<span id="row-count">3</span>个单位' in html
    assert 'id="table-area"' in html and 'id="table-department"' in html and "计分口径" in html
    export = office.get(f"/assessment/?campaign={world.campaign.pk}&period=2023-03&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = read_table(export.content, COLUMNS, sheet="镇街、功能区")
    assert not sheet.errors
    assert [(r["rank"], r["unit"], r["total"]) for r in sheet.rows] == [
        (row.score.rank, row.score.unit.name, row.score.total) for row in response.context["tables"][0][2]]


def test_a_units_unpublished_page_hides_its_standing(world, rankings, client_for):
    feb, march = rankings
    editor = client_for(world.cast.editor_a)
    unpublished = editor.get(unit_url(world, march, world.town_a))
    assert unpublished.context["row"] is None and "发布后公布" in unpublished.content.decode()
    assert unpublished.context["trend"] == [100.0, 95.0]
    published = editor.get(unit_url(world, feb, world.town_a))
    assert published.context["row"].score.rank == 1
    assert client_for(world.cast.office).get(unit_url(world, march, world.town_a)).context["row"].score.rank == 2


def test_scheme_page_shows_the_rules_and_lets_only_the_office_change_them(world, rankings, client_for):
    scheme = rankings[0].scheme
    indicator = scheme.indicators.get(code="cards")
    url = f"/assessment/schemes/{scheme.pk}/"
    page = client_for(world.cast.viewer_a).get(url)
    assert page.status_code == 200 and "每个自然月取当月最后一次督查运行日的亮牌" in page.content.decode()
    form = {"indicator": indicator.pk, f"i{indicator.pk}-weight": "1.5", f"i{indicator.pk}-enabled": "on",
            f"i{indicator.pk}-param_yellow": "-1", f"i{indicator.pk}-param_red": "-3"}
    assert client_for(world.cast.leader).post(url, form).status_code == 403
    assert client_for(world.cast.editor_a).post(url, form).status_code == 403
    bad = client_for(world.cast.office).post(url, {**form, f"i{indicator.pk}-weight": "11"})
    assert bad.status_code == 400
    assert client_for(world.cast.office).post(url, form).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.weight, indicator.params) == (Decimal("1.5"), {"yellow": -1, "red": -3})
    assert client_for(world.cast.office).post(url, {**form, "indicator": "x"}).status_code == 404
    assert client_for(world.cast.system_admin).get(url).status_code == 403
