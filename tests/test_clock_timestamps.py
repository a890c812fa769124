"""Every time the platform writes or shows comes from its clock: on a fixed demo or test day, records, the audit log and
export file names carry that day, not the machine's."""

from datetime import date
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.utils import timezone

from gongjian import clock
from gongjian.audit.models import AuditEvent
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.supervision import services as supervision_services
from tests.bulletins.conftest import build_march

pytestmark = pytest.mark.django_db


def _clock_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, clock.UpdatedAtField) or getattr(field, "default", None) is clock.now:
                yield model, field


def test_no_timestamp_reads_the_machines_clock():
    fields = list(_clock_fields())
    assert len(fields) > 25
    machine = [f"{m.__name__}.{f.name}" for m in apps.get_models() for f in m._meta.concrete_fields
               if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    # Login sessions and password history keep the machine's time on purpose (security records, never shown).
    assert sorted(machine) == ["PasswordHistory.created_at", "UserSession.created_at"]


def test_a_task_carries_the_platform_day(cast, campaign, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    task = task_services.task_create(actor=cast.office, campaign=campaign, title="按平台日期记录", lead_unit=cast.unit_a,
                                     start=date(2023, 4, 1), deadline=date(2023, 6, 30))
    task.refresh_from_db()
    assert timezone.localtime(task.created_at).date() == date(2023, 3, 31)
    assert timezone.localtime(task.updated_at).date() == date(2023, 3, 31)
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    task_services.task_assign(actor=cast.office, task=task)
    task.refresh_from_db()
    assert timezone.localtime(task.created_at).date() == date(2023, 3, 31)
    assert timezone.localtime(task.updated_at).date() == date(2023, 4, 3)
    event = AuditEvent.objects.filter(object_type="campaigns.task", object_id=str(task.pk)).latest("seq")
    assert timezone.localtime(event.at).date() == date(2023, 4, 3)


@pytest.fixture
def fixed_day(settings):
    settings.GONGJIAN_TODAY = date(2023, 1, 2)


def test_every_record_of_a_built_month_is_dated_in_it(fixed_day, cast, campaign, settings):
    march = build_march(cast, campaign, settings)
    notice = supervision_services.notice_issue(actor=cast.office, task=march.overdue, kind="urge", reason="尽快推进")
    notice = supervision_services.notice_acknowledge(actor=cast.editor_a, notice=notice)
    assert notice.issued_on == date(2023, 3, 31)
    assert timezone.localtime(notice.acknowledged_at).date() == date(2023, 3, 31)
    checked = set()
    for model, field in _clock_fields():
        for value in model.objects.values_list(field.attname, flat=True):
            assert timezone.localtime(value).date() <= date(2023, 3, 31), f"{model.__name__}.{field.name} {value}"
            checked.add(model.__name__)
    assert {"Campaign", "Task", "SupervisionRun"} <= checked
    assert not AuditEvent.objects.filter(at__year__gt=2023).exists()


def test_an_export_is_named_by_the_platform_day(cast, campaign, task_a, client_for, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    response = client_for(cast.office).get("/tasks/?export=xlsx")
    assert response.status_code == 200
    assert "-20230331-" in unquote(response["Content-Disposition"])
    assert Task.objects.filter(pk=task_a.pk).exists()
