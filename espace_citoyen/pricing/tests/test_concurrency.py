"""One declaration per family at a time, even when two arrive at the same moment."""

import threading
from datetime import date

import pytest
from django.db import connections

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.factories import family_create
from espace_citoyen.families.models import Family
from espace_citoyen.pricing import services
from espace_citoyen.pricing.models import IncomeDeclaration
from espace_citoyen.pricing.tests.conftest import pdf_upload


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_declarations_sent_at_once_give_one():
    """Two guardians declare at the same instant: one declaration is kept, the other is told."""
    user = UserFactory()
    family = family_create(user=user, address_validated_on=date(2026, 1, 1))
    barrier = threading.Barrier(2)
    results: list[str] = []

    def declare(qf: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.declaration_submit_caf(
                family=Family.objects.get(pk=family.pk),
                actor=user,
                qf=qf,
                attestation=pdf_upload(),
            )
            results.append("ok")
        except ApplicationError as error:
            results.append(error.message)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=declare, args=(qf,)) for qf in (812, 650)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count("ok") == 1, results
    assert any("Vous avez déjà une déclaration en cours d'examen" in r for r in results), results
    assert IncomeDeclaration.objects.filter(family_id=family.pk).count() == 1
