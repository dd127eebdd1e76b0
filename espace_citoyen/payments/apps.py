from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "espace_citoyen.payments"
    label = "payments"
    verbose_name = "Paiement en ligne"

    def ready(self) -> None:
        from espace_citoyen.accounts.roles import Role
        from espace_citoyen.backoffice.registry import Screen, screen_register
        from espace_citoyen.billing.registry import PaymentOption, payment_option_register
        from espace_citoyen.payments import (
            backends,
            checks,  # noqa: F401 (registers the checks)
            selectors,
        )

        if backends.is_enabled():
            payment_option_register(
                PaymentOption(
                    key="en_ligne",
                    label="Payer en ligne",
                    url_name="payments:pay",
                    description="Par carte bancaire, sur le site sécurisé du service de "
                    "paiement ; la facture est marquée réglée dès que la banque confirme.",
                )
            )
        screen_register(
            Screen(
                Role.REGIE,
                "Paiements en ligne",
                "backoffice:payments_transactions",
                "Chaque paiement par carte : en attente, payé, refusé, abandonné, anomalies.",
                count=lambda agent: selectors.transactions_to_check_count(),
            )
        )
