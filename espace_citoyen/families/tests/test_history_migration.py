"""The card's history recorded before the one audit trail moves into it, with its date,
author, values and health tag (issue 13, point 10)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.families.factories import family_create

MOVE = "0003_family_changes_move_to_audit_trail"
BEFORE = "0002_document_uploaded_by_optional"


@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_cards_history_moves_into_the_audit_trail():
    family = family_create()
    executor = MigrationExecutor(connection)
    executor.migrate([("families", BEFORE)])
    old = executor.loader.project_state([("families", BEFORE)]).apps
    FamilyChange = old.get_model("families", "FamilyChange")
    change = FamilyChange.objects.create(
        family_id=family.pk,
        entity="enfant",
        entity_label="Léa Martin",
        action="modification",
        changes={"first_name": ["Lea", "Léa"], "allergies": ["", "Arachide"]},
    )
    at = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    FamilyChange.objects.filter(pk=change.pk).update(at=at)
    executor = MigrationExecutor(connection)
    executor.migrate([("families", MOVE)])
    name, health = AuditEntry.objects.filter(area="families", scope_id=family.pk).order_by("id")
    assert name.scope == family and health.scope == family
    assert (name.entity, name.entity_label, name.at) == ("enfant", "Léa Martin", at)
    assert (name.changes, name.sensitive) == ({"first_name": ["Lea", "Léa"]}, False)
    assert (health.changes, health.sensitive, health.at) == (
        {"allergies": ["", "Arachide"]},
        True,
        at,
    )
