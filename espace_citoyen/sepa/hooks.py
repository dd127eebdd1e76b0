"""What direct debit plugs into the other apps: the card's service, the démarche type
and billing's hook on invoices just issued (pre-notification)."""

from django.conf import settings

from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing.registry import invoices_issued_register
from espace_citoyen.demarches.registry import DemarcheType, type_register
from espace_citoyen.families.registry import CardService, card_service_register
from espace_citoyen.sepa import selectors, services
from espace_citoyen.sepa.services.mandates import (
    DEMARCHE_TYPE,
    on_demarche_accept,
    on_demarche_cancel,
    on_demarche_refuse,
)


def register() -> None:
    if not settings.SEPA_ENABLED:
        return
    card_service_register(
        CardService(
            key="prelevement",
            title="Demander la mise en place du prélèvement automatique",
            url_name="sepa:mandate",
            order=75,
            description="Vos factures prélevées chaque mois sur votre compte, après une "
            "pré-notification : signature en ligne, changement de compte, révocation.",
        )
    )
    type_register(
        DemarcheType(
            key=DEMARCHE_TYPE,
            label="Prélèvement automatique",
            role=Role.REGIE,
            on_accept=on_demarche_accept,
            on_refuse=on_demarche_refuse,
            on_cancel=on_demarche_cancel,
            detail_template="sepa/demarche_detail.html",
            detail_context=selectors.demarche_context,
        )
    )
    invoices_issued_register(services.invoices_issued)
