"""Annual work reports: a unit writes its own, everyone in scope reads them side by side, and the office turns a
goal into a task led by that unit in one action."""

from datetime import date

import pytest

from gongjian.audit.models import AuditEvent
from gongjian.bulletins import services
from gongjian.bulletins.models import AnnualGoal, AnnualReport
from gongjian.campaigns.models import Task
from gongjian.errors import Conflict, UserError

pytestmark = pytest.mark.django_db

REPORT = {"last_year_summary": "2022年完成固定资产投资增长12%。", "approach": "坚持项目为王。",
          "measures": "实行领导包联、专班推进。"}


@pytest.fixture
def report(cast, campaign):
    report = services.annual_report_save(actor=cast.editor_a, unit=cast.unit_a, year=2023, **REPORT)
    services.annual_goal_add(actor=cast.editor_a, report=report, text="新签约过亿元项目", quantity=10,
                             unit_of_measure="个", deadline=date(2023, 12, 31))
    return report


def _events():
    return list(AuditEvent.objects.filter(event__startswith="annual_").order_by("seq").values_list("event", flat=True))


def test_unit_editor_writes_its_report_and_goals(cast, campaign, client_for):
    client = client_for(cast.editor_a)
    url = f"/annual-reports/{cast.unit_a.pk}/2023/"
    assert client.post(url, REPORT).status_code == 302
    response = client.post(url + "goals/", {"text": "新开工项目", "quantity": "8", "unit_of_measure": "个",
                                            "deadline": "2023-10-31"})
    assert response.status_code == 302
    report = AnnualReport.objects.get(unit=cast.unit_a, year=2023)
    assert report.approach == "坚持项目为王。"
    assert list(report.goals.values_list("text", "deadline")) == [("新开工项目", date(2023, 10, 31))]
    assert _events() == ["annual_report.create", "annual_goal.create"]


def test_goal_deadline_outside_the_year_is_refused_beside_the_field(cast, report, client_for):
    response = client_for(cast.editor_a).post(f"/annual-reports/{cast.unit_a.pk}/2023/goals/",
                                              {"text": "目标", "deadline": "2024-01-31"})
    assert response.status_code == 400
    assert "完成时限应在2023年内" in response.context["goal_form"].errors["deadline"][0]
    assert report.goals.count() == 1


def test_missing_goal_text_names_the_field(cast, report, client_for):
    response = client_for(cast.editor_a).post(f"/annual-reports/{cast.unit_a.pk}/2023/goals/",
                                              {"text": "", "deadline": "2023-05-31"})
    assert response.status_code == 400 and "text" in response.context["goal_form"].errors


def test_viewer_and_leader_read_but_cannot_write(cast, report, client_for):
    url = f"/annual-reports/{cast.unit_a.pk}/2023/"
    for user in (cast.viewer_a, cast.leader):
        client = client_for(user)
        assert client.get(url).status_code == 200
        assert client.post(url, REPORT).status_code == 403
        assert client.post(url + "goals/", {"text": "x", "deadline": "2023-05-01"}).status_code == 403
    assert report.goals.count() == 1


def test_outsider_does_not_see_another_units_report(cast, report, client_for):
    client = client_for(cast.outsider_b)
    assert client.get(f"/annual-reports/{cast.unit_a.pk}/2023/").status_code == 404
    assert client.post(f"/annual-reports/{cast.unit_a.pk}/2023/", REPORT).status_code == 404
    goal = report.goals.get()
    assert client.post(f"/annual-reports/goals/{goal.pk}/delete/").status_code == 404
    assert client.post(f"/annual-reports/goals/{goal.pk}/task/").status_code == 404
    listing = client.get("/annual-reports/?year=2023")
    assert [unit.name for unit, _ in listing.context["rows"]] == ["发改局"]


def test_list_shows_all_units_side_by_side_for_the_office(cast, report, client_for):
    services.annual_report_save(actor=cast.office, unit=cast.unit_b, year=2023, approach="抓项目储备。")
    response = client_for(cast.office).get("/annual-reports/?year=2023&reported=1")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [unit.name for unit, _ in rows] == ["姜山镇", "发改局"] and response.context["count"] == 2
    body = response.content.decode()
    assert "新签约过亿元项目（10个）" in body and "转为任务" in body
    export = client_for(cast.office).get("/annual-reports/?year=2023&reported=1&export=xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_office_turns_a_goal_into_a_task_in_one_action(cast, report, client_for):
    goal = report.goals.get()
    response = client_for(cast.office).post(f"/annual-reports/goals/{goal.pk}/task/")
    assert response.status_code == 302
    goal.refresh_from_db()
    task = goal.task
    assert (task.source, task.lead_unit, task.deadline, task.title) == (
        Task.Source.TOWN_REPORT, cast.unit_a, date(2023, 12, 31), "新签约过亿元项目")
    assert task.target_value == 10 and task.indicator_unit == "个" and task.status == Task.Status.DRAFT
    assert task.campaign.year == 2023
    assert _events()[-1] == "annual_goal.to_task"
    assert AuditEvent.objects.filter(event="task.create", object_id=str(task.pk)).exists()


def test_a_goal_becomes_a_task_only_once_and_then_cannot_be_deleted(cast, report):
    goal = report.goals.get()
    services.annual_goal_to_task(actor=cast.office, goal=goal)
    with pytest.raises(Conflict):
        services.annual_goal_to_task(actor=cast.office, goal=goal)
    with pytest.raises(Conflict):
        services.annual_goal_delete(actor=cast.office, goal=goal)
    assert Task.objects.filter(source=Task.Source.TOWN_REPORT).count() == 1


def test_units_and_leaders_cannot_convert_goals(cast, report, client_for):
    goal = report.goals.get()
    for user in (cast.editor_a, cast.viewer_a, cast.leader):
        assert client_for(user).post(f"/annual-reports/goals/{goal.pk}/task/").status_code == 403
    assert AnnualGoal.objects.get().task is None


def test_without_a_campaign_for_the_year_the_goal_stays(cast, db):
    report = services.annual_report_save(actor=cast.office, unit=cast.unit_a, year=2024, approach="x")
    goal = services.annual_goal_add(actor=cast.office, report=report, text="目标", deadline=date(2024, 6, 30))
    with pytest.raises(UserError) as exc:
        services.annual_goal_to_task(actor=cast.office, goal=goal)
    assert exc.value.field == "campaign"
    assert AnnualGoal.objects.get().task is None and not Task.objects.exists()


def test_editor_deletes_an_unconverted_goal(cast, report, client_for):
    goal = report.goals.get()
    assert client_for(cast.editor_a).post(f"/annual-reports/goals/{goal.pk}/delete/").status_code == 302
    assert not AnnualGoal.objects.exists()
    assert _events()[-1] == "annual_goal.delete"


def test_leadership_units_do_not_report(cast, db):
    with pytest.raises(UserError):
        services.annual_report_save(actor=cast.office, unit=cast.leadership, year=2023)
