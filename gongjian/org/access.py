"""Who may see and change what. Each object type's `<noun>_for(user, pk, write=...)` helper lives beside
its app and builds on these: outside a user's scope an object does not exist (404); inside it but read-only, a write
is forbidden (403)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from gongjian.org.models import ADMIN_ROLES, Role, RoleGrant


def roles_of(user) -> frozenset[str]:
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_gongjian_roles", None)
    if cached is None:
        cached = frozenset(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
        user._gongjian_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_office(user) -> bool:
    return has_role(user, Role.SUPERVISION_OFFICE)


def is_leader(user) -> bool:
    return has_role(user, Role.CITY_LEADER)


def sees_everything(user) -> bool:
    """The supervision office and city leaders see every unit's work (leaders read-only)."""
    return has_role(user, Role.SUPERVISION_OFFICE, Role.CITY_LEADER)


def is_admin(user) -> bool:
    return bool(roles_of(user) & ADMIN_ROLES)


def unit_id_of(user) -> int | None:
    """The unit whose business data the user works with. The three administrators (三员) run the system, not
    their unit's work: they have none, so every unit-scoped query shows them nothing."""
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is None or is_admin(user):
        return None
    return person.unit_id


def can_edit_for_unit(user, unit_id: int | None) -> bool:
    """May the user write on behalf of this unit (fill its reports, answer its notices)?"""
    if is_office(user):
        return True
    return unit_id is not None and has_role(user, Role.UNIT_EDITOR) and unit_id_of(user) == unit_id


def get_or_404(queryset: QuerySet, pk) -> Model:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def require(condition: bool, message: str = "您没有权限执行此操作") -> None:
    if not condition:
        raise PermissionDenied(message)


def tokens_visible_to(user) -> QuerySet:
    """Owners see their own API tokens; the security administrator sees everyone's (to revoke them)."""
    from gongjian.org.models import ApiToken

    tokens = ApiToken.objects.select_related("user", "user__person")
    if has_role(user, Role.SECURITY_ADMIN):
        return tokens
    return tokens.filter(user=user)


def token_for(user, pk):
    return get_or_404(tokens_visible_to(user), pk)
