import threading

import pytest
from django.db import connection, connections, transaction

from espace_citoyen.core.db import sequence_table
from espace_citoyen.core.services import counter_next, sequence_next


@pytest.mark.django_db
def test_a_sequence_counts_from_one_per_name_and_year():
    assert [counter_next(name="x", year=2026) for _ in range(3)] == [1, 2, 3]
    assert counter_next(name="x", year=2027) == 1
    assert counter_next(name="y", year=2026) == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_callers_get_twenty_different_numbers_without_gaps():
    """Numbers (démarche references, family numbers) are unique and gapless under load."""
    barrier = threading.Barrier(20)
    numbers = []

    def take():
        try:
            barrier.wait()
            numbers.append(counter_next(name="reference", year=2026))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 21))


@pytest.mark.django_db
def test_a_unique_sequence_gives_increasing_numbers():
    numbers = [sequence_next(name="demarche", year=2031) for _ in range(3)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_a_sequence_name_is_an_identifier():
    with pytest.raises(ValueError):
        sequence_table("x; DROP TABLE y")


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's")
def test_simultaneous_callers_of_the_sequence_do_not_wait_for_each_other():
    """Each caller keeps its transaction open until all have their number: with a row
    lock held until commit (counter_next), the second barrier would time out."""
    taken = threading.Barrier(10)
    numbers, errors = [], []

    def take():
        try:
            with transaction.atomic():
                numbers.append(sequence_next(name="demarche", year=2034))
                taken.wait(timeout=20)
        except Exception as error:  # noqa: BLE001 (collected and asserted empty)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(numbers)) == 10
