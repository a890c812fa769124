"""gongjian.bulk.update_rows (the daily run's writes of changed cards and ladder states): each named row gets exactly
its values — JSON, dates, flags, NULL — and no other row or column moves; a failing update leaves nothing behind."""

from datetime import date

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from gongjian.bulk import json_text, shared_json, update_rows
from gongjian.supervision.models import Card

pytestmark = pytest.mark.django_db


def _cards(campaign, cast, n: int) -> list[Card]:
    from gongjian.campaigns.models import Task

    tasks = [Task.objects.create(campaign=campaign, title=f"批量更新{i}", lead_unit=cast.unit_a, start=date(2023, 2, 1),
                                 deadline=date(2023, 6, 30)) for i in range(n)]
    return [Card.objects.create(task=t, valid_from=date(2023, 3, 1), color="green", findings=[]) for t in tasks]


def test_each_row_gets_its_own_values_and_nothing_else_moves(cast, campaign):
    cards = _cards(campaign, cast, 4)
    awkward = {"rule": "overdue", "message": "已逾期3个工作日\t\\N\n“引号”'", "facts": {"days": 3, "none": None}}
    update_rows(Card, ["valid_until", "color", "findings", "overridden"], [
        (cards[0].pk, date(2023, 3, 9), "red", [awkward], True),
        (cards[1].pk, None, "yellow", [], False),
    ])
    update_rows(Card, ["findings"], [(cards[2].pk, [{"rule": "caught_up", "n": 1.5}])])
    update_rows(Card, ["findings"], [])
    got = {c.pk: c for c in Card.objects.filter(pk__in=[c.pk for c in cards])}
    assert (got[cards[0].pk].valid_until, got[cards[0].pk].color, got[cards[0].pk].findings,
            got[cards[0].pk].overridden) == (date(2023, 3, 9), "red", [awkward], True)
    assert (got[cards[1].pk].valid_until, got[cards[1].pk].color, got[cards[1].pk].findings) == (None, "yellow", [])
    assert (got[cards[2].pk].color, got[cards[2].pk].findings) == ("green", [{"rule": "caught_up", "n": 1.5}])
    assert (got[cards[3].pk].color, got[cards[3].pk].findings, got[cards[3].pk].valid_from) == (
        "green", [], date(2023, 3, 1))


def test_many_rows_in_one_call(cast, campaign):
    cards = _cards(campaign, cast, 30)
    update_rows(Card, ["findings"], [(c.pk, [{"i": i}]) for i, c in enumerate(cards)])
    assert dict(Card.objects.filter(pk__in=[c.pk for c in cards]).values_list("pk", "findings")) == {
        c.pk: [{"i": i}] for i, c in enumerate(cards)}


def test_a_failing_update_writes_nothing_and_can_be_retried(cast, campaign):
    cards = _cards(campaign, cast, 2)
    too_long = "红" * 50  # color is max_length=6
    error = DataError if connection.vendor == "postgresql" else IntegrityError
    with transaction.atomic():
        try:
            update_rows(Card, ["color", "findings"], [(cards[0].pk, "red", [{"x": 1}]), (cards[1].pk, too_long, [])])
        except (DataError, IntegrityError) as exc:
            assert isinstance(exc, error)
        else:
            assert connection.vendor == "sqlite"  # SQLite does not enforce varchar lengths
    if connection.vendor == "postgresql":
        assert set(Card.objects.filter(pk__in=[c.pk for c in cards]).values_list("color", flat=True)) == {"green"}
    update_rows(Card, ["color"], [(cards[0].pk, "yellow")])
    assert Card.objects.get(pk=cards[0].pk).color == "yellow"


def test_existing_values_names_only_the_values_some_row_holds(cast, campaign):
    from gongjian.bulk import existing_values

    cards = _cards(campaign, cast, 3)
    asked = [cards[0].task_id, cards[2].task_id, 10**9, -1]
    assert existing_values(Card, "task_id", asked) == {cards[0].task_id, cards[2].task_id}
    assert existing_values(Card, "task_id", []) == set()


def test_json_text_and_shared_json_read_back_what_was_stored(cast, campaign):
    cards = _cards(campaign, cast, 3)
    stored = [{"rule": "overdue", "message": "已逾期3个工作日\t“引号”", "facts": {"days": 3, "share": 1.5, "none": None}}]
    update_rows(Card, ["findings"], [(cards[0].pk, stored), (cards[1].pk, stored)])
    decode = shared_json()
    read = {pk: decode(text) for pk, text in Card.objects.filter(pk__in=[c.pk for c in cards]).values_list(
        "pk", json_text("findings"))}
    assert read == {cards[0].pk: stored, cards[1].pk: stored, cards[2].pk: []}
    assert read[cards[0].pk] is read[cards[1].pk]  # one decoding per distinct text
    assert decode(None) is None
