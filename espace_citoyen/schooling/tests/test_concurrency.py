"""A child cannot have two active enrolments for a year, even from two simultaneous
requests (two guardians clicking at once); decisions and papers arriving at the same
moment wait for each other instead of deadlocking."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.schooling import services
from espace_citoyen.schooling.models import DerogationMotive, Enrolment


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


def _accepting_the_enrolment(enrolment, agent, holding: threading.Event, errors: list):
    """What demarche_accept does for an enrolment, with a pause between its two locks: the
    démarche's row, then (in the hook) the enrolment's."""
    try:
        with transaction.atomic():
            demarche = Demarche.objects.select_for_update().get(pk=enrolment.demarche_id)
            holding.set()
            time.sleep(0.5)  # the family's or the other agent's request takes its locks
            services.enrolment_accept_check(demarche=demarche, actor=agent)
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(error)
    finally:
        connections.close_all()


def _run(*targets) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_a_paper_added_while_the_agent_accepts_does_not_deadlock(
    citizen, family, child, year, agent
):
    """The family adds a sworn statement while an agent accepts the enrolment: both
    succeed, one after the other (no deadlock, no error page)."""
    enrolment = services.enrolment_submit(
        family=family, child=child, school_year=year, actor=citizen
    )
    scolaire = agent(Role.SCOLAIRE)
    holding, errors = threading.Event(), []

    def add_paper():
        try:
            holding.wait(5)
            services.enrolment_document_add(
                enrolment=enrolment, actor=citizen, key="domicile", upload=None, sworn=True
            )
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    _run(lambda: _accepting_the_enrolment(enrolment, scolaire, holding, errors), add_paper)
    assert errors == []
    enrolment.refresh_from_db()
    assert enrolment.sworn_statements == ["domicile"]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_a_derogation_accepted_while_the_enrolment_is_accepted_does_not_deadlock(
    citizen, family, child, year, schools, agent
):
    """Two agents decide at once, one on the enrolment, one on its dérogation: both
    decisions hold and the enrolment moves to the requested school."""
    enrolment = services.enrolment_submit(
        family=family, child=child, school_year=year, actor=citizen
    )
    derogation = services.derogation_submit(
        family=family,
        enrolment=enrolment,
        requested_school=schools["curie"],
        motive=DerogationMotive.objects.get(position=30),
        explanation="Je travaille à côté.",
        actor=citizen,
    )
    first, second = agent(Role.SCOLAIRE), agent(Role.SCOLAIRE)
    holding, errors = threading.Event(), []

    def accept_derogation():
        try:
            holding.wait(5)
            demarches.demarche_accept(demarche=derogation.demarche, agent=second)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    _run(lambda: _accepting_the_enrolment(enrolment, first, holding, errors), accept_derogation)
    assert errors == []
    enrolment.refresh_from_db()
    assert enrolment.school == schools["curie"]
