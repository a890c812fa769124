"""Business writes are atomic and concurrent edits do not lose updates (docs/security.md "Integrity and recovery")."""

import threading
from datetime import date

import pytest
from django.db import connection

from gongjian.audit.models import AuditEvent
from gongjian.campaigns import ledger, services
from gongjian.campaigns.models import Milestone, Task
from gongjian.dispatch import periods
from gongjian.dispatch import services as report_services
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.errors import Conflict
from gongjian.supervision.models import Blocker


class Fault(Exception):
    pass


def _boom(*args, **kwargs):
    raise Fault("injected")


@pytest.mark.django_db
def test_ledger_import_failing_half_way_leaves_no_rows(cast, campaign, monkeypatch):
    from gongjian.bulk import insert_rows
    from tests.campaigns.test_ledger import _book, _row

    def milestones_fail(model, rows, **kwargs):
        if model is Milestone:
            _boom()
        return insert_rows(model, rows, **kwargs)

    # Tasks and co-units are written by then; the milestones, last, fail.
    monkeypatch.setattr(ledger, "insert_rows", milestones_fail)
    before = AuditEvent.objects.count()
    with pytest.raises(Fault):
        ledger.import_tasks(actor=cast.office, campaign=campaign, data=_book([_row(), _row("二")]), commit=True)
    assert not Task.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_report_approval_failing_in_a_receiver_rolls_everything_back(cast, campaign, monkeypatch, settings):
    settings.GONGJIAN_TODAY = date(2023, 4, 3)
    task = services.task_assign(actor=cast.office, task=services.task_create(
        actor=cast.office, campaign=campaign, title="任务", lead_unit=cast.unit_a, start=date(2023, 1, 3),
        deadline=date(2023, 12, 29)))
    march = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 1))
    report = report_services.report_submit(actor=cast.editor_a, report=report_services.report_save(
        actor=cast.editor_a, task=task, period=march, work_done="x", percent="40",
        problems=[{"category": "land", "description": "用地"}, {"category": "funding", "description": "资金"}]))
    real_create = Blocker.objects.create
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise Fault("injected")
        return real_create(**kwargs)

    monkeypatch.setattr(Blocker.objects, "create", second_fails)
    with pytest.raises(Fault):
        report_services.report_approve(actor=cast.office, report=report)
    report.refresh_from_db()
    task.refresh_from_db()
    assert report.state == ProgressReport.State.SUBMITTED and task.progress == 0 and not Blocker.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_one_wins_the_other_gets_conflict(cast, campaign):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads need PostgreSQL; SQLite serialises whole-database writes")
    task = services.task_create(actor=cast.office, campaign=campaign, title="原标题", lead_unit=cast.unit_a,
                                deadline=date(2023, 12, 29))
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(title):
        from django.db import connections

        try:
            barrier.wait()
            services.task_update(actor=cast.office, task=task, expected_version=1, title=title)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    task.refresh_from_db()
    assert task.version == 2 and task.title in ("甲", "乙")
