"""The ticket 三率 and the project indicators (投资完成对序时进度、开工率、纳统率): docs/rules.md §5."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.assessment import registry, scoring, services
from gongjian.campaigns import services as task_services
from gongjian.dispatch import periods as reporting
from gongjian.dispatch import services as dispatch_services
from gongjian.dispatch.models import ReportingPeriod
from gongjian.frontline import services as tickets
from gongjian.projects import services as projects
from gongjian.projects.models import Project

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")
D = Decimal


def _lines(world, ranking, unit, code):
    return world.lines(ranking, unit, code)


# ---------------------------------------------------------------- tickets


@pytest.fixture
def help_category(world):
    return tickets.category_save(actor=world.office, code="help", name="求助", kind="help")


@pytest.fixture
def ticket_life(world, settings, help_category):
    def life(unit, *, sign_on: date | None, resolved: bool | None = None, satisfaction: str = "",
             text="姜山镇前垛埠村路灯不亮已经9天了，晚上出门黑漆漆的"):
        settings.GONGJIAN_TODAY = date(2023, 3, 1)
        ticket = tickets.ticket_create(actor=None, category=help_category, text=text, source="web",
                                       town=world.town_a, contact_name="张三丰", contact_phone="13812345678")
        ticket = tickets.ticket_assign(actor=world.office, ticket=ticket, unit=unit)
        if sign_on is not None:
            settings.GONGJIAN_TODAY = sign_on
            editor = world.cast.editor_a
            tickets.ticket_sign(actor=editor, ticket=ticket)
            tickets.ticket_reply(actor=editor, ticket=ticket, reply="已办理")
            if resolved is not None:
                tickets.ticket_visit(actor=world.office, ticket=ticket, resolved=resolved, satisfaction=satisfaction)
        settings.GONGJIAN_TODAY = date(2023, 4, 20)
        return ticket

    return life


@pytest.fixture
def three_tickets(world, ticket_life):
    world.task(world.town_a, deadline=date(2023, 12, 29))
    world.task(world.town_c, deadline=date(2023, 12, 29))
    ticket_life(world.town_a, sign_on=date(2023, 3, 2), resolved=True, satisfaction="satisfied")
    ticket_life(world.town_a, sign_on=date(2023, 3, 2), resolved=True, satisfaction="basic")
    ticket_life(world.town_a, sign_on=date(2023, 3, 6), resolved=False, satisfaction="unsatisfied")  # signed late
    ticket_life(world.town_a, sign_on=date(2023, 3, 2))  # replied, not yet visited: nothing to rate


def test_ticket_rates_score_by_the_curve(world, three_tickets):
    ranking = world.compute("2023-03")
    # The full 2 points are inside the base of 100: a unit loses what the curve leaves it short of.
    assert _lines(world, ranking, world.town_a, "ticket_response_rate") == [
        (D("-0.50"), "工单响应率75.0%（按时签收/派单3/4）")]
    assert _lines(world, ranking, world.town_a, "ticket_resolution_rate") == [
        (D("-0.67"), "工单解决率66.7%（已解决/回访2/3）")]
    # 2 of 3 rated visits satisfied: 66.7 % is under the floor of 80 %, so the whole score is lost.
    assert _lines(world, ranking, world.town_a, "ticket_satisfaction_rate") == [
        (D("-2.00"), "工单满意率66.7%（满意和基本满意/参评2/3）")]
    # A unit that was sent no ticket has nothing to be judged on: no line.
    assert world.lines(ranking, world.town_c) == []


def test_perfect_rates_cost_nothing(world, ticket_life):
    world.task(world.town_a, deadline=date(2023, 12, 29))
    ticket_life(world.town_a, sign_on=date(2023, 3, 2), resolved=True, satisfaction="basic")
    ranking = world.compute("2023-03")
    assert [line for line in world.lines(ranking, world.town_a) if "工单" in line[1]] == []
    assert world.score(ranking, world.town_a).total == 100


def test_the_office_moves_the_floor_on_the_scheme(world, three_tickets):
    scheme = services.scheme_for(actor=world.office, campaign=world.campaign, period_type="month")
    services.indicator_update(actor=world.office, indicator=scheme.indicators.get(code="ticket_satisfaction_rate"),
                              params={"score": 3, "floor": 50})
    ranking = world.compute("2023-03")
    assert _lines(world, ranking, world.town_a, "ticket_satisfaction_rate") == [
        (D("-1.00"), "工单满意率66.7%（满意和基本满意/参评2/3）")]


def test_tickets_outside_the_period_do_not_count(world, three_tickets):
    ranking = world.compute("2023-04")
    assert _lines(world, ranking, world.town_a, "ticket_response_rate") == []


def test_a_quarter_counts_every_month_so_far(world, three_tickets):
    ranking = world.compute("2023-Q1", "quarter")
    assert _lines(world, ranking, world.town_a, "ticket_response_rate")[0][0] == D("-0.50")


def test_breakdown_links_the_units_tickets_for_those_who_may_open_them(world, three_tickets, client_for):
    ranking = world.compute("2023-03")
    url = f"/assessment/units/{world.town_a.pk}/?campaign={world.campaign.pk}&period={ranking.label}"
    link = f'href="/tickets/?unit={world.town_a.pk}"'
    office_page = client_for(world.office).get(url).content.decode()
    assert "工单响应率75.0%" in office_page and link in office_page
    assert client_for(world.office).get(f"/tickets/?unit={world.town_a.pk}").status_code == 200
    services.ranking_publish(actor=world.office, ranking=ranking)
    own = client_for(world.cast.editor_a).get(url).content.decode()
    assert "工单响应率75.0%" in own and link in own


# ---------------------------------------------------------------- projects


@pytest.fixture
def make_project(world):
    def make(title, *, total=60000000, planned_start=date(2023, 2, 1), actual_start=None, plan=True, **fields):
        project = projects.project_create(
            actor=world.office, campaign=world.campaign, title=title, lead_unit=world.town_a,
            planned_start=planned_start, planned_completion=date(2023, 12, 31), town=world.town_a,
            total_investment=Decimal(total), actual_start=actual_start, **fields)
        if plan:
            projects.project_plan_set(actor=world.office, project=project, year=2023, investment=[100 * WAN] * 12)
        task_services.task_assign(actor=world.office, task=project)
        return Project.objects.get(pk=project.pk)

    return make


def _figures(world, project, month: int, invested_wan: int):
    period = reporting.period_for(ReportingPeriod.Kind.MONTH, date(2023, month, 15))
    report = projects.project_dispatch_save(
        actor=world.cast.editor_a, project=project, period=period, submit=True, report_fields={"work_done": "推进"},
        figures={"invested": Decimal(invested_wan) * WAN, "gov_funds_paid": Decimal(0)})
    dispatch_services.report_approve(actor=world.office, report=report)


@pytest.fixture
def portfolio(world, make_project):
    behind = make_project("姜山新材料产业园", actual_start=date(2023, 2, 10))
    ahead = make_project("姜山冷链物流园", actual_start=date(2023, 2, 20))
    waiting = make_project("姜山污水处理厂", planned_start=date(2023, 3, 15), plan=False)
    make_project("姜山学校", planned_start=date(2023, 5, 1), plan=False)  # planned after the period: not counted
    small = make_project("姜山口袋公园", total=3000000, actual_start=date(2023, 1, 5), plan=False,
                         planned_start=date(2023, 1, 5))
    _figures(world, behind, 1, 80)
    _figures(world, behind, 2, 100)
    _figures(world, ahead, 1, 150)
    _figures(world, ahead, 2, 150)
    Project.objects.filter(pk=behind.pk).update(stats_status=Project.StatsStatus.IN_STATS, stats_on=date(2023, 3, 10))
    return behind, ahead, waiting, small


def test_investment_against_time_progress_caps_each_project_at_its_plan(world, portfolio):
    ranking = world.compute("2023-03")
    # Plans to February: 200万 each. 180万 + min(300万, 200万) of 400万 = 95 %: 5 % of 3 points lost, all of it on
    # the project behind; the one ahead neither costs nor makes up for it.
    assert _lines(world, ranking, world.town_a, "project_investment") == [
        (D("-0.15"), "投资完成：项目“姜山新材料产业园”至2月完成180.00万元，序时计划200.00万元，完成序时进度的90.0%"),
    ]


def test_start_rate_counts_new_projects_planned_by_the_period_end(world, portfolio):
    ranking = world.compute("2023-03")
    # 姜山口袋公园 started in January, 新材料 and 冷链 in February; 污水处理厂 (planned 03-15) has not: 3 of 4.
    assert _lines(world, ranking, world.town_a, "project_start_rate") == [
        (D("-0.50"), "未开工：项目“姜山污水处理厂”（计划3月15日开工；3/4，75.0%）")]


def test_stats_rate_counts_started_projects_of_the_threshold_after_the_grace_month(world, portfolio, make_project):
    make_project("姜山光伏电站", actual_start=date(2023, 3, 20), plan=False)  # started under a month ago
    ranking = world.compute("2023-03")
    assert _lines(world, ranking, world.town_a, "project_stats_rate") == [
        (D("-1.00"), "未纳统：项目“姜山冷链物流园”（2月20日开工，待入库；1/2，50.0%）")]


def test_no_projects_no_lines(world):
    world.task(world.town_a, deadline=date(2023, 12, 29))
    ranking = world.compute("2023-03")
    assert [line for line in world.lines(ranking, world.town_a) if "项目" in line[1]] == []


def test_breakdown_links_the_project(world, portfolio, client_for):
    behind = portfolio[0]  # behind 序时进度
    ranking = world.compute("2023-03")
    url = f"/assessment/units/{world.town_a.pk}/?campaign={world.campaign.pk}&period={ranking.label}"
    page = client_for(world.office).get(url).content.decode()
    assert f'href="/projects/{behind.pk}/"' in page and "姜山新材料产业园" in page
    assert client_for(world.office).get(f"/projects/{behind.pk}/").status_code == 200


# ---------------------------------------------------------------- bulk queries


def _queries(world, code: str) -> int:
    scheme = services.scheme_for(actor=world.office, campaign=world.campaign, period_type="month")
    period = scoring.period_of(scheme, "2023-03", date(2023, 4, 20))
    spec = registry.specs()[code]
    units = scoring.scored_units(world.campaign.pk)
    with CaptureQueriesContext(connection) as ctx:
        list(spec.compute(period, {u: c for u, (_, c) in units.items()}, dict(spec.defaults)))
    return len(ctx.captured_queries)


@pytest.mark.parametrize("code", ["project_investment", "project_start_rate", "project_stats_rate"])
def test_project_indicators_query_count_does_not_grow_with_projects(world, make_project, code):
    make_project("项目0", actual_start=date(2023, 2, 10))
    _queries(world, code)  # the working-day calendar and the scheme load once
    few = _queries(world, code)
    for i in range(1, 8):
        make_project(f"项目{i}", actual_start=date(2023, 2, 10))
    assert _queries(world, code) == few <= 6


@pytest.mark.parametrize("code", ["ticket_response_rate", "ticket_resolution_rate", "ticket_satisfaction_rate"])
def test_ticket_indicators_query_count_does_not_grow_with_tickets(world, ticket_life, code):
    world.task(world.town_a, deadline=date(2023, 12, 29))
    world.task(world.town_c, deadline=date(2023, 12, 29))
    ticket_life(world.town_a, sign_on=date(2023, 3, 2), resolved=True, satisfaction="satisfied")
    _queries(world, code)
    few = _queries(world, code)
    for _ in range(5):
        ticket_life(world.town_a, sign_on=date(2023, 3, 2), resolved=True, satisfaction="satisfied")
    assert _queries(world, code) == few <= 2
