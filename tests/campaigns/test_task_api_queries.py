"""A page of the task API costs a fixed handful of queries, whatever the number of tasks and co-units, and still
lists every co-unit."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.campaigns import services
from gongjian.org.models import Unit

pytestmark = pytest.mark.django_db


def _page(client) -> tuple[dict, int]:
    cache.clear()  # the total is remembered (see below); here every page counts
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/tasks/?limit=50")
    assert response.status_code == 200
    return response.json(), len(queries)


def _tasks(cast, campaign, n: int, co_units: list[Unit]):
    for i in range(n):
        task = services.task_create(actor=cast.office, campaign=campaign, title=f"任务{i}", lead_unit=cast.unit_a,
                                    start=date(2023, 2, 1), deadline=date(2023, 5, 1))
        task.co_units.set(co_units[: i % (len(co_units) + 1)])


@pytest.mark.parametrize("who", ["office", "editor_a"])
def test_a_page_costs_the_same_queries_for_3_or_60_tasks(cast, campaign, client_for, who):
    others = [Unit.objects.create(name=f"协办单位{i}", kind=Unit.Kind.DEPARTMENT) for i in range(4)]
    client = client_for(getattr(cast, who))
    _tasks(cast, campaign, 3, others)
    client.get("/api/v1/tasks/")
    _, few = _page(client)
    _tasks(cast, campaign, 57, others)
    data, many = _page(client)
    assert many == few <= 8
    assert data["count"] == 60 and len(data["results"]) == 50
    with_co_units = [t for t in data["results"] if t["title"] == "任务3"]
    assert sorted(with_co_units[0]["co_units"]) == sorted(u.pk for u in others[:3])
    assert {"description", "deadline", "lead_unit", "version"} <= set(data["results"][0])


def test_the_page_is_exactly_what_the_serializer_gives(cast, campaign, client_for):
    import json

    from gongjian.campaigns.api import TaskSerializer
    from gongjian.campaigns.models import Task

    others = [Unit.objects.create(name=f"协办单位{i}", kind=Unit.Kind.DEPARTMENT) for i in range(3)]
    _tasks(cast, campaign, 12, others)
    Task.objects.filter(title="任务1").update(target_value="12.50", is_hot=True, lead_leader=cast.leader.person)
    page = client_for(cast.office).get("/api/v1/tasks/?limit=10&offset=1").json()
    expected = TaskSerializer(Task.objects.order_by("id")[1:11], many=True).data
    assert page["results"] == json.loads(json.dumps(expected, default=str))
    assert page["count"] == 12 and page["previous"] and page["next"]


def test_filters_still_apply(cast, campaign, client_for):
    _tasks(cast, campaign, 3, [])
    data = client_for(cast.office).get("/api/v1/tasks/?q=任务1").json()
    assert [t["title"] for t in data["results"]] == ["任务1"]
    assert client_for(cast.office).get("/api/v1/tasks/?status=nonsense").status_code == 400


def _counts(queries) -> int:
    return sum('COUNT(' in q["sql"].upper() for q in queries.captured_queries)


def test_the_total_is_remembered_until_the_next_audited_write(cast, campaign, client_for):
    _tasks(cast, campaign, 3, [])
    office, editor = client_for(cast.office), client_for(cast.editor_a)
    assert office.get("/api/v1/tasks/?limit=2").json()["count"] == 3
    with CaptureQueriesContext(connection) as queries:
        again = office.get("/api/v1/tasks/?limit=2&offset=2").json()
    assert again["count"] == 3 and _counts(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        filtered = office.get("/api/v1/tasks/?q=任务1&limit=2").json()
    assert filtered["count"] == 1 and _counts(queries) == 1  # other filters, another count

    services.task_create(actor=cast.office, campaign=campaign, title="新任务", lead_unit=cast.unit_b,
                         start=date(2023, 2, 1), deadline=date(2023, 5, 1))
    with CaptureQueriesContext(connection) as queries:
        after = office.get("/api/v1/tasks/?limit=2").json()
    assert after["count"] == 4 and _counts(queries) == 1
    # Another viewer's list is another query, so another total: the editor of unit A does not see unit B's task.
    assert editor.get("/api/v1/tasks/?limit=2").json()["count"] == 3
