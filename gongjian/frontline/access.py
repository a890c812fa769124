"""The one place that decides who sees and changes a ticket or an idea.

The supervision office (the dispatcher) sees and handles every ticket; city leaders see all, read-only. A unit sees
the tickets assigned to it, now or before; its editors sign, return, extend and reply to those it holds. A grid
worker sees the tickets he reported or that concern his grid cells, and verifies their resolution."""

from django.db.models import Q, QuerySet

from gongjian.frontline.models import Assignment, Idea, Ticket
from gongjian.org.access import can_edit_for_unit, get_or_404, has_role, is_office, require, sees_everything, unit_id_of
from gongjian.org.models import Role

UNIT_ROLES = (Role.UNIT_EDITOR, Role.UNIT_VIEWER)


def tickets_visible_to(user) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all()
    if sees_everything(user):
        return tickets
    scope = Q(pk__in=[])
    unit_id = unit_id_of(user)
    if unit_id is not None and has_role(user, *UNIT_ROLES):
        held_before = Assignment.objects.filter(unit_id=unit_id).values("ticket_id")
        scope |= Q(unit_id=unit_id) | Q(pk__in=held_before)
    if has_role(user, Role.GRID_WORKER):
        scope |= Q(reporter=user) | Q(grid__worker=user)
    return tickets.filter(scope)


def can_handle(user, ticket: Ticket) -> bool:
    """Sign, return, extend, report progress, reply: an editor of the unit that holds the ticket now."""
    if ticket.unit_id is None or is_office(user):
        return False
    return can_edit_for_unit(user, ticket.unit_id)


def can_verify(user, ticket: Ticket) -> bool:
    """The follow-up visit: the dispatcher, or the grid worker who reported the event."""
    if is_office(user):
        return True
    return has_role(user, Role.GRID_WORKER) and ticket.source == Ticket.Source.GRID and ticket.reporter_id == user.pk


def can_follow_up(user, ticket: Ticket) -> bool:
    """A dispute's follow-up visits: the dispatcher or the handling unit's editors."""
    return is_office(user) or can_handle(user, ticket)


def can_write_ticket(user, ticket: Ticket, kind: str) -> bool:
    if kind == "assign":
        return is_office(user)
    if kind == "handle":
        return can_handle(user, ticket)
    if kind == "verify":
        return can_verify(user, ticket)
    if kind == "follow_up":
        return can_follow_up(user, ticket)
    raise ValueError(kind)


def ticket_for(user, pk, *, write: str | None = None) -> Ticket:
    """A ticket the user may see (404 otherwise); `write` is "assign", "handle", "verify" or "follow_up" (403)."""
    ticket = get_or_404(tickets_visible_to(user).select_related("category", "unit", "town", "grid"), pk)
    if write is not None:
        require(can_write_ticket(user, ticket, write))
    return ticket


def can_see_ideas(user) -> bool:
    """Ideas are open to all working staff: evaluating them is the office's job, reading them is everyone's."""
    return has_role(user, Role.SUPERVISION_OFFICE, Role.CITY_LEADER, Role.GRID_WORKER, *UNIT_ROLES)


def ideas_visible_to(user) -> QuerySet[Idea]:
    return Idea.objects.all() if can_see_ideas(user) else Idea.objects.none()


def idea_for(user, pk, *, write: bool = False) -> Idea:
    idea = get_or_404(ideas_visible_to(user), pk)
    if write:
        require(is_office(user))
    return idea
