"""The report pages as each member of the cast uses them, including on a phone."""

import pytest

from gongjian.dispatch import services
from gongjian.dispatch.models import ProgressReport

pytestmark = pytest.mark.django_db
State = ProgressReport.State


def _url(task, period):
    return f"/dispatch/tasks/{task.pk}/periods/{period.pk}/"


def test_unit_editor_fills_and_submits_from_the_form(cast, client_for, assigned_task, march):
    client = client_for(cast.editor_a)
    page = client.get(_url(assigned_task, march))
    assert page.status_code == 200 and 'name="viewport"' in page.content.decode()
    response = client.post(_url(assigned_task, march), {"work_done": "完成基础", "percent": "20", "action": "submit"})
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.state, report.percent) == (State.SUBMITTED, 20)


def test_form_keeps_input_and_names_field_on_error(cast, client_for, assigned_task, march):
    response = client_for(cast.editor_a).post(_url(assigned_task, march),
                                              {"work_done": "保留这段话", "percent": "150", "action": "save"})
    html = response.content.decode()
    assert response.status_code == 400 and "保留这段话" in html and "100" in html
    assert not ProgressReport.objects.exists()


def test_wrong_file_type_in_form_gets_message_and_writes_nothing(cast, client_for, assigned_task, march, settings,
                                                                 tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    response = client_for(cast.editor_a).post(_url(assigned_task, march), {
        "work_done": "完成基础", "percent": "20", "action": "save",
        "files": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
    })
    assert response.status_code == 400 and "只能上传图片" in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("viewer_a", 403), ("outsider_b", 403), ("leader", 403),
                                             ("office", 200)])
def test_only_lead_unit_editor_or_office_opens_the_form(cast, client_for, assigned_task, march, who, status):
    # unit B is a co-unit here, so it sees the task but may not write the lead unit's report.
    assert client_for(getattr(cast, who)).get(_url(assigned_task, march)).status_code == status


def test_unrelated_unit_gets_404(cast, client_for, task_a, march):
    task_a.status = "assigned"
    task_a.save()
    assert client_for(cast.outsider_b).get(_url(task_a, march)).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("editor_a", 403), ("viewer_a", 403), ("leader", 403)])
def test_only_office_reviews(cast, client_for, assigned_task, march, who, status):
    report = services.report_submit(actor=cast.editor_a, report=services.report_save(
        actor=cast.editor_a, task=assigned_task, period=march, work_done="x", percent="10"))
    client = client_for(getattr(cast, who))
    assert client.post(f"/dispatch/reports/{report.pk}/approve/").status_code == status
    assert client.post(f"/dispatch/reports/{report.pk}/return/", {"reason": "r"}).status_code == status
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_office_bulk_approves_and_queue_counts_match(cast, client_for, assigned_task, march):
    report = services.report_submit(actor=cast.editor_a, report=services.report_save(
        actor=cast.editor_a, task=assigned_task, period=march, work_done="x", percent="10"))
    client = client_for(cast.office)
    queue = client.get(f"/dispatch/?period={march.pk}&status=submitted").content.decode()
    assert 'id="row-count">1<' in queue
    client.post("/dispatch/approve/", {"report": [report.pk]})
    report.refresh_from_db()
    assert report.state == State.APPROVED


def test_return_without_reason_is_refused_with_message(cast, client_for, assigned_task, march):
    report = services.report_submit(actor=cast.editor_a, report=services.report_save(
        actor=cast.editor_a, task=assigned_task, period=march, work_done="x", percent="10"))
    response = client_for(cast.office).post(f"/dispatch/reports/{report.pk}/return/", {"reason": ""}, follow=True)
    assert "退回须填写理由" in response.content.decode()
