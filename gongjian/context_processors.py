from gongjian import clock
from gongjian.org.access import roles_of


def platform(request):
    return {
        "demo_today": clock.today() if clock.is_fixed() else None,
        "user_roles": roles_of(getattr(request, "user", None)),
    }
