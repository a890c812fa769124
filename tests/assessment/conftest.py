"""Builders for assessment tests: a campaign with two towns and two departments, tasks assigned through the
campaign services, and the events that drive each indicator."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from gongjian.assessment import services
from gongjian.assessment.models import Ranking, Score
from gongjian.campaigns import services as task_services
from gongjian.campaigns.models import Task
from gongjian.dispatch import periods as reporting
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.org.models import Unit
from gongjian.supervision.models import Card

TODAY = date(2023, 4, 20)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class World:
    cast: object
    campaign: object
    town_a: Unit  # 姜山镇 (the cast's unit A)
    town_c: Unit
    dept_b: Unit  # 发改局 (the cast's unit B)
    dept_d: Unit

    @property
    def office(self):
        return self.cast.office

    def task(self, lead: Unit, *, deadline: date, co=(), title: str | None = None, start=date(2023, 2, 1),
             target_value=None, indicator_unit: str = "") -> Task:
        task = task_services.task_create(
            actor=self.office, campaign=self.campaign, title=title or f"{lead.name}任务{Task.objects.count() + 1}",
            lead_unit=lead, co_units=list(co), start=start, deadline=deadline, target_value=target_value,
            indicator_unit=indicator_unit)
        return task_services.task_assign(actor=self.office, task=task)

    def complete(self, task: Task, on: date) -> Task:
        return task_services.task_transition(actor=self.office, task=task, to=Task.Status.COMPLETED, on=on)

    def card(self, task: Task, on: date, color: str, rule: str = "overdue") -> Card:
        return Card.objects.create(task=task, valid_from=on, valid_until=on, color=color,
                                   findings=[{"rule": rule, "color": color, "message": "", "facts": {}}])

    def report(self, task: Task, month: date, *, submitted: date | None, state: str = "submitted",
               returns: int = 0) -> ProgressReport:
        period = reporting.period_for(ReportingPeriod.Kind.MONTH, month)
        at = datetime.combine(submitted, time(10), tzinfo=SHANGHAI) if submitted else None
        return ProgressReport.objects.create(task=task, period=period, unit=task.lead_unit, state=state,
                                             submitted_at=at, return_count=returns, work_done="进展",
                                             created_by=self.office)

    def compute(self, label: str = "2023-03", period_type: str = "month") -> Ranking:
        scheme = services.scheme_for(actor=self.office, campaign=self.campaign, period_type=period_type)
        return services.ranking_compute(actor=self.office, scheme=scheme, label=label)

    def score(self, ranking: Ranking, unit: Unit) -> Score:
        return Score.objects.get(ranking=ranking, unit=unit)

    def lines(self, ranking: Ranking, unit: Unit, indicator: str | None = None) -> list[tuple[Decimal, str]]:
        items = self.score(ranking, unit).items.order_by("id")
        if indicator:
            items = items.filter(indicator=indicator)
        return [(item.points, item.reason) for item in items]


@pytest.fixture
def world(cast, campaign, settings) -> World:
    settings.GONGJIAN_TODAY = TODAY
    town_c = Unit.objects.create(name="河头店镇", kind=Unit.Kind.TOWN)
    dept_d = Unit.objects.create(name="工信局", kind=Unit.Kind.DEPARTMENT)
    return World(cast, campaign, cast.unit_a, town_c, cast.unit_b, dept_d)
