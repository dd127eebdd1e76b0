"""Writes of the portal: recording an accessibility audit grid."""

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.portal import rgaa
from espace_citoyen.portal.models import AccessibilityAudit, Commune


def accessibility_grid_read(path: Path) -> dict:
    """The grid in the JSON file at `path`, checked complete (all 106 criteria)."""
    try:
        grid = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ApplicationError(f"Le fichier {path} est introuvable.") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ApplicationError(f"Le fichier {path} n'est pas un JSON lisible : {error}") from error
    errors = rgaa.grid_errors(grid)
    if errors:
        raise ApplicationError("La grille d'audit est incomplète : " + " ".join(errors))
    return grid


@transaction.atomic
def accessibility_audit_record(*, grid: dict) -> AccessibilityAudit:
    """Record a complete grid; the commune's status becomes the one the grid supports."""
    errors = rgaa.grid_errors(grid)
    if errors:
        raise ApplicationError("La grille d'audit est incomplète : " + " ".join(errors))
    summary = rgaa.summarise(grid["criteria"])
    audit = AccessibilityAudit.objects.create(
        audited_on=date.fromisoformat(grid["audited_on"]),
        auditor=grid["auditor"],
        grid=grid,
        rate=summary.rate,
        status=summary.status,
    )
    commune = Commune.objects.select_for_update().filter(pk=1).first()
    if commune is not None:
        commune.accessibility_status = summary.status
        commune.save()
    return audit
