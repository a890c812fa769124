"""督办事项 are supervised like campaign tasks: the daily run lights their cards and the escalation ladder applies."""

from datetime import date

import pytest

from gongjian.matters import services
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import Card

pytestmark = pytest.mark.django_db


def test_an_overdue_instruction_gets_a_red_card(cast, settings, leader_person):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    item = services.instruction_register(actor=cast.office, leader=leader_person, instruction_text="请办理",
                                         received_on=date(2023, 3, 1), title="批示事项", lead_unit=cast.unit_a,
                                         deadline=date(2023, 3, 10), proposed_handling="姜山镇办理")
    services.instruction_approve_handling(actor=cast.office, instruction=item)
    settings.GONGJIAN_TODAY = date(2023, 3, 20)
    supervise(on=date(2023, 3, 20))
    card = Card.objects.on(date(2023, 3, 20)).get(task_id=item.pk)
    assert card.color == "red" and card.findings


def _rules(task_id, day) -> dict[str, str]:
    return {f["rule"]: f["color"] for f in Card.objects.on(day).get(task_id=task_id).findings}


def test_matter_rules_unreported_and_upstream_due(cast, settings, leader_person):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    item = services.instruction_register(actor=cast.office, leader=leader_person, instruction_text="请办理",
                                         received_on=date(2023, 3, 1), title="批示事项", lead_unit=cast.unit_a,
                                         deadline=date(2023, 4, 28), proposed_handling="姜山镇办理")
    services.instruction_approve_handling(actor=cast.office, instruction=item)
    upstream = services.assignment_create(actor=cast.office, upstream_body="青岛市委督查室",
                                          upstream_deadline=date(2023, 3, 14), title="上级事项", lead_unit=cast.unit_a,
                                          lead_workdays=1)
    day = date(2023, 3, 10)  # 7 working days after 1 March; the upstream deadline is 2 working days away
    settings.GONGJIAN_TODAY = day
    supervise(on=day)
    assert _rules(item.pk, day)["matter_no_report"] == "yellow"
    assert _rules(upstream.pk, day)["upstream_due"] == "red"
    services.handling_report(actor=cast.editor_a, item=item, text="已办理")
    services.assignment_reply(actor=cast.office, assignment=upstream, reply_text="已报送")
    supervise(on=day)
    assert "matter_no_report" not in _rules(item.pk, day) and "upstream_due" not in _rules(upstream.pk, day)
