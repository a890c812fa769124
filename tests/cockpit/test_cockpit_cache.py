"""The cockpit's figures are computed once per supervision run: a second request is served from the cache in a few
queries, a new run (or a re-run of the day) replaces them, each leader gets their own "mine" part, and a browser that
holds the current document gets a 304; none of this lets anyone past the access check."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.org.models import Role
from gongjian.org.services import user_create
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


def test_a_cached_request_reads_no_figures(march, client_for):
    """Served as stored bytes: beyond the session, user, role and person lookups every page pays, one query confirms
    the campaign and reads the latest run's version; no task, card, project or blocker table is read."""
    office = client_for(march.cast.office)
    office.get("/cockpit/data.json")
    url = f"/cockpit/data.json?campaign={march.campaign.pk}"
    office.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = office.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= 5, sql
    figures = ("campaigns_task", "supervision_card", "projects_", "supervision_blocker", "campaigns_focusarea")
    assert not [s for s in sql if any(table in s for table in figures)]


def test_an_unchanged_document_answers_304_until_the_next_run(march, client_for):
    office = client_for(march.cast.office)
    first = office.get("/cockpit/data.json")
    etag = first["ETag"]
    assert etag and "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    again = office.get("/cockpit/data.json", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert office.get("/cockpit/data.json", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    task = Task.objects.get(title="建设姜山新材料产业园")
    task_services.task_transition(actor=march.cast.office, task=task, to=Task.Status.COMPLETED, on=date(2023, 3, 31))
    supervise(on=date(2023, 3, 31))
    after = office.get("/cockpit/data.json", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    assert after.json()["tasks"]["completed"]["n"] == first.json()["tasks"]["completed"]["n"] + 1


@pytest.mark.parametrize("who", ["editor_a", "viewer_a", "outsider_b", "system_admin"])
def test_a_warm_cache_and_a_valid_etag_open_nothing_to_units(march, client_for, who):
    etag = client_for(march.cast.office).get("/cockpit/data.json")["ETag"]
    outsider = client_for(getattr(march.cast, who))
    assert outsider.get("/cockpit/data.json").status_code == 403
    assert outsider.get("/cockpit/data.json", HTTP_IF_NONE_MATCH=etag).status_code == 403


def test_another_leader_gets_neither_the_figures_nor_a_304_of_the_first(march, client_for, cast):
    other = user_create(actor=None, username="vice_mayor", password=cast.password, display_name="分管工业的副市长",
                        unit=cast.leadership, roles=[Role.CITY_LEADER], is_city_leader=True)
    first = client_for(march.cast.leader).get("/cockpit/data.json")
    assert first.json()["mine"]["tasks"]["n"] > 0
    second = client_for(other).get("/cockpit/data.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert second.json()["mine"]["leader"] == "分管工业的副市长" and second.json()["mine"]["tasks"]["n"] == 0


@pytest.mark.parametrize("key", ["999", "x", "-1"])
def test_unknown_or_malformed_campaign_is_404_even_when_cached(march, client_for, key):
    office = client_for(march.cast.office)
    office.get("/cockpit/data.json")
    assert office.get(f"/cockpit/data.json?campaign={key}").status_code == 404
