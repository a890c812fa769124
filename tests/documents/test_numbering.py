"""Document numbers: a sequence per type and year, gapless and unique even when two people sign at once."""

import threading

import pytest
from django.db import connection, connections, transaction

from gongjian.documents import services
from gongjian.documents.models import DocType, NumberCounter


def test_sequence_per_type_and_year(db):
    assert [services.issue_number(doc_type=DocType.NOTICE, year=2023) for _ in range(3)] == [1, 2, 3]
    assert services.issue_number(doc_type=DocType.NOTICE, year=2024) == 1
    assert services.issue_number(doc_type=DocType.BULLETIN, year=2023) == 1
    assert services.number_text(DocType.NOTICE, 2023, 7) == "督字〔2023〕7号"


def test_a_rolled_back_signing_gives_its_number_back(db):
    services.issue_number(doc_type=DocType.NOTICE, year=2023)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.issue_number(doc_type=DocType.NOTICE, year=2023)
        raise RuntimeError("signing failed after the number was taken")
    assert services.issue_number(doc_type=DocType.NOTICE, year=2023) == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_numbers_from_two_connections_are_gapless_and_unique():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections need PostgreSQL; SQLite serialises whole-database writes")
    barrier = threading.Barrier(2)
    issued: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def issue():
        try:
            barrier.wait()
            for _ in range(25):
                with transaction.atomic():
                    number = services.issue_number(doc_type=DocType.NOTICE, year=2023)
                with lock:
                    issued.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(issued) == list(range(1, 51))
    assert NumberCounter.objects.get(doc_type=DocType.NOTICE, year=2023).last == 50
