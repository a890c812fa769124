from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Q, QuerySet

from gongjian.org.access import roles_of
from gongjian.org.models import Person, Role, Unit, UnitDuty
from gongjian.types import User


def units_with_counts() -> QuerySet[Unit]:
    return Unit.objects.select_related("parent").annotate(people_count=Count("people"))


def units_matching(query: str) -> QuerySet[Unit]:
    query = query.strip()
    units = Unit.objects.filter(is_active=True)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(short_name__icontains=query) | Q(pinyin__startswith=query.lower()))
    return units




def leaders_matching(query: str) -> QuerySet[Person]:
    """City leaders by post or pinyin initials (e.g. "cwfsz" finds 常务副市长)."""
    query = query.strip()
    leaders = Person.objects.filter(is_city_leader=True, user__is_active=True)
    if query:
        leaders = leaders.filter(Q(display_name__icontains=query) | Q(post__icontains=query)
                                 | Q(pinyin__startswith=query.lower()))
    return leaders.order_by("id")


def people_with_roles() -> list[dict]:
    people = Person.objects.select_related("unit", "user").prefetch_related("user__role_grants").order_by("id")
    return [
        {"person": p, "roles": [Role(g.role).label for g in p.user.role_grants.all()], "active": p.user.is_active}
        for p in people
    ]


def workbench_for(user: User | AnonymousUser) -> dict:
    person = getattr(user, "person", None)
    return {
        "person": person,
        "roles": [Role(r).label for r in sorted(roles_of(user))],
    }


def token_rows(tokens: QuerySet) -> list[dict]:
    """Each token with its state in words (live, revoked, expired), newest first."""
    from django.utils import timezone

    from gongjian.org.tokens import token_state

    now = timezone.now()
    return [{"token": t, "state": token_state(t, now) or "有效"} for t in tokens.order_by("-created_at", "-id")]


def notice_chain(*, unit_id: int, also: Sequence[Person] = (), principal_leaders: bool = False) -> list[list[Person]]:
    """Who a notice to a unit reaches, step by step when nobody signs: the unit's liaison (its report editors when
    it named none) → the unit head → the city leaders in charge of the unit (分管). `also` (a leader to inform) and,
    for 约谈, the principal leaders are told at the first step."""
    return chain_extended(notice_chains(unit_ids=[unit_id])[unit_id], also=also,
                          principals=principal_people() if principal_leaders else [])


def chain_extended(chain: list[list[Person]], *, also: Sequence[Person | None] = (),
                   principals: Sequence[Person] = ()) -> list[list[Person]]:
    """A unit's chain with a leader to inform and the principal leaders (约谈) added to its first step."""
    first, *rest = chain
    return [first + [p for p in also if p is not None] + list(principals), *rest]


def principal_people() -> list[Person]:
    return list(Person.objects.filter(user__is_active=True, is_principal_leader=True).select_related("user")
                .order_by("id"))


def notice_chains(*, unit_ids: Iterable[int]) -> dict[int, list[list[Person]]]:
    """notice_chain's three steps for many units at once, in four queries whatever their number (the daily run
    issues notices to thousands of units at province scale)."""
    wanted = set(unit_ids)
    people = Person.objects.filter(user__is_active=True).select_related("user").order_by("id")
    liaisons: dict[int, list[Person]] = defaultdict(list)
    heads: dict[int, list[Person]] = defaultdict(list)
    overseers: dict[int, list[Person]] = defaultdict(list)
    for chunk in _chunks(sorted(wanted)):
        for person in people.filter(unit_id__in=chunk, unit_duty__in=[UnitDuty.LIAISON, UnitDuty.HEAD]):
            (liaisons if person.unit_duty == UnitDuty.LIAISON else heads)[cast(int, person.unit_id)].append(person)
        without = [pk for pk in chunk if pk not in liaisons]
        if without:
            for person in people.filter(unit_id__in=without, user__role_grants__role=Role.UNIT_EDITOR).distinct():
                liaisons[cast(int, person.unit_id)].append(person)
        for person in people.filter(oversees__in=chunk).annotate(overseen=F("oversees")):
            overseers[person.overseen].append(person)
    return {pk: [liaisons[pk], heads[pk], overseers[pk]] for pk in wanted}


def _chunks(items: list[int], size: int = 500) -> Iterable[list[int]]:
    # SQLite allows a bounded number of query parameters.
    for start in range(0, len(items), size):
        yield items[start:start + size]
