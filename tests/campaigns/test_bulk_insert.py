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
