"""The supervision run's bulk load of project facts: right facts, and a fixed number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjian.dispatch import services as dispatch_services
from gongjian.projects import services
from gongjian.projects.rules import PROJECT_RULES, evaluate_project, load_project_facts
from gongjian.supervision import services as supervision_services
from gongjian.workdays import days

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")
RULES = {code: dict(rule["params"]) for code, rule in PROJECT_RULES.items()}


def _approve(project, period, cast, invested_wan, gov_wan=0):
    report = services.project_dispatch_save(
        actor=cast.editor_a, project=project, period=period, submit=True, report_fields={"work_done": "推进"},
        figures={"invested": Decimal(invested_wan) * WAN, "gov_funds_paid": Decimal(gov_wan) * WAN})
    return dispatch_services.report_approve(actor=cast.office, report=report)


def test_facts_carry_plan_figures_month_and_blockers(make_project, month, cast, settings):
    project = make_project(actual_start=date(2023, 2, 10))
    services.project_plan_set(actor=cast.office, project=project, year=2023, investment=[100 * WAN] * 12,
                              gov_funds=[10 * WAN] * 12)
    _approve(project, month(1), cast, 80, 10)
    _approve(project, month(2), cast, 90, 5)
    supervision_services.blocker_raise(actor=cast.office, task=project, category="funding",
                                       description="资金缺口", responsible_unit=cast.unit_b, due_on=date(2023, 3, 31))
    draft = make_project("未交办项目", assign=False)
    facts = load_project_facts(date(2023, 4, 3))
    assert set(facts) == {project.pk} and draft.pk not in facts
    f = facts[project.pk]
    assert f.month == 2  # February is reported; March is not yet due (2023-04-10)
    assert f.actual[:3] == (80 * WAN, 90 * WAN, Decimal(0)) and f.plan[0] == 100 * WAN
    assert f.gov_paid[:2] == (10 * WAN, 5 * WAN) and f.gov_plan[1] == 10 * WAN
    assert [(b.category, b.unit) for b in f.blockers] == [("funding", "发改局")]
    found = {x.rule: x.color for x in evaluate_project(f, RULES, date(2023, 4, 3), days.calendar())}
    # 170万 of 200万 planned to February: 14.2 % against 16.7 %; government funds 15万 of 20万: red.
    assert found == {"funds_lag": "red", "blocker_overdue": "yellow", "not_in_stats": "yellow"}


def test_a_month_past_due_counts_as_reported_even_when_empty(make_project, month, cast):
    project = make_project(actual_start=date(2023, 2, 10))
    _approve(project, month(1), cast, 100)
    assert load_project_facts(date(2023, 4, 12))[project.pk].month == 3


def _queries(on) -> int:
    with CaptureQueriesContext(connection) as ctx:
        load_project_facts(on)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_projects(make_project, cast, month):
    first = make_project("项目0", actual_start=date(2023, 2, 10))
    _approve(first, month(2), cast, 50)
    days.calendar()
    few = _queries(date(2023, 3, 31))
    for i in range(1, 12):
        project = make_project(f"项目{i}", actual_start=date(2023, 2, 10))
        _approve(project, month(2), cast, 50)
        supervision_services.blocker_raise(actor=cast.office, task=project, category="land", description="用地",
                                           responsible_unit=cast.unit_b)
    assert _queries(date(2023, 3, 31)) == few <= 5
