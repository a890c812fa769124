from datetime import date

import pytest

from gongjian.campaigns import services as campaign_services
from gongjian.dispatch import periods
from gongjian.dispatch.models import ReportingPeriod


@pytest.fixture
def today(settings):
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    return settings.GONGJIAN_TODAY


@pytest.fixture
def march(db, today) -> ReportingPeriod:
    return periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 15))


@pytest.fixture
def assigned_task(cast, campaign):
    task = campaign_services.task_create(actor=cast.office, campaign=campaign, title="建强姜山园区",
                                         lead_unit=cast.unit_a, co_units=[cast.unit_b], start=date(2023, 2, 1),
                                         deadline=date(2023, 12, 31), indicator="厂房面积", indicator_unit="万平方米",
                                         target_value=10)
    return campaign_services.task_assign(actor=cast.office, task=task)
