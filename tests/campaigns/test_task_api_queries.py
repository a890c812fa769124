"""A page of the task API costs a fixed handful of queries, whatever the number of tasks and co-units, and still
lists every co-unit."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.campaigns import services
from gongjian.org.models import Unit

pytestmark = pytest.mark.django_db


def _page(client) -> tuple[dict, int]:
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
    assert many == few <= 7
    assert data["count"] == 60 and len(data["results"]) == 50
    with_co_units = [t for t in data["results"] if t["title"] == "任务3"]
    assert sorted(with_co_units[0]["co_units"]) == sorted(u.pk for u in others[:3])
    assert {"description", "deadline", "lead_unit", "version"} <= set(data["results"][0])
