"""What pricing shows on the pages of other apps: its démarche's detail (the declaration
and whether it can still be validated) and the call to action on the card's home."""

from django.urls import reverse

from espace_citoyen.demarches.rules import OPEN_STATUSES
from espace_citoyen.families.registry import CardNotice
from espace_citoyen.pricing.models import IncomeDeclaration
from espace_citoyen.pricing.selectors import declaration_needed


def declaration_detail_context(demarche, agent: bool) -> dict:
    return {
        "declaration": IncomeDeclaration.objects.filter(demarche=demarche).first(),
        "pricing_agent_view": agent,
        "pricing_can_validate": demarche.status in OPEN_STATUSES,
    }


def tariffs_notice(family):
    """Journey point 9, skipped once done: ask for the tariffs' update first."""
    if not declaration_needed(family):
        return None
    return CardNotice(
        text="Pour obtenir vos tarifs personnalisés (cantine, accueil périscolaire, "
        "accueil de loisirs), déclarez vos revenus ou votre quotient familial. Sans "
        "déclaration, le tarif le plus élevé s'applique.",
        url=reverse("pricing:declare"),
        label="je mets à jour mes tarifs",
    )
