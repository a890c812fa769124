"""Findings on site: photos judged against the site, rectification with evidence, 回头看, false reporting."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.audit.models import AuditEvent
from gongjian.campaigns.models import Task
from gongjian.errors import UserError
from gongjian.inspections import photos, services
from gongjian.inspections.models import Finding, Inspection, Photo, Rectification

from .conftest import FAR, NEAR, jpeg

pytestmark = pytest.mark.django_db


def events_since(seq: int) -> list[str]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("event", flat=True))


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def record(cast, inspection, task, **kwargs):
    kwargs.setdefault("description", "现场仅完成基础施工")
    return services.finding_record(actor=cast.office, inspection=inspection, task=task, **kwargs)


def test_a_photo_taken_at_the_site_matches_and_one_taken_far_away_is_flagged(cast, inspection, project):
    finding = record(cast, inspection, project, photos=[jpeg(at=NEAR), jpeg(at=FAR)])
    near, far = finding.photos.order_by("id")
    assert near.verdict == Photo.Verdict.MATCH and near.distance_m < 100
    assert far.verdict == Photo.Verdict.FAR and far.distance_m > 5000
    assert "超过500米" in far.verdict_note
    assert near.taken_at.date() == date(2023, 3, 31)
    assert near.exif_latitude == Decimal("36.880500")


def test_the_phones_fix_is_used_when_the_photo_has_no_position_and_a_coarse_fix_proves_nothing(
        cast, inspection, project):
    precise = record(cast, inspection, project, latitude="36.8801", longitude="120.5201", accuracy_m="20",
                     photos=[jpeg(at=None)])
    coarse = record(cast, inspection, project, latitude="36.8801", longitude="120.5201", accuracy_m="1500",
                    photos=[jpeg(at=None)])
    unknown = record(cast, inspection, project, latitude="36.8801", longitude="120.5201", photos=[jpeg(at=None)])
    assert precise.photos.get().verdict == Photo.Verdict.MATCH
    assert coarse.photos.get().verdict == Photo.Verdict.UNVERIFIABLE
    assert "精度1500米" in coarse.photos.get().verdict_note
    assert unknown.photos.get().verdict == Photo.Verdict.UNVERIFIABLE
    assert precise.accuracy_m == Decimal("20")


def test_an_old_photo_or_an_item_without_a_site_cannot_be_verified(cast, inspection, project, plain_task):
    old = record(cast, inspection, project, photos=[jpeg(at=NEAR, taken=datetime(2022, 11, 2, 9, 0))])
    nowhere = record(cast, inspection, plain_task, photos=[jpeg(at=NEAR)])
    assert old.photos.get().verdict == Photo.Verdict.UNVERIFIABLE
    assert "2022年11月2日" in old.photos.get().verdict_note
    assert nowhere.photos.get().verdict == Photo.Verdict.UNVERIFIABLE
    assert "未登记项目位置" in nowhere.photos.get().verdict_note


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("a.jpg", b"MZ\x90\x00" + b"\x00" * 100), "不是JPG或PNG"),
    (SimpleUploadedFile("b.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100), "已损坏"),
    (SimpleUploadedFile("c.jpg", b"\xff\xd8\xff" + b"\x00" * (photos.MAX_BYTES + 1)), "超过10MB"),
])
def test_a_bad_photo_refuses_the_whole_finding(cast, inspection, project, upload, message):
    with pytest.raises(UserError) as exc:
        record(cast, inspection, project, photos=[jpeg(at=NEAR), upload])
    assert message in exc.value.message and exc.value.field == "photos"
    assert not Finding.objects.exists() and not Photo.objects.exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"description": " "}, "description"),
    ({"progress_seen": "120"}, "progress_seen"),
    ({"progress_seen": "NaN"}, "progress_seen"),
    ({"latitude": "36.88"}, "latitude"),
    ({"latitude": "95", "longitude": "120"}, "latitude"),
    ({"checklist_item": "不在清单里的项"}, "checklist_item"),
])
def test_finding_input_is_checked(cast, inspection, project, kwargs, field):
    with pytest.raises(UserError) as exc:
        record(cast, inspection, project, **kwargs)
    assert exc.value.field == field
    assert not Finding.objects.exists()


def test_only_items_in_the_plan_can_be_checked(cast, campaign, inspection, today):
    from gongjian.campaigns import services as task_services
    other = task_services.task_create(actor=cast.office, campaign=campaign, title="别的任务", lead_unit=cast.unit_b,
                                      deadline=date(2023, 12, 31))
    with pytest.raises(UserError) as exc:
        record(cast, inspection, other)
    assert exc.value.field == "task"


def test_finding_becomes_a_supervised_item_closed_only_with_evidence(cast, inspection, project):
    finding = record(cast, inspection, project, photos=[jpeg(at=NEAR)])
    seq = last_seq()
    rectification = services.rectification_create(actor=cast.office, finding=finding, deadline=date(2023, 4, 28),
                                                   requirement="补齐围挡")
    task = rectification.task
    assert (task.source, task.lead_unit, task.status, task.parent_id) == (
        Task.Source.RECTIFICATION, cast.unit_a, Task.Status.ASSIGNED, project.pk)
    assert events_since(seq) == ["task.create", "task.assigned", "inspection.rectification"]
    with pytest.raises(UserError) as exc:
        services.rectification_close(actor=cast.editor_a, rectification=rectification, note="已整改", upload=None)
    assert exc.value.field == "file"
    with pytest.raises(UserError):
        services.rectification_create(actor=cast.office, finding=finding, deadline=date(2023, 4, 28))
    services.rectification_close(actor=cast.editor_a, rectification=rectification, note="围挡已补齐",
                                 upload=jpeg(at=NEAR))
    task.refresh_from_db()
    assert task.status == Task.Status.COMPLETED and task.completed_on == date(2023, 3, 31)


def test_a_covert_check_is_rectified_only_after_it_is_published(cast, campaign, project, today):
    covert = services.inspection_create(actor=cast.office, campaign=campaign, kind=Inspection.Kind.COVERT,
                                        subject="暗访", start=today, end=today, tasks=[project])
    finding = record(cast, covert, project)
    with pytest.raises(UserError) as exc:
        services.rectification_create(actor=cast.office, finding=finding, deadline=date(2023, 4, 28))
    assert exc.value.code == "not_published"
    services.inspection_publish(actor=cast.office, inspection=covert)
    assert services.rectification_create(actor=cast.office, finding=finding, deadline=date(2023, 4, 28)).pk


def test_recheck_samples_closed_items_and_a_relapse_opens_a_new_one(cast, campaign, inspection, project):
    closed = []
    for n in range(3):
        finding = record(cast, inspection, project, description=f"问题{n}")
        rect = services.rectification_create(actor=cast.office, finding=finding, deadline=date(2023, 4, 28))
        closed.append(services.rectification_close(actor=cast.editor_a, rectification=rect, note="已整改",
                                                   upload=jpeg(at=NEAR)))
    open_one = services.rectification_create(actor=cast.office, finding=record(cast, inspection, project),
                                             deadline=date(2023, 4, 28))
    recheck = services.recheck_create(actor=cast.office, campaign=campaign, sample_size=2)
    sampled = set(Rectification.objects.filter(recheck=recheck).values_list("pk", flat=True))
    assert recheck.kind == Inspection.Kind.RECHECK and len(sampled) == 2
    assert sampled <= {r.pk for r in closed} and open_one.pk not in sampled
    relapsed = Rectification.objects.get(pk=min(sampled))
    services.recheck_record(actor=cast.office, rectification=relapsed, result="relapsed", note="围挡又被拆除")
    new = Rectification.objects.get(finding__inspection=recheck)
    assert new.task.lead_unit == cast.unit_a and new.task.status == Task.Status.ASSIGNED
    assert "反弹" in new.finding.description
    with pytest.raises(UserError):
        services.recheck_record(actor=cast.office, rectification=relapsed, result="held", note="再看")
    with pytest.raises(UserError):
        services.recheck_record(actor=cast.office, rectification=open_one, result="held", note="未抽中")


def test_false_reporting_needs_a_contradicting_check(cast, inspection, project, claimed):
    honest = record(cast, inspection, project, progress_seen="65")
    with pytest.raises(UserError) as exc:
        services.false_report_record(actor=cast.office, finding=honest, reason="不符")
    assert exc.value.code == "not_contradicted"
    contradicted = record(cast, inspection, project, progress_seen="30")
    assert (contradicted.report_id, contradicted.progress_claimed) == (claimed.pk, Decimal("60.00"))
    services.false_report_record(actor=cast.office, finding=contradicted, reason="主体结构未封顶，所报60%不实")
    contradicted.refresh_from_db()
    assert contradicted.false_report_on == date(2023, 3, 31)


def test_false_reporting_without_an_approved_report_is_refused(cast, inspection, project):
    finding = record(cast, inspection, project, progress_seen="10")
    with pytest.raises(UserError) as exc:
        services.false_report_record(actor=cast.office, finding=finding, reason="不符")
    assert exc.value.code == "no_report"


def test_inspection_plan_is_checked(cast, campaign, project):
    with pytest.raises(UserError) as exc:
        services.inspection_create(actor=cast.office, campaign=campaign, subject="x", start=date(2023, 3, 2),
                                   end=date(2023, 3, 1))
    assert exc.value.field == "end"
    with pytest.raises(UserError) as exc:
        services.inspection_create(actor=cast.office, campaign=campaign, subject="x", start=date(2023, 3, 2),
                                   end=date(2023, 3, 3), max_accuracy_m=0)
    assert exc.value.field == "max_accuracy_m"
    assert not Inspection.objects.exists()
