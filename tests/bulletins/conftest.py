"""A small March 2023 built through the services: tasks of several colours, a completion, an overdue blocker,
a February and a March supervision run, and a March ranking."""

from dataclasses import dataclass
from datetime import date

import pytest

from gongjian.assessment import services as assessment_services
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.org.models import Unit
from gongjian.supervision import services as supervision_services
from gongjian.supervision.jobs import supervise

MARCH_END = date(2023, 3, 31)


@dataclass
class March:
    cast: object
    campaign: object
    town_c: Unit
    overdue: Task
    near: Task
    green: Task
    done: Task
    unfiled: Task
    draft: Task


def build_march(cast, campaign, settings) -> March:
    office = cast.office
    leader = cast.leader.person
    leader.is_city_leader = True
    leader.save()
    area_1 = campaign.focus_areas.first()
    area_2 = task_services.focus_area_create(actor=office, campaign=campaign, title="优化营商环境")
    town_c = Unit.objects.create(name="河头店镇", kind=Unit.Kind.TOWN)

    def task(title, lead, deadline, *, area=area_1, start=date(2023, 3, 15), assign=True, with_leader=False):
        t = task_services.task_create(actor=office, campaign=campaign, title=title, lead_unit=lead, start=start,
                                      deadline=deadline, focus_area=area, lead_leader=leader if with_leader else None)
        return task_services.task_assign(actor=office, task=t) if assign else t

    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    overdue = task("建设姜山新材料产业园", cast.unit_a, date(2023, 3, 10), start=date(2023, 2, 1), with_leader=True)
    supervision_services.blocker_raise(actor=office, task=overdue, category="land", description="园区二期用地指标未落实",
                                       responsible_unit=cast.unit_b, due_on=date(2023, 3, 15))
    near = task("河头店渔乐节筹备", town_c, date(2023, 4, 3), area=area_2, with_leader=True)
    green = task("编制发改项目储备库", cast.unit_b, date(2023, 12, 31), with_leader=True)
    done = task("姜山营商环境提升", cast.unit_a, date(2023, 3, 20), area=area_2)
    task_services.task_transition(actor=office, task=done, to=Task.Status.COMPLETED, on=date(2023, 3, 15))
    unfiled = task("河头店镇污水管网", town_c, date(2023, 6, 30), area=None)
    draft = task("尚未交办的任务", cast.unit_a, date(2023, 9, 30), assign=False)
    settings.GONGJIAN_TODAY = date(2023, 2, 28)
    supervise(on=date(2023, 2, 28))
    settings.GONGJIAN_TODAY = date(2023, 3, 16)
    supervise(on=date(2023, 3, 16))  # the day after the blocker's due date: it is escalated
    settings.GONGJIAN_TODAY = MARCH_END
    supervise(on=MARCH_END)
    scheme = assessment_services.scheme_for(actor=office, campaign=campaign, period_type="month")
    assessment_services.ranking_compute(actor=office, scheme=scheme, label="2023-03")
    return March(cast, campaign, town_c, overdue, near, green, done, unfiled, draft)


@pytest.fixture
def march(cast, campaign, settings) -> March:
    return build_march(cast, campaign, settings)
