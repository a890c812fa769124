import pytest

from gongjian.dispatch.models import ProgressReport

pytestmark = pytest.mark.django_db


def _create(client, task, period, **extra):
    return client.post("/api/v1/reports/", {"task": task.pk, "period": period.pk, "work_done": "完成基础",
                                            "percent": "20", **extra}, format="json")


def test_api_cycle_create_submit_return_approve(cast, api_for, assigned_task, march):
    editor, office = api_for(cast.editor_a), api_for(cast.office)
    report = _create(editor, assigned_task, march).json()
    assert editor.post(f"/api/v1/reports/{report['id']}/submit/").json()["state"] == "submitted"
    returned = office.post(f"/api/v1/reports/{report['id']}/return/", {"reason": "请补充数据"}, format="json").json()
    assert returned["state"] == "returned" and returned["return_reason"] == "请补充数据"
    editor.post(f"/api/v1/reports/{report['id']}/submit/")
    assert office.post(f"/api/v1/reports/{report['id']}/approve/").json()["state"] == "approved"
    response = editor.patch(f"/api/v1/reports/{report['id']}/", {"work_done": "改"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "locked"


def test_api_percent_over_100_and_missing_fields(cast, api_for, assigned_task, march):
    response = _create(api_for(cast.editor_a), assigned_task, march, percent="101")
    assert response.status_code == 400 and "percent" in response.json()
    response = api_for(cast.editor_a).post("/api/v1/reports/", {}, format="json")
    assert response.status_code == 400 and {"task", "period"} <= set(response.json())


def test_api_report_for_another_units_task(cast, api_for, task_a, march):
    task_a.status = "assigned"
    task_a.save()
    response = _create(api_for(cast.outsider_b), task_a, march)
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_api_viewer_cannot_create_and_editor_cannot_approve(cast, api_for, assigned_task, march):
    assert _create(api_for(cast.viewer_a), assigned_task, march).status_code == 403
    report = _create(api_for(cast.editor_a), assigned_task, march).json()
    api_for(cast.editor_a).post(f"/api/v1/reports/{report['id']}/submit/")
    assert api_for(cast.editor_a).post(f"/api/v1/reports/{report['id']}/approve/").status_code == 403
    assert api_for(cast.leader).post(f"/api/v1/reports/{report['id']}/approve/").status_code == 403


def test_api_bad_problem_category(cast, api_for, assigned_task, march):
    response = _create(api_for(cast.editor_a), assigned_task, march,
                       problems=[{"category": "weather", "description": "下雨"}])
    assert response.status_code == 400 and "problems" in response.json()
