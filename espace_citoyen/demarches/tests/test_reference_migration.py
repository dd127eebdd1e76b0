"""Démarche references move from the gapless counter to a PostgreSQL sequence on a
database that has issued references already: the sequence continues after the last one
(any year), and going back hands the counter the sequence's last number."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from espace_citoyen.core.models import Counter
from espace_citoyen.core.services import counter_next, sequence_next
from espace_citoyen.core.testing import migrate_to_latest

SEQUENCE = "0002_reference_sequence"
BEFORE = "0001_initial"

pytestmark = [
    pytest.mark.transactional,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's"),
]


def migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("demarches", target)])


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """The tests after this one need every migration applied, whatever it migrated to."""
    yield
    migrate_to_latest()


def test_the_sequence_continues_after_the_references_issued_and_back_again():
    year = timezone.localdate().year
    migrate(BEFORE)
    try:
        Counter.objects.filter(name="demarche").delete()
        Counter.objects.create(name="demarche", year=year - 1, value=120)
        Counter.objects.create(name="demarche", year=year, value=41)
        migrate(SEQUENCE)
        assert [sequence_next(name="demarche", year=year) for _ in range(2)] == [121, 122]

        migrate(BEFORE)
        assert counter_next(name="demarche", year=year) == 123
    finally:
        migrate(SEQUENCE)
