"""A child cannot have two active enrolments for a year, even from two simultaneous
requests (two guardians clicking at once)."""

import threading

import pytest
from django.db import connections

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.schooling import services
from espace_citoyen.schooling.models import Enrolment


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_requests_make_one_enrolment(citizen, family, child, year):
    """Four requests at the same moment for the same child and year: one enrolment."""
    barrier = threading.Barrier(4)
    results: list[str] = []

    def submit():
        try:
            barrier.wait()
            services.enrolment_submit(family=family, child=child, school_year=year, actor=citizen)
            results.append("ok")
        except ApplicationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert Enrolment.objects.filter(child=child, school_year=year, active=True).count() == 1
