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
    card = Card.objects.get(task_id=item.pk, date=date(2023, 3, 20))
    assert card.color == "red" and card.findings
