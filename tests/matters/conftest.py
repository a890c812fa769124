from datetime import date

import pytest

from gongjian.org.models import Person


@pytest.fixture
def today(settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 15)
    return settings.GONGJIAN_TODAY


@pytest.fixture
def leader_person(cast) -> Person:
    person = cast.leader.person
    if not person.is_city_leader:
        person.is_city_leader = True
        person.save()
    return person
