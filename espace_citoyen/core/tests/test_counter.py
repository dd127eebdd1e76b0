import threading

import pytest
from django.db import connections

from espace_citoyen.core.services import counter_next


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
