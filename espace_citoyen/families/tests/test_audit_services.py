"""The trail of the card services not covered through their pages: adding a guardian
or a child (its health values tagged), a justificatif uploaded and checked (health documents tagged as such)."""

from datetime import date

import pytest

from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.selectors import audit_for_scope
from espace_citoyen.core.testing import pdf_upload
from espace_citoyen.families import services
from espace_citoyen.families.factories import family_create
from espace_citoyen.families.fields import CHILD_HEALTH_FIELDS
from espace_citoyen.families.models import DocumentKind
from espace_citoyen.families.selectors import family_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(citizen):
    return family_create(user=citizen, children=1)


def test_adding_a_guardian_records_who_and_the_values(family, agent):
    desk = agent(Role.GUICHET)
    services.guardian_add(
        family=family,
        actor=desk,
        values={
            "civility": "m",
            "last_name": "Durand",
            "first_name": "Paul",
            "email": "paul.durand@example.org",
            "phone_mobile": "06 11 22 33 44",
        },
    )
    entries = audit_for_scope(family, with_sensitive=False)
    entry = entries.get(entity="responsable légal")
    assert (entry.action, entry.actor, entry.actor_is_agent) == ("ajout", desk, True)
    assert entry.changes["last_name"] == [None, "Durand"]
    assert entry.at is not None


def test_adding_a_child_records_the_health_values_in_an_entry_of_their_own(family, citizen, agent):
    services.child_add(
        family=family,
        actor=citizen,
        values={
            "last_name": "Martin",
            "first_name": "Noé",
            "sex": "M",
            "birth_date": date(2020, 5, 4),
            "allergies": "Arachide",
        },
    )
    entries = audit_for_scope(family, with_sensitive=True).filter(entity="enfant")
    health = entries.get(sensitive=True)
    assert health.changes["allergies"] == [None, "Arachide"]
    assert set(health.changes) <= set(CHILD_HEALTH_FIELDS)
    assert entries.get(sensitive=False).changes["first_name"] == [None, "Noé"]
    assert health not in family_history(family, viewer=agent(Role.REGIE))
    assert health in family_history(family, viewer=agent(Role.PERISCOLAIRE))


def test_a_pai_uploaded_then_checked_is_recorded_as_health_data(family, citizen, agent):
    document = services.document_upload(
        family=family,
        kind=DocumentKind.PAI,
        upload=pdf_upload("pai.pdf", "Projet d'accueil individualisé"),
        uploaded_by=citizen,
        child=family.children.get(),
    )
    nurse = agent(Role.SCOLAIRE)
    services.document_check(document=document, agent=nurse, accepted=True)
    added, checked = audit_for_scope(family, with_sensitive=True).order_by("id")
    assert (added.action, added.actor, added.sensitive) == ("ajout", citizen, True)
    assert (checked.actor, checked.sensitive) == (nurse, True)
    assert checked.changes["statut"][1] == "Accepté"
    assert family_history(family, viewer=agent(Role.GUICHET)) == []
    assert len(family_history(family, viewer=nurse)) == 2


def test_an_income_document_checked_is_read_by_the_regie(family, citizen, agent):
    document = services.document_upload(
        family=family,
        kind=DocumentKind.TAX_NOTICE,
        upload=pdf_upload("avis.pdf", "Avis d'imposition"),
        uploaded_by=citizen,
    )
    regie = agent(Role.REGIE)
    services.document_check(document=document, agent=regie, accepted=False, reason="Illisible")
    checked = audit_for_scope(family, with_sensitive=False).order_by("id").last()
    assert checked.sensitive is False and checked.actor == regie
    assert checked.changes["motif"] == [None, "Illisible"]
    assert checked in family_history(family, viewer=regie)
