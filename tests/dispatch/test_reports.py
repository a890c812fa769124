"""The monthly report workflow, step by step and every refused step."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.audit.models import AuditEvent
from gongjian.campaigns import services as campaign_services
from gongjian.campaigns.models import Task
from gongjian.dispatch import services
from gongjian.dispatch.models import ProgressReport
from gongjian.errors import UserError

pytestmark = pytest.mark.django_db
State = ProgressReport.State
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _draft(cast, task, period, **fields):
    values = {"work_done": "完成厂房基础施工", "percent": "30"} | fields
    return services.report_save(actor=cast.editor_a, task=task, period=period, **values)


def test_full_cycle_submit_return_resubmit_approve_locks(cast, assigned_task, march):
    report = _draft(cast, assigned_task, march)
    report = services.report_submit(actor=cast.editor_a, report=report)
    report = services.report_return(actor=cast.office, report=report, reason="进展描述不具体")
    assert (report.state, report.return_count) == (State.RETURNED, 1)
    report = services.report_update(actor=cast.editor_a, report=report, work_done="完成厂房基础施工3万平方米")
    report = services.report_submit(actor=cast.editor_a, report=report)
    report = services.report_approve(actor=cast.office, report=report)
    assigned_task.refresh_from_db()
    assert report.state == State.APPROVED
    assert (assigned_task.progress, assigned_task.status) == (Decimal("30.00"), Task.Status.IN_PROGRESS)
    with pytest.raises(UserError) as exc:
        services.report_update(actor=cast.editor_a, report=report, work_done="改")
    assert exc.value.code == "locked"
    with pytest.raises(UserError):
        _draft(cast, assigned_task, march)
    events = list(AuditEvent.objects.filter(object_type="dispatch.progressreport").values_list("event", flat=True))
    assert events == ["report.create", "report.submit", "report.return", "report.update", "report.submit",
                      "report.approve"]


@pytest.mark.parametrize(("state", "action"), [
    (State.DRAFT, "approve"), (State.DRAFT, "return"), (State.APPROVED, "submit"), (State.APPROVED, "return"),
    (State.RETURNED, "approve"), (State.SUBMITTED, "submit"),
])
def test_refused_transitions(cast, assigned_task, march, state, action):
    report = _draft(cast, assigned_task, march)
    ProgressReport.objects.filter(pk=report.pk).update(state=state)
    calls = {
        "approve": lambda: services.report_approve(actor=cast.office, report=report),
        "return": lambda: services.report_return(actor=cast.office, report=report, reason="r"),
        "submit": lambda: services.report_submit(actor=cast.editor_a, report=report),
    }
    with pytest.raises(UserError) as exc:
        calls[action]()
    assert exc.value.code == "bad_transition"
    report.refresh_from_db()
    assert report.state == state


def test_return_needs_reason(cast, assigned_task, march):
    report = services.report_submit(actor=cast.editor_a, report=_draft(cast, assigned_task, march))
    with pytest.raises(UserError) as exc:
        services.report_return(actor=cast.office, report=report, reason="  ")
    assert exc.value.field == "reason"


@pytest.mark.parametrize(("fields", "field"), [
    ({"percent": "120"}, "percent"), ({"percent": "-1"}, "percent"), ({"percent": "三十"}, "percent"),
    ({"indicator_actual": "abc"}, "indicator_actual"), ({"problems": [{"category": "weather", "description": "x"}]},
                                                        "problems"),
    ({"problems": [{"category": "land", "description": ""}]}, "problems"), ({"work_done": "字" * 5001}, "work_done"),
    ({"milestones_done": {"999999": "2023-03-01"}}, "milestones_done"),
])
def test_bad_values_named_and_nothing_written(cast, assigned_task, march, fields, field):
    with pytest.raises(UserError) as exc:
        _draft(cast, assigned_task, march, **fields)
    assert exc.value.field == field
    assert not ProgressReport.objects.exists()


def test_submit_needs_work_done(cast, assigned_task, march):
    report = _draft(cast, assigned_task, march, work_done="")
    with pytest.raises(UserError) as exc:
        services.report_submit(actor=cast.editor_a, report=report)
    assert exc.value.field == "work_done"


def test_percent_derived_from_weighted_milestones_and_typed_value_refused(cast, assigned_task, march):
    first = campaign_services.milestone_create(actor=cast.office, task=assigned_task, title="土地手续", weight=1)
    campaign_services.milestone_create(actor=cast.office, task=assigned_task, title="主体施工", weight=3)
    report = services.report_save(actor=cast.editor_a, task=assigned_task, period=march, work_done="土地手续办结",
                                  milestones_done={str(first.pk): "2023-03-20"})
    assert report.percent == Decimal("25.00")
    with pytest.raises(UserError) as exc:
        services.report_update(actor=cast.editor_a, report=report, percent="60")
    assert exc.value.code == "percent_derived"
    services.report_approve(actor=cast.office, report=services.report_submit(actor=cast.editor_a, report=report))
    first.refresh_from_db()
    assert first.done_on == date(2023, 3, 20)


def test_hundred_percent_with_open_milestones_refused(cast, assigned_task, march):
    milestone = campaign_services.milestone_create(actor=cast.office, task=assigned_task, title="验收", weight=0)
    report = _draft(cast, assigned_task, march, percent="100")
    with pytest.raises(UserError) as exc:
        services.report_submit(actor=cast.editor_a, report=report)
    assert exc.value.code == "inconsistent"
    assert milestone.done_on is None


def test_correction_supersedes_only_when_approved(cast, assigned_task, march):
    original = _draft(cast, assigned_task, march)
    original = services.report_approve(actor=cast.office,
                                       report=services.report_submit(actor=cast.editor_a, report=original))
    with pytest.raises(UserError):
        services.report_correct(actor=cast.editor_a, report=original, reason="")
    correction = services.report_correct(actor=cast.editor_a, report=original, reason="进度填错", percent="35")
    original.refresh_from_db()
    assert original.state == State.APPROVED and correction.state == State.DRAFT
    services.report_approve(actor=cast.office, report=services.report_submit(actor=cast.editor_a, report=correction))
    original.refresh_from_db()
    assigned_task.refresh_from_db()
    assert original.state == State.SUPERSEDED and assigned_task.progress == Decimal("35.00")
    assert original.work_done == "完成厂房基础施工"


def test_co_unit_adds_its_part_but_outsider_cannot(cast, assigned_task, march):
    report = _draft(cast, assigned_task, march)
    services.contribution_save(actor=cast.outsider_b, report=report, unit=cast.unit_b, text="已完成项目备案")
    assert report.contributions.get().text == "已完成项目备案"
    with pytest.raises(UserError):
        services.contribution_save(actor=cast.editor_a, report=report, unit=cast.unit_a, text="x")


def test_evidence_checks_content_not_name(cast, assigned_task, march, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = _draft(cast, assigned_task, march)
    item = services.evidence_add(actor=cast.editor_a, report=report,
                                 upload=SimpleUploadedFile("现场.png", PNG, content_type="image/png"))
    assert (item.content_type, item.extension) == ("image/png", "png")
    with pytest.raises(UserError) as exc:
        services.evidence_add(actor=cast.editor_a, report=report,
                              upload=SimpleUploadedFile("假图片.png", b"MZ\x90\0 not an image", content_type="image/png"))
    assert exc.value.field == "file" and report.evidence.count() == 1
    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(UserError, match="10MB"):
        services.evidence_add(actor=cast.editor_a, report=report, upload=big)


def test_cannot_report_on_a_draft_task(cast, task_a, march):
    with pytest.raises(UserError) as exc:
        _draft(cast, task_a, march)
    assert exc.value.code == "task_not_open"


def test_file_buffer_rewound_after_check(cast, assigned_task, march, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = _draft(cast, assigned_task, march)
    item = services.evidence_add(actor=cast.editor_a, report=report,
                                 upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf"))
    with item.file.open("rb") as handle:
        assert io.BytesIO(handle.read()).getvalue() == b"%PDF-1.4 test"
