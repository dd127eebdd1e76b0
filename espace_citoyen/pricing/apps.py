from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "espace_citoyen.pricing"
    label = "pricing"
    verbose_name = "Tarifs"

    def ready(self) -> None:
        from espace_citoyen.accounts.roles import Role
        from espace_citoyen.backoffice.registry import Screen, screen_register
        from espace_citoyen.demarches.registry import DemarcheType, type_register
        from espace_citoyen.families.registry import (
            CardService,
            card_notice_register,
            card_service_register,
        )
        from espace_citoyen.pricing import details, selectors, services

        type_register(
            DemarcheType(
                key=services.DEMARCHE_DECLARATION,
                label="Déclaration de revenus (quotient familial)",
                role=Role.REGIE,
                on_accept=services.declaration_apply,
                detail_template="pricing/demarches/declaration.html",
                detail_context=details.declaration_detail_context,
                appeal_route=(
                    "Vous pouvez déposer une nouvelle déclaration avec les bons justificatifs, "
                    "ou contester cette décision auprès du maire dans un délai de deux mois "
                    "(recours gracieux), puis devant le tribunal administratif."
                ),
            )
        )

        card_notice_register(details.tariffs_notice)
        card_service_register(
            CardService(
                key="tarifs_declaration",
                title="je mets à jour mes tarifs",
                url_name="pricing:declare",
                order=5,
                description="Déclarez vos revenus (quotient familial CAF ou MSA, avis "
                "d'imposition) pour obtenir vos tarifs.",
            )
        )
        card_service_register(
            CardService(
                key="tarifs_personnalises",
                title="Obtenir vos tarifs personnalisés",
                url_name="pricing:my_rates",
                order=60,
                description="Votre quotient familial et le prix de chaque activité "
                "périscolaire et extrascolaire, avec son calcul.",
            )
        )
        for screen in [
            Screen(
                Role.REGIE,
                "Déclarations de revenus à valider",
                "backoffice:pricing_declarations",
                "Vérifier les justificatifs, valider ou corriger le quotient familial.",
                count=lambda agent: selectors.declarations_queue().count(),
            ),
            Screen(
                Role.REGIE,
                "Quotients familiaux des familles",
                "backoffice:pricing_quotients",
                "Le quotient de chaque famille et son historique.",
            ),
            Screen(
                Role.REGIE,
                "Grilles tarifaires",
                "backoffice:pricing_grids",
                "Les grilles de chaque activité et qui les a modifiées.",
            ),
            Screen(
                Role.ADMINISTRATEUR,
                "Grilles tarifaires",
                "backoffice:pricing_grids",
                "Les grilles de chaque activité et qui les a modifiées ; elles se "
                "configurent dans la configuration (admin).",
            ),
        ]:
            screen_register(screen)
