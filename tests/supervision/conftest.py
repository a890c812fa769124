"""Data for the supervision pages and API tests, built with the services and one supervision run on 2023-03-31:
a red task (overdue) and a yellow task (due in two working days) led by unit A, and a green task led by unit B."""

from datetime import date

import pytest

from gongjian.campaigns import services as campaign_services
from gongjian.org.models import Role
from gongjian.org.services import user_create
from gongjian.supervision import services
from gongjian.supervision.jobs import supervise

RUN_DAY = date(2023, 3, 31)


@pytest.fixture
def sv_today(settings):
    settings.GONGJIAN_TODAY = RUN_DAY
    return RUN_DAY


@pytest.fixture
def sv_vice_mayor(cast):
    """A city leader who leads tasks (the cast's leader reads everything but leads none)."""
    return user_create(actor=None, username="sv_vice_mayor", password=cast.password, display_name="分管工业的副市长",
                       unit=cast.leadership, roles=[Role.CITY_LEADER], is_city_leader=True)


def _assigned(cast, campaign, **fields):
    task = campaign_services.task_create(actor=cast.office, campaign=campaign, **fields)
    return campaign_services.task_assign(actor=cast.office, task=task)


@pytest.fixture
def red_card_task(cast, campaign, sv_today, sv_vice_mayor):
    """Led by unit A, deadline 2023-03-20 passed: red on 2023-03-31."""
    return _assigned(cast, campaign, title="建成姜山污水管网", lead_unit=cast.unit_a, start=date(2023, 2, 1),
                     deadline=date(2023, 3, 20), focus_area=campaign.focus_areas.first(),
                     lead_leader=sv_vice_mayor.person)


@pytest.fixture
def yellow_card_task(cast, campaign, sv_today):
    """Led by unit A with unit B helping, due 2023-04-04 (two working days on): yellow on 2023-03-31."""
    return _assigned(cast, campaign, title="姜山园区招商推介", lead_unit=cast.unit_a, co_units=[cast.unit_b],
                     start=RUN_DAY, deadline=date(2023, 4, 4))


@pytest.fixture
def green_card_task(cast, campaign, sv_today):
    """Led by unit B, just started, far from its deadline: green on 2023-03-31."""
    return _assigned(cast, campaign, title="发改局项目储备", lead_unit=cast.unit_b, start=date(2023, 3, 27),
                     deadline=date(2023, 12, 29), focus_area=campaign.focus_areas.first())


@pytest.fixture
def sv_run(red_card_task, yellow_card_task, green_card_task):
    """The three tasks after the daily run of 2023-03-31."""
    supervise(on=RUN_DAY)
    return {"red": red_card_task, "yellow": yellow_card_task, "green": green_card_task}


@pytest.fixture
def sv_land_blocker(cast, yellow_card_task):
    """Raised by unit A's editor on the yellow task; unit B (发改局) must clear it."""
    return services.blocker_raise(actor=cast.editor_a, task=yellow_card_task, category="land",
                                  description="园区用地指标未落实", responsible_unit=cast.unit_b)


@pytest.fixture
def sv_urge_notice(sv_run):
    """The urge notice the run issued to unit A for the red task."""
    return sv_run["red"].notices.get(kind="urge")


@pytest.fixture
def sv_interview_notice(cast, red_card_task):
    return services.notice_issue(actor=cast.office, task=red_card_task, kind="interview", reason="连续三期红牌，约谈")
