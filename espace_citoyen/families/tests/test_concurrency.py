"""Activation codes under real concurrent connections: a code works once, and wrong
tries stay bounded even when they arrive at the same instant."""

import threading

import pytest
from django.db import connections

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families import services
from espace_citoyen.families.factories import family_create
from espace_citoyen.families.models import Guardian, Throttle

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _run_at_once(count, attempt):
    barrier = threading.Barrier(count)
    results = []

    def run(index):
        try:
            barrier.wait()
            results.append(attempt(index))
        except ApplicationError as error:
            results.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_code_typed_by_ten_accounts_at_once_links_exactly_one():
    family = family_create(children=1)
    guardian = family.guardians.get()
    code, _record = services.activation_code_issue(guardian=guardian, created_by=None)
    users = [UserFactory() for _ in range(10)]
    results = _run_at_once(
        10, lambda i: services.activation_code_redeem(user=users[i], typed=code) and "ok"
    )
    assert results.count("ok") == 1
    assert len(results) == 10
    assert Guardian.objects.get(pk=guardian.pk).user in users


def test_twelve_wrong_codes_at_once_are_counted_one_by_one():
    user = UserFactory()
    results = _run_at_once(
        12, lambda i: services.activation_code_redeem(user=user, typed=f"ZZZZ-ZZZZ-{i:02d}")
    )
    throttle = Throttle.objects.get(user=user, purpose="activation")
    assert throttle.count == 5
    assert throttle.locked_until is not None
    checked = [r for r in results if "n'est pas reconnu" in r]
    assert len(checked) == 4  # the 5th wrong try answers with the lock message
    assert sum("Trop d'essais" in r for r in results) == 8
