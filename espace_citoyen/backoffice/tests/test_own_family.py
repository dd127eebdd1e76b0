"""An agent who is also a parent never instructs nor decides their own family's
démarches, whatever their type (every registered type, those added later included); a
colleague can."""

import pytest
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.testing import page_text
from espace_citoyen.demarches import services
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.demarches.registry import demarche_types
from espace_citoyen.demarches.rules import Status
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db

OWN = "Cette démarche concerne votre propre famille"
TYPES = [t for t in demarche_types() if t.role]


@pytest.fixture
def parent_agent(agent):
    """An agent holding every role that processes démarches, and a guardian of a family."""
    user = agent(Role.GUICHET)
    for role in (Role.SCOLAIRE, Role.PERISCOLAIRE, Role.REGIE):
        user.groups.add(*type(user.groups.first()).objects.filter(name=role.value))
    user._roles_cache = None
    family_create(user=user)
    return user


def _filed(parent_agent, type_key: str) -> Demarche:
    family = parent_agent.guardian.family
    return services.demarche_submit(
        type_key=type_key, owner=family, submitted_by=parent_agent, title="Ma demande"
    )


@pytest.mark.parametrize("dtype", TYPES, ids=[t.key for t in TYPES])
def test_no_decision_on_ones_own_family_for_any_type(parent_agent, dtype):
    """Every registered type: take in charge, ask for documents, accept, refuse."""
    demarche = _filed(parent_agent, dtype.key)
    for action in (
        lambda: services.demarche_take_charge(demarche=demarche, agent=parent_agent),
        lambda: services.demarche_request_documents(
            demarche=demarche, agent=parent_agent, message="Pièce"
        ),
        lambda: services.demarche_accept(demarche=demarche, agent=parent_agent),
        lambda: services.demarche_refuse(demarche=demarche, agent=parent_agent, reason="Non"),
    ):
        with pytest.raises(ApplicationError, match=OWN):
            action()
    demarche.refresh_from_db()
    assert demarche.status == Status.SUBMITTED
    assert demarche.assigned_to is None


def test_the_refusal_is_shown_in_the_back_office_and_a_colleague_decides(
    client, parent_agent, agent
):
    demarche = _filed(parent_agent, TYPES[0].key)
    client.force_login(parent_agent)
    url = reverse("backoffice:demarche_act", args=[demarche.reference])
    for action in ("prendre", "accepter"):
        response = client.post(url, {"action": action, "text": ""})
        assert response.status_code == 400
        assert OWN in page_text(response)
    demarche.refresh_from_db()
    assert demarche.status == Status.SUBMITTED
    colleague = agent(Role(TYPES[0].role))
    services.demarche_take_charge(demarche=demarche, agent=colleague)
    demarche.refresh_from_db()
    assert demarche.status == Status.IN_PROGRESS and demarche.assigned_to == colleague


def test_on_their_own_demarche_an_agent_is_a_parent_like_any_other(parent_agent, agent):
    """They answer a request for documents like any family, and their message is the
    family's (it puts the démarche back in instruction)."""
    demarche = _filed(parent_agent, "carte_famille_adresse")
    colleague = agent(Role.GUICHET)
    services.demarche_request_documents(
        demarche=demarche, agent=colleague, message="Un justificatif"
    )
    event = services.demarche_message(demarche=demarche, author=parent_agent, text="Le voici.")
    assert not event.actor_is_agent
    demarche.refresh_from_db()
    assert demarche.status == Status.IN_PROGRESS
    with pytest.raises(ApplicationError, match="Seuls les agents"):
        services.demarche_message(demarche=demarche, author=parent_agent, text="x", internal=True)
