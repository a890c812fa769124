from datetime import date

import pytest

from gongjian.campaigns import services
from gongjian.campaigns.models import Campaign


@pytest.fixture
def campaign(cast) -> Campaign:
    campaign = services.campaign_create(actor=cast.office, name="2023 攻坚克难年", year=2023, start=date(2023, 1, 28),
                                        end=date(2023, 12, 31))
    services.focus_area_create(actor=cast.office, campaign=campaign, title="深化双招双引")
    return campaign


@pytest.fixture
def task_a(cast, campaign):
    """A task led by unit A with unit B's sister unit as co-unit absent: unit B is an outsider."""
    return services.task_create(actor=cast.office, campaign=campaign, title="建强姜山园区", lead_unit=cast.unit_a,
                                start=date(2023, 2, 1), deadline=date(2023, 6, 30),
                                focus_area=campaign.focus_areas.first())
