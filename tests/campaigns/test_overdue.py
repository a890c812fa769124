""""Overdue" has one definition (campaigns/overdue.py): the cockpit, the task list filter, the leader's desk, the
bulletin and the daily run's `overdue` rule count the same tasks, on a fixture with the edge cases."""

from datetime import date

import pytest

from gongjian.bulletins.selectors import month_figures
from gongjian.campaigns import services
from gongjian.campaigns.models import Milestone, Task, task_overdue_q
from gongjian.campaigns.overdue import overdue_on
from gongjian.cockpit.selectors import cockpit_data
from gongjian.supervision.evaluate import evaluate
from gongjian.supervision.jobs import load_facts, rules_by_campaign
from gongjian.workdays import days

pytestmark = pytest.mark.django_db

ON = date(2023, 3, 31)


@pytest.fixture
def tasks(cast, campaign, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    office = cast.office
    leader = cast.leader.person
    leader.is_city_leader = True
    leader.save()

    def task(title, deadline, *, assign=True):
        t = services.task_create(actor=office, campaign=campaign, title=title, lead_unit=cast.unit_a,
                                 start=date(2023, 2, 1), deadline=deadline, lead_leader=leader)
        return services.task_assign(actor=office, task=t) if assign else t

    made = {
        "due_today": task("今日到期", ON),
        "due_yesterday": task("昨日到期", date(2023, 3, 30)),
        "due_on_a_saturday": task("上周六到期", date(2023, 3, 25)),
        "completed_late": task("逾期后办结", date(2023, 3, 10)),
        "completed_on_time": task("按期办结", date(2023, 3, 20)),
        "suspended": task("已暂停", date(2023, 3, 10)),
        "draft": task("草稿", date(2023, 3, 10), assign=False),
        "cancelled": task("已撤销", date(2023, 3, 10)),
        "future": task("未到期", date(2023, 6, 30)),
    }
    services.task_transition(actor=office, task=made["completed_late"], to=Task.Status.COMPLETED, on=date(2023, 3, 30))
    services.task_transition(actor=office, task=made["completed_on_time"], to=Task.Status.COMPLETED,
                             on=date(2023, 3, 20))
    services.task_transition(actor=office, task=made["suspended"], to=Task.Status.SUSPENDED)
    services.task_transition(actor=office, task=made["cancelled"], to=Task.Status.CANCELLED, reason="合并到其他任务")
    settings.GONGJIAN_TODAY = ON
    return {name: Task.objects.get(pk=t.pk) for name, t in made.items()}


EXPECTED = {"due_yesterday", "due_on_a_saturday"}


def test_the_definition_on_the_edge_cases(tasks):
    assert {name for name, t in tasks.items() if t.is_overdue(ON)} == EXPECTED
    ids = set(Task.objects.filter(task_overdue_q(ON)).values_list("id", flat=True))
    assert ids == {tasks[name].pk for name in EXPECTED}


def test_a_past_day_counts_what_was_overdue_then(tasks):
    """On 3-25 the task completed on 3-30 was still open and past its 3-10 deadline."""
    day = date(2023, 3, 25)
    expected = {"completed_late"}
    assert {name for name, t in tasks.items() if t.is_overdue(day)} == expected
    assert set(Task.objects.filter(task_overdue_q(day)).values_list("id", flat=True)) == {
        tasks["completed_late"].pk}
    assert not tasks["completed_late"].is_overdue(date(2023, 3, 30))  # done that day


def test_every_place_counts_the_same_tasks(tasks, campaign, cast, client_for):
    expected = len(EXPECTED)
    cockpit = cockpit_data(cast.office, campaign, ON)["overdue"]
    assert cockpit["count"]["n"] == expected
    assert {row["id"] for row in cockpit["items"]} == {tasks[name].pk for name in EXPECTED}
    assert all(row["late_workdays"] > 0 for row in cockpit["items"])

    listed = client_for(cast.office).get(cockpit["count"]["url"])
    assert listed.status_code == 200
    assert {t.pk for t in listed.context["page"]} == {tasks[name].pk for name in EXPECTED}
    not_listed = client_for(cast.office).get("/tasks/", {"campaign": campaign.pk, "overdue": "false"})
    assert not_listed.context["count"] == len(tasks) - expected

    desk = client_for(cast.leader).get("/desk/")
    assert desk.context["numbers"]["overdue"] == expected

    assert month_figures(campaign, "2023-03")["tasks"]["overdue"] == expected

    calendar = days.calendar()
    facts = load_facts(ON)
    rules = rules_by_campaign({campaign.pk})[campaign.pk]
    red = {row["id"] for row, fact in facts if any(f.rule == "overdue" for f in evaluate(fact, rules, ON, calendar))}
    assert red == {tasks[name].pk for name in EXPECTED}


def test_task_detail_says_overdue_only_when_it_is(tasks, client_for, cast):
    office = client_for(cast.office)
    assert office.get(f"/tasks/{tasks['due_yesterday'].pk}/").context["overdue"] is True
    assert office.get(f"/tasks/{tasks['due_today'].pk}/").context["overdue"] is False
    assert office.get(f"/tasks/{tasks['completed_late'].pk}/").context["overdue"] is False


@pytest.mark.parametrize(("planned", "done", "expected"), [
    (date(2023, 3, 31), None, False),  # due today
    (date(2023, 3, 30), None, True),
    (date(2023, 3, 30), date(2023, 3, 31), False),  # done today, late
    (date(2023, 3, 30), date(2023, 4, 3), True),  # done after the day asked about
    (None, None, False),
])
def test_milestone_overdue(planned, done, expected):
    assert overdue_on(planned, done, ON) is expected
    assert Milestone(planned_date=planned, done_on=done).is_overdue(ON) is expected
