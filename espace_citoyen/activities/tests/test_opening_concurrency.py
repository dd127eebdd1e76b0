"""Opening day: many families enrol at the same moment, each in its own activity, and
none waits for another's démarche (the reference comes from a database sequence, not
from a counter row locked until the other family's transaction commits)."""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection, connections, transaction

from espace_citoyen.activities import services
from espace_citoyen.activities.factories import activity_create
from espace_citoyen.activities.models import Enrolment, EnrolmentStatus
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.factories import family_create

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FAMILIES = 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@time_machine.travel(date(2026, 9, 14), tick=False)
def test_families_enrolling_at_once_in_different_activities_do_not_wait_for_each_other(
    django_db_blocker,
):
    """Each family's enrolment runs in a transaction kept open until every family has
    enrolled: if one of them waited for another's lock (the démarche reference), the
    second barrier would never be reached by all and would time out."""
    activities = [
        activity_create(name=f"Atelier {index}", capacity=5, uses_weekly_template=False)
        for index in range(FAMILIES)
    ]
    families = [family_create(children=1) for _index in range(FAMILIES)]
    children = [family.children.get() for family in families]
    start = threading.Barrier(FAMILIES)
    all_enrolled = threading.Barrier(FAMILIES)
    errors, references = [], []

    def enrol(index):
        try:
            start.wait(timeout=30)
            with transaction.atomic():
                enrolment = services.enrolment_request(
                    family=families[index],
                    child=children[index],
                    activity=activities[index],
                    weekdays=[],
                    actor=None,
                )
                references.append(enrolment.demarche.reference)
                # Still inside the transaction: every other family must get here too.
                all_enrolled.wait(timeout=20)
        except Exception as error:  # noqa: BLE001 (collected and asserted empty)
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(index,)) for index in range(FAMILIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(set(references)) == FAMILIES
    assert Enrolment.objects.filter(status=EnrolmentStatus.ACCEPTED).count() == FAMILIES
    assert Demarche.objects.filter(reference__in=references).count() == FAMILIES
