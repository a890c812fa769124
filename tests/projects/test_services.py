"""Project services: creation and its checks, updates through the task's rules, plan, funding, approvals, 纳统."""

from datetime import date
from decimal import Decimal

import pytest

from gongjian.audit.models import AuditEvent
from gongjian.campaigns.models import Task
from gongjian.errors import UserError
from gongjian.projects import services
from gongjian.projects.models import Project, ProjectApproval, ProjectPlan

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")


def _events(obj) -> list[str]:
    types = ("projects.project", "campaigns.task")
    return list(AuditEvent.objects.filter(object_id=str(obj.pk), object_type__in=types).order_by("seq")
                .values_list("event", flat=True))


def test_a_project_is_a_task_with_its_planned_dates(make_project, cast):
    project = make_project(code="2301-370285-04-01-000001", level="province")
    task = Task.objects.get(pk=project.pk)
    assert task.start == date(2023, 2, 1) and task.deadline == date(2023, 12, 31)
    assert task.lead_unit == cast.unit_a and task.status == Task.Status.ASSIGNED
    assert project.planned_start == date(2023, 2, 1) and project.planned_completion == date(2023, 12, 31)
    assert _events(project) == ["project.create", "project.plan_set", "task.assigned"]


def test_small_projects_are_outside_statistics(make_project):
    small = make_project(total=Decimal("4999999.99"), plan=False)
    assert small.stats_status == Project.StatsStatus.NOT_APPLICABLE
    assert make_project("大项目", total=Decimal("5000000"), plan=False).stats_status == Project.StatsStatus.PENDING


@pytest.mark.parametrize(("fields", "field"), [
    ({"code": "编码！"}, "code"),
    ({"contact_phone": "call me"}, "contact_phone"),
    ({"latitude": Decimal("36.8")}, "latitude"),
    ({"latitude": Decimal("91"), "longitude": Decimal("120")}, "latitude"),
    ({"prior_investment": Decimal("99000000")}, "prior_investment"),
    ({"actual_completion": date(2023, 3, 1)}, "actual_completion"),
    ({"actual_start": date(2023, 4, 1)}, "actual_start"),
    ({"foreign_amount_usd": Decimal("100")}, "is_foreign"),
    ({"level": "national"}, "level"),
    ({"total_investment": Decimal("-1")}, "total_investment"),
    ({"stats_status": "in_stats"}, "stats_status"),
    ({"planned_completion": date(2023, 1, 1)}, "planned_start"),
])
def test_bad_fields_are_refused_and_named(make_project, fields, field):
    with pytest.raises(UserError) as exc:
        make_project(**fields)
    assert exc.value.field == field
    assert not Project.objects.exists()


def test_duplicate_code_is_a_conflict(make_project):
    make_project(code="2301-370285-04-01-000001")
    with pytest.raises(UserError) as exc:
        make_project("另一个项目", code="2301-370285-04-01-000001")
    assert exc.value.status == 409 and exc.value.field == "code"


def test_town_must_be_an_area(make_project, cast):
    with pytest.raises(UserError) as exc:
        make_project(town=cast.unit_b)
    assert exc.value.field == "town"


def test_update_changes_project_fields_and_bumps_version(make_project, cast):
    project = make_project()
    updated = services.project_update(actor=cast.office, project=project, expected_version=project.version,
                                      industry_chain="新材料", workers_on_site=120)
    assert (updated.industry_chain, updated.workers_on_site, updated.version) == ("新材料", 120, project.version + 1)
    assert _events(project)[-1] == "project.update"


def test_stale_version_is_a_conflict(make_project, cast):
    project = make_project()
    with pytest.raises(UserError) as exc:
        services.project_update(actor=cast.office, project=project, expected_version=project.version - 1, code="X1")
    assert exc.value.status == 409


def test_new_completion_after_assignment_needs_an_adjustment(make_project, cast):
    project = make_project()
    with pytest.raises(UserError) as exc:
        services.project_update(actor=cast.office, project=project, planned_completion=date(2024, 6, 30))
    assert exc.value.status == 409 and exc.value.code == "needs_adjustment"
    assert Task.objects.get(pk=project.pk).deadline == date(2023, 12, 31)


def test_plan_replaces_the_year_and_cannot_exceed_what_is_left(make_project, cast):
    project = make_project(total=Decimal("12000000"), prior_investment=Decimal("2000000"), plan=False)
    services.project_plan_set(actor=cast.office, project=project, year=2023, investment=[50 * WAN] * 12)
    assert ProjectPlan.objects.filter(project=project, year=2023).count() == 12
    with pytest.raises(UserError) as exc:
        services.project_plan_set(actor=cast.office, project=project, year=2023,
                                  investment=[Decimal("833334")] * 12)  # 1000.0008万 > 1000万 left
    assert exc.value.field == "investment"
    with pytest.raises(UserError) as exc:
        services.project_plan_set(actor=cast.office, project=project, year=2023, investment=[WAN] * 11)
    assert exc.value.field == "investment"


def test_negative_month_is_named(make_project, cast):
    project = make_project(plan=False)
    with pytest.raises(UserError) as exc:
        services.project_plan_set(actor=cast.office, project=project, year=2023,
                                  investment=[WAN] * 5 + [-WAN] + [WAN] * 6)
    assert exc.value.field == "investment_6"


def test_funding_must_add_up_to_the_total(make_project, cast):
    project = make_project(total=Decimal("60000000"))
    services.project_funding_set(actor=cast.office, project=project,
                                 amounts={"enterprise": 4000 * WAN, "special_bond": 2000 * WAN})
    assert {f.source for f in project.funding.all()} == {"enterprise", "special_bond"}
    with pytest.raises(UserError) as exc:
        services.project_funding_set(actor=cast.office, project=project, amounts={"enterprise": 4000 * WAN})
    assert exc.value.field == "funding"
    with pytest.raises(UserError):
        services.project_funding_set(actor=cast.office, project=project, amounts={"lottery": WAN})


def test_approvals_need_a_date_when_done_and_none_when_not(make_project, cast):
    project = make_project()
    services.project_approvals_set(actor=cast.office, project=project, items={
        "project": {"status": "done", "done_on": date(2023, 1, 10)}, "land": {"status": "doing"}})
    assert dict(project.approvals.values_list("kind", "status")) == {"project": "done", "land": "doing"}
    for items, field in (({"land": {"status": "done"}}, "approval_land"),
                         ({"environment": {"status": "todo", "done_on": date(2023, 1, 1)}}, "approval_environment"),
                         ({"design": {"status": "done", "done_on": date(2023, 4, 1)}}, "approval_design")):
        with pytest.raises(UserError) as exc:
            services.project_approvals_set(actor=cast.office, project=project, items=items)
        assert exc.value.field == field
    assert ProjectApproval.objects.filter(project=project).count() == 2


def test_stats_go_forward_and_back_only_with_a_reason(make_project, cast):
    project = make_project(actual_start=date(2023, 2, 10))
    project = services.project_stats_set(actor=cast.office, project=project, status="submitted")
    with pytest.raises(UserError) as exc:
        services.project_stats_set(actor=cast.office, project=project, status="pending")
    assert exc.value.field == "stats_reason"
    project = services.project_stats_set(actor=cast.office, project=project, status="pending", reason="资料不全，退回补正")
    assert project.stats_reason == "资料不全，退回补正"
    with pytest.raises(UserError) as exc:
        services.project_stats_set(actor=cast.office, project=project, status="in_stats")
    assert exc.value.field == "stats_status"
    project = services.project_stats_set(actor=cast.office, project=project, status="in_stats", basis="main_works",
                                         on=date(2023, 3, 20))
    assert (project.stats_status, project.stats_on, project.stats_reason) == ("in_stats", date(2023, 3, 20), "")


def test_an_attracted_project_that_starts_is_at_least_started(make_project, cast):
    project = make_project(attraction_stage="contract_signed", signed_on=date(2023, 1, 5))
    project = services.project_update(actor=cast.office, project=project, actual_start=date(2023, 3, 1))
    assert project.attraction_stage == "started"
    project = services.project_update(actor=cast.office, project=project, attraction_stage="registered")
    assert project.attraction_stage == "started"


def test_signing_records_the_day(make_project, cast, today):
    project = make_project(attraction_stage="negotiating")
    assert project.signed_on is None
    project = services.project_update(actor=cast.office, project=project, attraction_stage="contract_signed")
    assert project.signed_on == today


def test_battle_target_is_for_an_area_or_a_town(cast, campaign):
    area = campaign.focus_areas.first()
    target = services.battle_target_set(actor=cast.office, campaign=campaign, focus_area=area, attract=5, start=3,
                                        investment=1000 * WAN)
    again = services.battle_target_set(actor=cast.office, campaign=campaign, focus_area=area, attract=6)
    assert again.pk == target.pk and again.attract == 6
    with pytest.raises(UserError):
        services.battle_target_set(actor=cast.office, campaign=campaign, focus_area=area, town=cast.unit_a)
    with pytest.raises(UserError):
        services.battle_target_set(actor=cast.office, campaign=campaign, town=cast.unit_b)
    with pytest.raises(UserError) as exc:
        services.battle_target_set(actor=cast.office, campaign=campaign, town=cast.unit_a, leader=cast.editor_a.person)
    assert exc.value.field == "leader"
