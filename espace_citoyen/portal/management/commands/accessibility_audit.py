from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.portal import rgaa, services
from espace_citoyen.portal.models import AccessibilityStatus

DEFAULT_GRID = Path(settings.BASE_DIR) / "docs" / "accessibility" / "audit.json"


class Command(BaseCommand):
    help = (
        "Publish an RGAA 4.1 audit grid (docs/accessibility/audit.json by default): the "
        "accessibility statement then shows its conformity rate, status and non-conformities."
    )

    def add_arguments(self, parser):
        parser.add_argument("grid", nargs="?", default=str(DEFAULT_GRID))
        parser.add_argument(
            "--check", action="store_true", help="Check and summarise the grid, record nothing."
        )

    def handle(self, *args, grid: str, check: bool, **options):
        try:
            content = services.accessibility_grid_read(Path(grid))
            summary = rgaa.summarise(content["criteria"])
            if not check:
                services.accessibility_audit_record(grid=content)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        rate = "sans objet" if summary.rate is None else f"{summary.rate} %".replace(".", ",")
        status = AccessibilityStatus(summary.status).label
        counts = [
            _count(summary.conform, "conforme"),
            _count(summary.not_conform, "non conforme"),
            _count(summary.not_applicable, "non applicable"),
        ]
        self.stdout.write(
            f"Audit RGAA du {content['audited_on']} : {', '.join(counts)} ; "
            f"taux de conformité {rate} : {status}."
        )
        if not check:
            self.stdout.write(self.style.SUCCESS("La déclaration d'accessibilité est à jour."))


def _count(number: int, result: str) -> str:
    plural = "s" if number > 1 else ""
    return f"{number} critère{plural} {result}{plural}"
