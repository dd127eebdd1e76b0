import re

import pytest

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services
from espace_citoyen.demarches.models import DemarcheEvent
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(citizen):
    family = family_create(user=citizen)
    return services.demarche_submit(
        type_key="carte_famille_adresse", owner=family, submitted_by=citizen, title="Test"
    )


def test_references_are_unique_and_numbered_per_year(citizen):
    family = family_create(user=citizen)
    refs = [
        services.demarche_submit(
            type_key="x", owner=family, submitted_by=citizen, title="t"
        ).reference
        for _ in range(3)
    ]
    assert len(set(refs)) == 3
    assert all(re.fullmatch(r"D-20\d\d-\d{6}", ref) for ref in refs)
    assert refs == sorted(refs)


def test_each_action_is_an_event_with_its_author(
    filed, agent, django_capture_on_commit_callbacks, mailoutbox
):
    """Take in charge, ask for documents, accept: three events, each mailed to the family."""
    guichet = agent(Role.GUICHET)
    with django_capture_on_commit_callbacks(execute=True):
        services.demarche_take_charge(demarche=filed, agent=guichet)
        services.demarche_request_documents(
            demarche=filed,
            agent=guichet,
            message="Un justificatif de moins de 3 mois, s'il vous plaît.",
        )
        services.demarche_message(
            demarche=filed, author=guichet, text="Vu en interne", internal=True
        )
    events = list(DemarcheEvent.objects.filter(demarche=filed).order_by("id"))
    assert [e.to_status or e.kind for e in events] == [
        "deposee",
        "en_cours",
        "attente_pieces",
        "note",
    ]
    assert all(e.actor == guichet for e in events[1:])
    assert not events[-1].visible_to_family
    subjects = [m.subject for m in mailoutbox]
    assert any("en attente de pièces" in s for s in subjects)
    assert "Un justificatif de moins de 3 mois" in mailoutbox[-1].body
    filed.refresh_from_db()
    assert filed.assigned_to == guichet


def test_refusal_needs_a_reason_and_decisions_are_final(filed, agent):
    guichet = agent(Role.GUICHET)
    with pytest.raises(ApplicationError, match="motif du refus est obligatoire"):
        services.demarche_refuse(demarche=filed, agent=guichet, reason=" ")
    services.demarche_refuse(demarche=filed, agent=guichet, reason="Justificatif illisible")
    with pytest.raises(ApplicationError, match="ne peut plus passer"):
        services.demarche_accept(demarche=filed, agent=guichet)


def test_a_family_cannot_write_an_internal_note(filed, citizen):
    with pytest.raises(ApplicationError, match="Seuls les agents"):
        services.demarche_message(demarche=filed, author=citizen, text="x", internal=True)


def test_the_familys_answer_reopens_the_instruction_and_tells_the_agent(
    filed, citizen, agent, django_capture_on_commit_callbacks, mailoutbox
):
    """After « en attente de pièces », a message or a document from the family puts the
    démarche back « en cours d'instruction » and e-mails the agent in charge."""
    guichet = agent(Role.GUICHET)
    services.demarche_take_charge(demarche=filed, agent=guichet)
    services.demarche_request_documents(demarche=filed, agent=guichet, message="Le justificatif.")
    with django_capture_on_commit_callbacks(execute=True):
        services.demarche_message(demarche=filed, author=citizen, text="Le voici en pièce jointe.")
    filed.refresh_from_db()
    assert filed.status == "en_cours"
    to_agent = [m for m in mailoutbox if m.to == [guichet.email]]
    assert len(to_agent) == 1 and "la famille a répondu" in to_agent[0].subject
    assert f"/backoffice/demarches/{filed.reference}/" in to_agent[0].body
