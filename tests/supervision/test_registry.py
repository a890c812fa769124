"""The rule registry: a rule registered by one call (as an app does from its AppConfig.ready()) is evaluated by
the daily run, can be switched off per campaign, and steps registered by apps to the right (tickets' SLA) run in
the same daily run."""

from datetime import date

import pytest

from gongjian.campaigns import services as task_services
from gongjian.supervision import registry, services
from gongjian.supervision.evaluate import RED, Finding
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Card

pytestmark = pytest.mark.django_db
DAY = date(2023, 3, 2)


def _named_task(task, rules, on, cal):
    # TaskFacts carry no title, and ids differ between databases (parameters are small integers): the test rule
    # lights the task whose deadline falls on the day of the month it is told to watch.
    if task.deadline.day == rules["test_watch"]["day"]:
        yield Finding("test_watch", RED, "测试规则：此任务被点名", {"task": task.id})


@pytest.fixture
def watch_rule():
    registry.register_rule(code="test_watch", name="测试点名", params={"day": 0}, evaluate=_named_task)
    yield
    registry.unregister_rule("test_watch")


def _task(cast, campaign, title, deadline=date(2023, 12, 29)):
    task = task_services.task_create(actor=cast.office, campaign=campaign, title=title, lead_unit=cast.unit_a,
                                     lead_leader=cast.leader.person, start=date(2023, 1, 3), deadline=deadline)
    return task_services.task_assign(actor=cast.office, task=task)


def test_a_registered_rule_is_evaluated_by_the_daily_run(cast, campaign, watch_rule):
    watched, other = _task(cast, campaign, "被点名"), _task(cast, campaign, "其他", deadline=date(2023, 12, 28))
    services.rule_set(actor=cast.office, code="test_watch", campaign=campaign, params={"day": 29})
    summary = supervise(on=DAY)
    assert summary["rules"].get("test_watch") == 1
    card = Card.objects.on(DAY).get(task=watched)
    assert card.color == RED
    assert [f["message"] for f in card.findings if f["rule"] == "test_watch"] == ["测试规则：此任务被点名"]
    assert "test_watch" not in {f["rule"] for f in Card.objects.on(DAY).get(task=other).findings}


def test_a_registered_rule_switched_off_for_a_campaign_is_not_evaluated(cast, campaign, watch_rule):
    watched = _task(cast, campaign, "被点名")
    services.rule_set(actor=cast.office, code="test_watch", campaign=campaign, params={"day": watched.deadline.day},
                      enabled=False)
    assert "test_watch" not in supervise(on=DAY)["rules"]


def test_an_unregistered_rule_cannot_be_configured(cast, campaign):
    from gongjian.errors import UserError

    with pytest.raises(UserError):
        services.rule_set(actor=cast.office, code="test_watch", campaign=campaign, params={})


def test_registered_steps_run_in_the_daily_run(cast):
    calls = []
    registry.register_step("test_step", lambda *, on, rules: calls.append((on, "overdue" in rules)) or {"ok": 1})
    try:
        summary = supervise(on=DAY)
    finally:
        registry.unregister_step("test_step")
    assert calls == [(DAY, True)] and summary["steps"]["test_step"] == {"ok": 1}
