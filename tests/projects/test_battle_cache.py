"""The battle map's JSON is built once per data version: an unchanged chart answers 304 to its ETag, a write through a
service (which records an audit event) changes the ETag, each viewer and each filter has its own, and the gzipped
body is served from the cache without rebuilding."""

import gzip
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.campaigns import services as task_services
from tests.projects.test_battle import URL, projects  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_unchanged_data_answers_304(projects, cast, client_for, today):  # noqa: F811
    client = client_for(cast.office)
    first = client.get(URL)
    assert first.status_code == 200 and first["ETag"].startswith('"g')
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert client.get(URL, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_a_write_changes_the_etag_and_the_data(projects, cast, client_for, today):  # noqa: F811
    first_project, _ = projects
    client = client_for(cast.office)
    before = client.get(URL)
    task_services.milestone_create(actor=cast.office, task=first_project, title="竣工验收",
                                   planned_date=date(2023, 12, 20))
    after = client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    titles = json.loads(after.content)["dict"]["milestone"]
    assert "竣工验收" in titles and "竣工验收" not in json.loads(before.content)["dict"]["milestone"]


def test_each_viewer_and_filter_has_its_own_etag(projects, cast, client_for, today):  # noqa: F811
    office, leader = client_for(cast.office), client_for(cast.leader)
    tags = {office.get(URL)["ETag"], leader.get(URL)["ETag"], office.get(f"{URL}?kind=all")["ETag"]}
    assert len(tags) == 3
    assert office.get(f"{URL}?kind=all", HTTP_IF_NONE_MATCH=office.get(URL)["ETag"]).status_code == 200


def test_the_cached_body_is_served_gzipped_without_rebuilding(projects, cast, client_for, today):  # noqa: F811
    client = client_for(cast.office)
    with CaptureQueriesContext(connection) as cold:
        plain = client.get(URL)
    with CaptureQueriesContext(connection) as warm:
        zipped = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    assert len(warm) < len(cold) - 4


def test_bad_filter_is_still_400(projects, cast, client_for, today):  # noqa: F811
    assert client_for(cast.office).get(f"{URL}?kind=nonsense").status_code == 400
