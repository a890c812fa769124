from django.conf import settings

from gongjian import clock
from gongjian.org.access import roles_of

# Roles that work with tasks, reports and cards (the navigation's main menus).
TASK_ROLES = {"supervision_office", "city_leader", "unit_editor", "unit_viewer"}


def platform(request):
    roles = roles_of(getattr(request, "user", None))
    return {
        "demo_today": clock.today() if clock.is_fixed() else None,
        "city_name": settings.GONGJIAN_CITY_NAME,
        "user_roles": roles,
        "works_on_tasks": bool(roles & TASK_ROLES),
        "calendar_missing_year": _calendar_missing_year(roles),
    }


def _calendar_missing_year(roles) -> int | None:
    if not roles & {"supervision_office", "system_admin"}:
        return None
    from gongjian.workdays.services import missing_next_year

    return missing_next_year(clock.today())
