"""The régie that bills (one per commune by default)."""

from espace_citoyen.billing.models import Regie
from espace_citoyen.portal.selectors import commune_get


def regie_default() -> Regie:
    """The default régie, created on first use with the commune's identity."""
    regie = Regie.objects.filter(is_default=True).first()
    if regie is None:
        commune = commune_get()
        regie, _created = Regie.objects.get_or_create(
            code="regie",
            defaults={
                "name": f"Régie enfance — {commune.name}",
                "address": commune.address,
                "cheque_payable_to": "Régie enfance",
                "is_default": True,
            },
        )
    return regie
