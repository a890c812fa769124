"""gongjian.bulk.insert_rows writes the same rows bulk_create would: given values, defaults for the rest, auto_now
timestamps, dates and decimals prepared for the database."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.bulk import insert_rows
from gongjian.campaigns.models import Milestone, Task

pytestmark = pytest.mark.django_db


def test_rows_get_their_values_and_the_models_defaults(cast, campaign):
    written = insert_rows(Task, [
        {"campaign_id": campaign.pk, "title": f"批量任务{i}", "lead_unit_id": cast.unit_a.pk, "start": date(2023, 2, 1),
         "deadline": date(2023, 6, 30), "target_value": Decimal("12.5") if i else None, "status": Task.Status.DRAFT}
        for i in range(3)], batch_size=2)
    assert written == 3
    tasks = list(Task.objects.filter(title__startswith="批量任务").order_by("title"))
    assert [t.title for t in tasks] == ["批量任务0", "批量任务1", "批量任务2"]
    reference = Task(campaign=campaign, title="参照", lead_unit=cast.unit_a, deadline=date(2023, 6, 30))
    for task in tasks:
        assert task.version == reference.version and task.progress == reference.progress
        assert task.created_at is not None and task.updated_at is not None
        assert task.deadline == date(2023, 6, 30) and task.description == ""
    assert tasks[0].target_value is None and tasks[1].target_value == Decimal("12.5")
    insert_rows(Milestone, [{"task_id": tasks[0].pk, "title": "开工", "planned_date": date(2023, 3, 1), "order": 1}])
    milestone = tasks[0].milestones.get()
    assert milestone.planned_date == date(2023, 3, 1) and milestone.done_on is None


def test_text_with_copy_control_characters_round_trips(cast, campaign):
    # PostgreSQL's COPY text format gives tab, newline, backslash and \N meanings of their own; none may leak into data.
    awkward = ["制表\t符", "换行\n第二行", "反斜杠\\结尾\\", "\\N", "回车\r", "", "'引号\"", "零宽\u200b"]
    insert_rows(Task, [
        {"campaign_id": campaign.pk, "title": f"怪字符{i}", "description": text, "indicator": text[:100],
         "lead_unit_id": cast.unit_a.pk, "start": date(2023, 2, 1), "deadline": date(2023, 6, 30)}
        for i, text in enumerate(awkward)])
    stored = dict(Task.objects.filter(title__startswith="怪字符").values_list("title", "description"))
    assert [stored[f"怪字符{i}"] for i in range(len(awkward))] == awkward
    assert Task.objects.filter(title="怪字符3", target_value__isnull=True, description="\\N").exists()


def test_every_row_is_written_once_past_the_batch_size(cast, campaign):
    written = insert_rows(Task, ({"campaign_id": campaign.pk, "title": f"分批{i}", "lead_unit_id": cast.unit_a.pk,
                                  "start": date(2023, 2, 1), "deadline": date(2023, 6, 30)} for i in range(7)),
                          batch_size=3)
    assert written == 7
    assert sorted(Task.objects.filter(title__startswith="分批").values_list("title", flat=True)) == [
        f"分批{i}" for i in range(7)]


def test_rows_go_in_one_statement_whatever_their_number(cast, campaign):
    """executemany is logged as one entry but runs one INSERT per row on PostgreSQL; there it must be one COPY."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(rows: int, prefix: str) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            insert_rows(Milestone, ({"task_id": task.pk, "title": f"{prefix}{i}", "order": i}
                                    for i in range(rows)), batch_size=5000)
        return [q["sql"].removeprefix(f"{rows} times: ").split("(")[0] for q in queries]

    task = Task.objects.create(campaign=campaign, title="节点宿主", lead_unit=cast.unit_a, start=date(2023, 2, 1),
                               deadline=date(2023, 6, 30))
    few = statements(2, "少")
    assert few == statements(3000, "多") and len(few) == 1
    assert few[0].startswith("COPY" if connection.vendor == "postgresql" else "INSERT INTO")
    assert task.milestones.count() == 3002
