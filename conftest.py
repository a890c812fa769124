"""The fixed cast every test uses (docs/architecture.md "Conventions"): the supervision office, a city leader, unit A's
editor and viewer, an outsider from unit B, a citizen (anonymous) and the three administrators."""

from dataclasses import dataclass

import pytest
from django.test import Client

from gongjian.org.models import Role, Unit
from gongjian.org.services import user_create

PASSWORD = "Cast#Pass2023"


@dataclass
class Cast:
    office: object
    leader: object
    editor_a: object
    viewer_a: object
    outsider_b: object
    system_admin: object
    security_admin: object
    audit_admin: object
    unit_a: Unit
    unit_b: Unit
    leadership: Unit
    password: str = PASSWORD


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """A rolled-back test's holiday override must not linger in the process's cached calendar."""
    from gongjian.workdays import days

    days.reset()
    yield
    days.reset()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached figures (the cockpit's) live in the cache; nothing one test leaves there may
    refuse or answer the next test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_audit_anchor(settings):
    """Tests share no anchor file (a test that wants one sets its own); a shared file would mix unrelated chains."""
    settings.AUDIT_ANCHOR_FILE = ""


@pytest.fixture
def cast(db) -> Cast:
    leadership = Unit.objects.create(name="市委市政府", kind=Unit.Kind.LEADERSHIP)
    office_unit = Unit.objects.create(name="市委市政府督查室", kind=Unit.Kind.LEADERSHIP, parent=leadership)
    unit_a = Unit.objects.create(name="姜山镇", kind=Unit.Kind.TOWN)
    unit_b = Unit.objects.create(name="发改局", kind=Unit.Kind.DEPARTMENT)
    it = Unit.objects.create(name="大数据局", kind=Unit.Kind.DEPARTMENT)

    def make(username, display, unit, roles):
        return user_create(actor=None, username=username, password=PASSWORD, display_name=display, unit=unit,
                           roles=roles)

    return Cast(
        office=make("office", "督查室主任", office_unit, [Role.SUPERVISION_OFFICE]),
        leader=make("leader", "常务副市长", leadership, [Role.CITY_LEADER]),
        editor_a=make("editor_a", "姜山镇督查专员", unit_a, [Role.UNIT_EDITOR]),
        viewer_a=make("viewer_a", "姜山镇镇长", unit_a, [Role.UNIT_VIEWER]),
        outsider_b=make("outsider_b", "发改局科长", unit_b, [Role.UNIT_EDITOR]),
        system_admin=make("sysadmin1", "系统管理员", it, [Role.SYSTEM_ADMIN]),
        security_admin=make("secadmin1", "安全管理员", it, [Role.SECURITY_ADMIN]),
        audit_admin=make("auditadmin1", "审计管理员", it, [Role.AUDIT_ADMIN]),
        unit_a=unit_a,
        unit_b=unit_b,
        leadership=leadership,
    )


@pytest.fixture
def citizen() -> Client:
    """A member of the public: no account, no session."""
    return Client()


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def campaign(cast):
    from datetime import date

    from gongjian.campaigns import services

    campaign = services.campaign_create(actor=cast.office, name="2023 攻坚克难年", year=2023, start=date(2023, 1, 28),
                                        end=date(2023, 12, 31))
    services.focus_area_create(actor=cast.office, campaign=campaign, title="深化双招双引")
    return campaign


@pytest.fixture
def task_a(cast, campaign):
    """A draft task led by unit A; unit B has no part in it."""
    from datetime import date

    from gongjian.campaigns import services

    return services.task_create(actor=cast.office, campaign=campaign, title="建强姜山园区", lead_unit=cast.unit_a,
                                start=date(2023, 2, 1), deadline=date(2023, 6, 30),
                                focus_area=campaign.focus_areas.first())


# Fixtures through which a test reaches the database; a test that uses none of them (nor the django_db marker) runs
# the same on every database vendor. (`django_db_blocker` is not one: pytest-django's autouse fixtures pull it into
# every test.)
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                      "django_db_setup", "live_server"}


def pytest_collection_modifyitems(config, items):
    """With GONGJIAN_DATABASE_TESTS_ONLY set (CI's second pass, on PostgreSQL), keep only the tests that touch the
    database: the others ran already in the first pass and cannot behave differently on another vendor."""
    import os

    if not os.environ.get("GONGJIAN_DATABASE_TESTS_ONLY"):
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or bool(
            _DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
