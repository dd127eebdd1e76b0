"""The allocation's changes are in the product's one audit trail, with who and when."""

import pytest
import time_machine

from espace_citoyen.accounts.roles import Role
from espace_citoyen.allocation import services
from espace_citoyen.allocation.models import AllocationRequest
from espace_citoyen.allocation.tests.conftest import AFTER_CLOSE, FIRST_WEEK, key
from espace_citoyen.audit.selectors import audit_for_subject
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


def test_configuration_seed_adjustment_and_publication_are_in_the_audit_trail(
    allocation, centre, agent
):
    periscolaire = agent(Role.PERISCOLAIRE)
    values = {
        field: getattr(allocation, field)
        for field in services.CONFIG_FIELDS
        if field not in ("label", "reserved_share")
    }
    values.update(label="Vacances d'hiver 2027 (centre)", reserved_share=0)
    with time_machine.travel(allocation.opens_at.replace(day=2), tick=False):
        services.allocation_save(
            agent=periscolaire,
            allocation=allocation,
            values=values,
            activities=[centre],
            groups=[("3-17 ans", 3, 17, 8)],
        )
    families = [family_create(children=1) for _ in range(3)]
    for family in families:
        services.request_submit(
            allocation=allocation,
            family=family,
            children=list(family.children.all()),
            choices=[key(centre, FIRST_WEEK)],
            together=False,
            actor=None,
        )
    target = AllocationRequest.objects.get(family=families[0])
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.draw_fix(allocation=allocation, public_value="07 19 23", agent=periscolaire)
        services.adjustment_add(
            allocation=allocation,
            request=target,
            action="refuse",
            choice=0,
            reason="Demande en double",
            agent=periscolaire,
        )
        services.allocation_publish(allocation=allocation, agent=periscolaire)
        services.allocation_publish(allocation=allocation, agent=periscolaire)
    entries = list(audit_for_subject(allocation).order_by("at", "id"))
    assert [entry.action for entry in entries] == [
        "création",
        "modification",
        "graine fixée",
        "ajustement",
        "publication",
    ]
    creation, change, seed, adjustment, publication = entries
    assert creation.actor is None and creation.changes["criteria"] == [None, ["commune", "travail"]]
    assert change.actor == periscolaire and change.actor_is_agent
    assert change.changes["label"] == ["Vacances d'hiver 2027", "Vacances d'hiver 2027 (centre)"]
    assert change.changes["groups"] == [[], ["3-17 ans (3-17 ans) : 8"]]
    allocation.refresh_from_db()
    assert seed.actor == periscolaire
    assert seed.changes["seed"] == [None, allocation.seed]
    assert adjustment.changes["reason"] == [None, "Demande en double"]
    assert adjustment.changes["request"] == [None, target.demarche.reference]
    assert adjustment.scope == families[0]
    assert publication.actor == periscolaire and publication.at >= allocation.published_at
    assert publication.changes["waitlisted"][1] + publication.changes["granted"][1] == 2
