"""The projects section: count, investment against the year's plan and time progress, starts, 纳统 and lagging
projects, checked against the projects' own rows; the cockpit's investment chart reads the same numbers."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.bulletins import documents, selectors
from gongjian.campaigns import services as task_services
from gongjian.cockpit.selectors import cockpit_data
from gongjian.dispatch import periods
from gongjian.dispatch import services as dispatch_services
from gongjian.dispatch.models import ReportingPeriod
from gongjian.projects import services
from gongjian.supervision.jobs import supervise

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")


def _month(m: int) -> ReportingPeriod:
    return periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, m, 15))


def _project(cast, campaign, title, *, total_wan, plan_wan, start, actual_start=None, stats="pending"):
    project = services.project_create(actor=cast.office, campaign=campaign, title=title, lead_unit=cast.unit_a,
                                      town=cast.unit_a, focus_area=campaign.focus_areas.first(),
                                      planned_start=start, planned_completion=date(2023, 12, 31),
                                      total_investment=total_wan * WAN, actual_start=actual_start)
    services.project_plan_set(actor=cast.office, project=project, year=2023, investment=[plan_wan * WAN] * 12)
    task_services.task_assign(actor=cast.office, task=project)
    project.refresh_from_db()
    if stats == "in_stats":
        services.project_stats_set(actor=cast.office, project=project, status="in_stats", basis="main_works",
                                   on=actual_start)
        project.refresh_from_db()
    return project


def _approve(cast, project, m, invested_wan):
    report = services.project_dispatch_save(actor=cast.editor_a, project=project, period=_month(m), submit=True,
                                            report_fields={"work_done": "按计划推进"},
                                            figures={"invested": Decimal(invested_wan) * WAN})
    dispatch_services.report_approve(actor=cast.office, report=report)


@pytest.fixture
def projects(cast, campaign, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 20)
    fast = _project(cast, campaign, "新材料产业园标准厂房", total_wan=6000, plan_wan=100, start=date(2023, 1, 10),
                    actual_start=date(2023, 1, 15), stats="in_stats")
    slow = _project(cast, campaign, "汽车零部件项目", total_wan=3000, plan_wan=50, start=date(2023, 2, 1),
                    actual_start=date(2023, 3, 6))
    idle = _project(cast, campaign, "冷链物流园", total_wan=2000, plan_wan=20, start=date(2023, 1, 5))
    for m, amount in ((1, 100), (2, 140)):
        _approve(cast, fast, m, amount)
    _approve(cast, slow, 1, 10)
    _approve(cast, slow, 2, 10)
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    supervise(on=date(2023, 3, 31))
    return fast, slow, idle


def test_investment_against_plan_and_time_progress(projects):
    p = selectors.month_figures(projects[0].campaign, "2023-03")["projects"]
    assert p["count"] == 3 and p["total_investment"] == "11000.00"
    assert p["year_plan"] == str(Decimal(170 * 12)) + ".00"
    # Measured at February, the last month reported (March's reports are not due yet on March 31).
    assert (p["measured_month"], p["months_text"]) == (2, "1—2月")
    assert p["year_to_date"] == "260.00"  # 100 + 140 + 10 + 10
    assert p["completion"] == "12.7" and p["time_progress"] == "16.7"  # 260 / 2040; 340 / 2040
    assert p["phrase"] == "低于时间进度3.9个百分点"


def test_starts_and_stats(projects):
    p = selectors.month_figures(projects[0].campaign, "2023-03")["projects"]
    assert (p["start_due"], p["started"], p["start_rate"]) == (3, 2, "66.7")
    assert (p["new_starts_year"], p["new_starts_month"]) == (2, 1)
    assert (p["stats_due"], p["in_stats"]) == (2, 1)
    assert {s["status"]: s["count"] for s in p["stats"]}["in_stats"] == 1


def test_lagging_projects_carry_the_project_rules_reasons(projects):
    p = selectors.month_figures(projects[0].campaign, "2023-03")["projects"]
    lagging = {r["title"]: r["reasons"] for r in p["lagging"]}
    assert "冷链物流园" in lagging and "未开工" in lagging["冷链物流园"]
    assert "汽车零部件项目" in lagging and "低于时间进度" in lagging["汽车零部件项目"]
    assert "新材料产业园标准厂房" not in lagging


def test_the_document_states_the_projects_section(projects):
    figures = selectors.month_figures(projects[0].campaign, "2023-03")
    assert list(selectors.sections(figures))[1] == "projects"
    text = documents.projects_text(figures["projects"])
    assert "1—2月累计完成投资260.00万元，占年度计划的12.7%，低于时间进度3.9个百分点" in text
    assert "开工率66.7%" in text


def test_cockpit_investment_matches_the_bulletin(projects, cast):
    inv = cockpit_data(cast.office, projects[0].campaign, date(2023, 3, 31))["investment"]
    p = selectors.month_figures(projects[0].campaign, "2023-03")["projects"]
    assert (inv["year_to_date"], inv["completion"], inv["phrase"]) == (p["year_to_date"], p["completion"], p["phrase"])
    assert inv["projects"]["n"] == 3
    assert inv["cumulative_plan"][:2] == ["170.00", "340.00"] and inv["cumulative_actual"] == ["110.00", "260.00"]


def test_cockpit_project_count_equals_the_project_list(projects, cast, client_for):
    client = client_for(cast.office)
    inv = client.get("/cockpit/data.json").json()["investment"]
    assert client.get(inv["projects"]["url"]).context["count"] == inv["projects"]["n"] == 3
