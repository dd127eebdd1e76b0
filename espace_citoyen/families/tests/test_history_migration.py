"""The card's history recorded before the one audit trail moves into it with its date,
author and values, tagged as health data where it is (families/0003: issue 13, points 1
and 10)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.core.testing import migrate_to_latest
from espace_citoyen.families.factories import family_create

BEFORE = "0002_document_uploaded_by_optional"
MOVE = "0003_family_changes_move_to_audit_trail"
AT = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)


def _old_history(at: str):
    """Migrate the families app back to `at`; its FamilyChange model there."""
    executor = MigrationExecutor(connection)
    executor.migrate([("families", at)])
    return executor.loader.project_state([("families", at)]).apps.get_model(
        "families", "FamilyChange"
    )


def _move():
    MigrationExecutor(connection).migrate([("families", MOVE)])


def _entries(family) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(area="families", scope_id=family.pk).order_by("id"))


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """The tests after this one need every migration applied, whatever it migrated to."""
    yield
    migrate_to_latest()


@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_cards_history_moves_into_the_audit_trail_tagged():
    family = family_create()
    FamilyChange = _old_history(BEFORE)
    change = FamilyChange.objects.create(
        family_id=family.pk,
        entity="enfant",
        entity_label="Léa Martin",
        action="modification",
        changes={"first_name": ["Lea", "Léa"], "allergies": ["", "Arachide"]},
    )
    FamilyChange.objects.filter(pk=change.pk).update(at=AT)
    FamilyChange.objects.create(
        family_id=family.pk,
        entity="justificatif",
        entity_label="Projet d'accueil individualisé (PAI) (pai.pdf)",
        action="ajout",
        changes={"document": [None, "Projet d'accueil individualisé (PAI) (pai.pdf)"]},
    )
    FamilyChange.objects.create(
        family_id=family.pk,
        entity="justificatif",
        entity_label="Justificatif de domicile (facture.pdf)",
        changes={"statut": ["À vérifier", "Accepté"]},
    )
    _move()
    entries = _entries(family)
    assert all(entry.scope == family for entry in entries)
    by_content = {(entry.entity, tuple(entry.changes), entry.sensitive) for entry in entries}
    assert by_content == {
        ("enfant", ("first_name",), False),
        ("enfant", ("allergies",), True),
        ("justificatif", ("document",), True),
        ("justificatif", ("statut",), False),
    }
    name, health = (entry for entry in entries if entry.entity == "enfant")
    assert (name.entity_label, name.at, health.at) == ("Léa Martin", AT, AT)
    assert health.changes == {"allergies": ["", "Arachide"]}
