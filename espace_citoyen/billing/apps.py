from django.apps import AppConfig
from django.utils import timezone


class BillingConfig(AppConfig):
    name = "espace_citoyen.billing"
    label = "billing"
    verbose_name = "Facturation"

    def ready(self) -> None:
        from espace_citoyen.accounts.roles import Role
        from espace_citoyen.backoffice.registry import Screen, screen_register
        from espace_citoyen.billing import selectors
        from espace_citoyen.families.registry import CardService, card_service_register

        card_service_register(
            CardService(
                key="factures",
                title="Consulter et régler vos factures",
                url_name="billing:invoices",
                order=70,
                description="Vos factures de restauration scolaire, d'accueil périscolaire "
                "et de loisirs : le détail de chaque jour, le PDF, le règlement.",
            )
        )
        for screen in [
            Screen(
                Role.REGIE,
                "Facturation mensuelle",
                "backoffice:billing_runs",
                "Prévisualiser un mois, émettre les factures, suivre leur émission.",
                count=lambda agent: selectors.months_to_issue(today=timezone.localdate()),
            ),
            Screen(
                Role.REGIE,
                "Factures, avoirs et encaissements",
                "backoffice:billing_invoices",
                "Chercher une facture, émettre un avoir, encaisser au guichet.",
            ),
            Screen(
                Role.REGIE,
                "Impayés",
                "backoffice:billing_unpaid",
                "Les factures non réglées, les familles et les montants.",
                count=lambda agent: selectors.overdue_count(today=timezone.localdate()),
            ),
            Screen(
                Role.REGIE,
                "Exports comptables",
                "backoffice:billing_exports",
                "Factures, avoirs et paiements d'une période (CSV, ODS).",
            ),
        ]:
            screen_register(screen)
