"""A ticket's assignment reaches the unit's phones through messaging; signing for that message with one tap signs
for the ticket too, when the person belongs to the unit that holds it."""

import contextlib

from gongjian.errors import UserError
from gongjian.frontline.models import Assignment

ASSIGN_PREFIX = "frontline.assign:"


def assign_key(assignment: Assignment) -> str:
    return f"{ASSIGN_PREFIX}{assignment.pk}"


def signed_by_link(key: str, person) -> None:
    from gongjian.frontline.services import ticket_sign

    assignment = Assignment.objects.select_related("ticket").filter(pk=int(key.removeprefix(ASSIGN_PREFIX))).first()
    # The 分管 leader the message climbed to stops the climb by signing, but does not accept the ticket for the unit.
    if assignment is None or person.unit_id != assignment.unit_id or assignment.ticket.unit_id != assignment.unit_id:
        return
    # Already signed, returned or awaiting a decision: then the one tap only stops the climb.
    with contextlib.suppress(UserError):
        ticket_sign(actor=person.user, ticket=assignment.ticket)
