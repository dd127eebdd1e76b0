"""The grids' changes recorded before the one audit trail move into it, with their date,
author and values (issue 13, point 10)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.core.testing import migrate_to_latest

MOVE = "0004_grid_changes_move_to_audit_trail"
BEFORE = "0003_effort_and_tax_figures_not_null"


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """The tests after this one need every migration applied, whatever it migrated to."""
    yield
    migrate_to_latest()


@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_grids_changes_move_into_the_audit_trail(agent):
    staff = agent(Role.ADMINISTRATEUR)
    executor = MigrationExecutor(connection)
    executor.migrate([("pricing", BEFORE)])
    old = executor.loader.project_state([("pricing", BEFORE)]).apps
    GridChange = old.get_model("pricing", "GridChange")
    change = GridChange.objects.create(
        grid_id=None,
        grid_label="Restauration scolaire 2026",
        actor_id=staff.pk,
        action="suppression",
        changes={"kind": ["tranches", None]},
    )
    at = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    GridChange.objects.filter(pk=change.pk).update(at=at)
    executor = MigrationExecutor(connection)
    executor.migrate([("pricing", MOVE)])
    entry = AuditEntry.objects.get(area="pricing")
    assert (entry.entity, entry.entity_label, entry.action) == (
        "grille tarifaire",
        "Restauration scolaire 2026",
        "suppression",
    )
    assert (entry.actor, entry.actor_is_agent, entry.at) == (staff, True, at)
    assert entry.changes == {"kind": ["tranches", None]}
