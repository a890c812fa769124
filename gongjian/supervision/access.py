"""The one place that decides who sees and changes cards, notices, blockers and rules.

Cards follow their task (campaigns.access). A notice is seen by the office and leaders, by the unit it is addressed
to and by the leader it informs; a blocker by whoever sees its task and by the unit responsible for clearing it."""

from django.db.models import Q, QuerySet

from gongjian.campaigns.access import tasks_visible_to
from gongjian.org.access import (
    can_edit_for_unit,
    get_or_404,
    is_office,
    require,
    sees_everything,
    unit_id_of,
)
from gongjian.org.models import Unit
from gongjian.supervision.models import Blocker, Card, Notice


def cards_visible_to(user) -> QuerySet[Card]:
    if sees_everything(user):
        return Card.objects.all()
    return Card.objects.filter(task__in=tasks_visible_to(user))


def notices_visible_to(user) -> QuerySet[Notice]:
    if sees_everything(user):
        return Notice.objects.all()
    unit_id = unit_id_of(user)
    person = getattr(user, "person", None) if user.is_authenticated else None
    scope = Q(pk__in=[])
    if unit_id is not None:
        scope |= Q(unit_id=unit_id)
    if person is not None:
        scope |= Q(leader_id=person.pk)
    return Notice.objects.filter(scope)


def can_answer_notice(user, notice: Notice) -> bool:
    """Sign for and reply to a notice: the addressed unit's editor, or the office."""
    return can_edit_for_unit(user, notice.unit_id)


def notice_for(user, notice_id, *, write: str | None = None) -> Notice:
    """`write`: "answer" (acknowledge, reply) or "interview" (the office records an interview)."""
    notice = get_or_404(notices_visible_to(user).select_related("task", "unit", "leader", "blocker"), notice_id)
    if write == "answer":
        require(can_answer_notice(user, notice))
    elif write == "interview":
        require(is_office(user))
    elif write is not None:
        raise ValueError(write)
    return notice


def blockers_visible_to(user) -> QuerySet[Blocker]:
    if sees_everything(user):
        return Blocker.objects.all()
    unit_id = unit_id_of(user)
    return Blocker.objects.filter(Q(task__in=tasks_visible_to(user)) | Q(responsible_unit_id=unit_id))


def can_resolve_blocker(user, blocker: Blocker) -> bool:
    return can_edit_for_unit(user, blocker.responsible_unit_id)


def can_sign_off_blocker(user, blocker: Blocker) -> bool:
    return is_office(user) or (user.is_authenticated and blocker.raised_by_id == user.pk)


def blocker_for(user, blocker_id, *, write: str | None = None) -> Blocker:
    """`write`: "resolve" (the responsible unit's editor or the office) or "sign_off" (whoever raised it, or the
    office)."""
    blocker = get_or_404(
        blockers_visible_to(user).select_related("task", "responsible_unit", "raised_by__person", "raised_unit"),
        blocker_id,
    )
    if write == "resolve":
        require(can_resolve_blocker(user, blocker))
    elif write == "sign_off":
        require(can_sign_off_blocker(user, blocker))
    elif write is not None:
        raise ValueError(write)
    return blocker


def unit_for(user, unit_id) -> Unit:
    """A unit's supervision page: the office and leaders see any unit, a unit's own people see their unit."""
    units = Unit.objects.all() if sees_everything(user) else Unit.objects.filter(pk=unit_id_of(user))
    return get_or_404(units, unit_id)


def can_read_rules(user) -> bool:
    return sees_everything(user)
