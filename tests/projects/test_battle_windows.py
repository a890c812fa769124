"""The battle map's JSON in windows: `offset`/`limit` pick rows in display order (grouped as the page groups them),
every window carries the total and the same timeline span, each window has its own ETag and cached gzip, bad
parameters are a 400 naming the parameter, and a unit user's windows never hold another unit's rows."""

import gzip
import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongjian.campaigns import services as task_services
from gongjian.projects import battle, services
from tests.projects.test_battle import URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(make_project, cast, campaign, other_town):
    """Six projects led by unit A (three in each town) and four led by unit B, starting on different days, with a
    milestone each, so a window of three cuts through groups."""
    a_ids, b_ids = [], []
    for i in range(6):
        project = make_project(f"甲单位项目{i}", plan=False, town=cast.unit_a if i % 2 else other_town,
                               planned_start=date(2023, 2, 1) + timedelta(days=9 * (5 - i)))
        task_services.milestone_create(actor=cast.office, task=project, title=f"节点甲{i}",
                                       planned_date=date(2023, 6, 1) + timedelta(days=i))
        a_ids.append(project.pk)
    for i in range(4):
        project = services.project_create(
            actor=cast.office, campaign=campaign, title=f"乙单位项目{i}", lead_unit=cast.unit_b,
            focus_area=campaign.focus_areas.first(), town=other_town, total_investment=10_000_000,
            planned_start=date(2023, 1, 10) + timedelta(days=i), planned_completion=date(2024, 3, 31))
        task_services.task_assign(actor=cast.office, task=project)
        task_services.milestone_create(actor=cast.office, task=project, title="乙单位节点",
                                       planned_date=date(2022, 11, 1))
        b_ids.append(project.pk)
    return a_ids, b_ids


def _get(client, query, **headers):
    return client.get(f"{URL}?{query}", **headers)


def _window(client, query) -> dict:
    response = _get(client, query)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def _all_windows(client, query, limit) -> list[dict]:
    windows, offset = [], 0
    while True:
        window = _window(client, f"{query}&offset={offset}&limit={limit}")
        windows.append(window)
        offset += len(window["rows"])
        if not window["rows"] or offset >= window["total"]:
            return windows


def test_windows_cover_all_rows_once_in_the_order_of_the_whole(many, cast, client_for, today):
    client = client_for(cast.office)
    whole = _window(client, "group=town")
    windows = _all_windows(client, "group=town", 3)
    assert [len(w["rows"]) for w in windows] == [3, 3, 3, 1]
    assert {w["total"] for w in windows} == {10} and [w["offset"] for w in windows] == [0, 3, 6, 9]
    paged = [r[0] for w in windows for r in w["rows"]]
    assert paged == [r[0] for r in whole["rows"]] and len(set(paged)) == 10
    # grouped as the page groups: town by town in the towns' order, each group's rows by start
    col = {f: i for i, f in enumerate(whole["fields"])}
    towns = [r[col["town"]] for r in whole["rows"]]
    assert towns == sorted(towns) and len(set(towns)) == 2
    for town in set(towns):
        starts = [r[col["start"]] for r in whole["rows"] if r[col["town"]] == town]
        assert starts == sorted(starts)
    assert _window(client, "group=town&offset=10&limit=3")["rows"] == []


def test_every_window_has_the_same_span_and_dicts_but_its_own_milestones(many, cast, client_for, today):
    windows = _all_windows(client_for(cast.office), "group=unit", 3)
    whole = _window(client_for(cast.office), "group=unit")
    assert {tuple(w["span"]) for w in windows} == {tuple(whole["span"])}
    # the B projects' milestone (2022-11-01) lies before every bar and widens every window's span
    assert whole["span"][0] == (date(2022, 11, 1) - date(2023, 1, 1)).days
    for key in ("unit", "leader", "town", "chain", "kind"):
        assert all(w["dict"][key] == whole["dict"][key] for w in windows), key
    col = {f: i for i, f in enumerate(whole["fields"])}
    units = [r[col["unit"]] for w in windows for r in w["rows"]]
    assert units == sorted(units)
    for w in windows:
        for row in w["rows"]:
            titles = {w["dict"]["milestone"][m[3]] for m in row[col["milestones"]]}
            assert titles == ({"乙单位节点"} if row[1].startswith("乙") else {f"节点甲{row[1][-1]}"})


def test_ungrouped_windows_follow_start_then_id(many, cast, client_for, today):
    windows = _all_windows(client_for(cast.office), "group=", 4)
    col = {f: i for i, f in enumerate(windows[0]["fields"])}
    keys = [(r[col["start"]], r[0]) for w in windows for r in w["rows"]]
    assert keys == sorted(keys) and len(keys) == 10


def test_each_window_has_its_own_etag_304_and_gzip(many, cast, client_for, today):
    client = client_for(cast.office)
    first = _get(client, "offset=0&limit=3")
    middle = _get(client, "offset=3&limit=3")
    assert first["ETag"] != middle["ETag"]
    again = _get(client, "offset=3&limit=3", HTTP_IF_NONE_MATCH=middle["ETag"])
    assert again.status_code == 304 and again.content == b""
    zipped = _get(client, "offset=3&limit=3", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and gzip.decompress(zipped.content) == middle.content
    project = battle.Project.objects.get(pk=json.loads(middle.content)["rows"][0][0])
    task_services.milestone_create(actor=cast.office, task=project, title="新增节点", planned_date=date(2023, 8, 8))
    after = _get(client, "offset=3&limit=3", HTTP_IF_NONE_MATCH=middle["ETag"])
    assert after.status_code == 200 and after["ETag"] != middle["ETag"]
    assert "新增节点" in json.loads(after.content)["dict"]["milestone"]


@pytest.mark.parametrize(("query", "field", "label"), [
    ("offset=-1", "offset", "起始行"), (f"offset={battle.OFFSET_MAX + 1}", "offset", "起始行"),
    ("offset=abc", "offset", "起始行"), ("offset=1.5", "offset", "起始行"), ("limit=0", "limit", "每次行数"),
    ("limit=-3", "limit", "每次行数"), (f"limit={battle.PAGE_MAX + 1}", "limit", "每次行数"),
    ("limit=十", "limit", "每次行数"),
])
def test_bad_window_is_400_naming_the_parameter(many, cast, client_for, query, field, label, today):
    response = _get(client_for(cast.office), query)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and label in body["detail"]


@pytest.mark.parametrize("field", ["offset", "limit"])
def test_a_window_beyond_64_bits_is_400_naming_the_parameter(cast, field, today):
    # Refused before the view by the site-wide integer guard (forms_util.IntegerRangeMiddleware), as a 400 page.
    client = Client(raise_request_exception=False)
    client.force_login(cast.office)
    response = client.get(f"{URL}?{field}={2 ** 63}")
    assert response.status_code == 400 and f"参数“{field}”超出范围" in response.content.decode()


def test_a_window_costs_a_fixed_number_of_queries(many, cast, client_for, today, django_assert_max_num_queries):
    client = client_for(cast.office)
    with django_assert_max_num_queries(13):
        assert _get(client, "kind=all&offset=3&limit=3").status_code == 200


def test_unit_users_windows_hold_only_their_units_rows(many, cast, client_for, today):
    a_ids, b_ids = many
    for user, mine, theirs, unit in ((cast.viewer_a, a_ids, b_ids, "发改局"), (cast.outsider_b, b_ids, a_ids, "姜山镇")):
        windows = _all_windows(client_for(user), "group=town", 2)
        seen = [r[0] for w in windows for r in w["rows"]]
        assert sorted(seen) == sorted(mine) and not set(seen) & set(theirs)
        assert {w["total"] for w in windows} == {len(mine)}
        assert all(unit not in w["dict"]["unit"] for w in windows)


def test_anonymous_window_is_refused(citizen):
    response = citizen.get(f"{URL}?offset=0&limit=10")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_progress_page_names_its_window_sizes(cast, client_for, today):
    page = client_for(cast.office).get("/battle/progress/").content.decode()
    assert f'data-first="{battle.PAGE_FIRST}"' in page and f'data-page="{battle.PAGE_MAX}"' in page
    assert 'id="gantt-loading"' in page


def test_bench_server_build_times_the_first_window_and_every_window(many, cast, monkeypatch, today):
    from django.contrib.auth import get_user_model

    from gongjian.bench import gantt_e2e
    from gongjian.bench.registry import Context
    from gongjian.bench.scale import Scale

    get_user_model().objects.filter(pk=cast.office.pk).update(username="bench000office")
    monkeypatch.setattr(battle, "PAGE_FIRST", 3)
    monkeypatch.setattr(battle, "PAGE_MAX", 4)
    ctx = Context(scale=Scale("tiny", blocks=1, tasks=1, projects=10, tickets=0), seed=7, today=today)
    result = gantt_e2e.server_build(ctx)
    assert result["server_rows"] == 10
    assert 0 < result["server_first_window_seconds"] <= result["server_all_windows_seconds"]
    assert result["first_window_bytes"] < result["json_bytes"]


def test_later_windows_reuse_the_rows_and_a_write_renews_them(many, cast, client_for, today):
    client = client_for(cast.office)
    with CaptureQueriesContext(connection) as cold:
        first = _window(client, "offset=0&limit=3")
    with CaptureQueriesContext(connection) as warm:
        second = _window(client, "offset=3&limit=3")
    # the later window reads only the viewer, the data version and its own milestones
    assert len(warm) <= len(cold) - 5
    assert {r[0] for r in first["rows"]}.isdisjoint(r[0] for r in second["rows"])
    project = battle.Project.objects.get(pk=second["rows"][0][0])
    services.project_update(actor=cast.office, project=project, title="改名后的项目")
    renamed = _window(client, "offset=3&limit=3")
    assert renamed["rows"][0][1] == "改名后的项目"
