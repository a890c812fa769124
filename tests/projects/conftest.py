from datetime import date
from decimal import Decimal

import pytest

from gongjian.campaigns import services as task_services
from gongjian.dispatch import periods
from gongjian.dispatch.models import ReportingPeriod
from gongjian.org.models import Unit
from gongjian.projects import services

WAN = Decimal("10000")


@pytest.fixture
def today(settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    return settings.GONGJIAN_TODAY


@pytest.fixture
def town_a(cast):
    return cast.unit_a


@pytest.fixture
def make_project(cast, campaign, today):
    """An assigned project led by unit A, in unit A's town, with a flat monthly plan (100万元 a month)."""

    def make(title="姜山新材料产业园标准厂房", *, total=Decimal("60000000"), plan=None, assign=True, **fields):
        fields.setdefault("planned_start", date(2023, 2, 1))
        fields.setdefault("planned_completion", date(2023, 12, 31))
        fields.setdefault("town", cast.unit_a)
        fields.setdefault("total_investment", total)
        project = services.project_create(actor=cast.office, campaign=campaign, title=title, lead_unit=cast.unit_a,
                                          focus_area=campaign.focus_areas.first(), **fields)
        if plan is not False:
            services.project_plan_set(actor=cast.office, project=project, year=2023,
                                      investment=plan or [100 * WAN] * 12)
        if assign:
            task_services.task_assign(actor=cast.office, task=project)
            project.refresh_from_db()
        return project

    return make


@pytest.fixture
def month(today):
    def get(m: int) -> ReportingPeriod:
        return periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, m, 15))

    return get


@pytest.fixture
def other_town(db):
    return Unit.objects.create(name="院上镇", kind=Unit.Kind.TOWN)
