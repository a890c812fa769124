"""The cockpit's figures are computed once per supervision run: a second request is served from the cache in a few
queries, a new run (or a re-run of the day) replaces them, and each leader gets their own "mine" part."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.supervision.jobs import supervise
from tests.bulletins.conftest import build_march

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(cast, campaign, settings):
    return build_march(cast, campaign, settings)


def _get(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cockpit/data.json")
    assert response.status_code == 200
    return response.json(), len(queries)


def test_second_request_is_served_from_the_cache(march, client_for):
    office = client_for(march.cast.office)
    first, cold = _get(office)
    second, warm = _get(office)
    assert second == first
    assert warm < cold and warm <= 8


def test_a_rerun_of_the_day_replaces_the_cached_figures(march, client_for, settings):
    office = client_for(march.cast.office)
    before, _ = _get(office)
    task = Task.objects.get(title="建设姜山新材料产业园")
    task_services.task_transition(actor=march.cast.office, task=task, to=Task.Status.COMPLETED,
                                  on=date(2023, 3, 31))
    assert _get(office)[0] == before  # same run: the cached figures stand
    supervise(on=date(2023, 3, 31))
    after, _ = _get(office)
    assert after["tasks"]["completed"]["n"] == before["tasks"]["completed"]["n"] + 1
    assert after["colors"]["totals"]["total"]["n"] == before["colors"]["totals"]["total"]["n"] - 1


def test_the_leaders_own_part_is_not_shared(march, client_for):
    assert _get(client_for(march.cast.leader))[0]["mine"] is not None
    assert _get(client_for(march.cast.office))[0]["mine"] is None
    assert _get(client_for(march.cast.leader))[0]["mine"]["leader"] == march.cast.leader.person.display_name


def test_no_cache_when_switched_off(march, client_for, settings):
    settings.COCKPIT_CACHE_SECONDS = 0
    office = client_for(march.cast.office)
    _, cold = _get(office)
    _, again = _get(office)
    assert again >= cold - 1
