from django.apps import AppConfig


class AllocationConfig(AppConfig):
    """Fair allocation (« attribution équitable »): a separate app that depends on
    activities; activities knows nothing of it but asks its booking guard registry."""

    name = "espace_citoyen.allocation"
    label = "allocation"
    verbose_name = "Attribution équitable"

    def ready(self) -> None:
        from espace_citoyen.accounts.roles import Role
        from espace_citoyen.activities.registry import booking_guard_register, day_notices_register
        from espace_citoyen.allocation import services
        from espace_citoyen.allocation.views import request_detail_context
        from espace_citoyen.backoffice.registry import Screen, screen_register
        from espace_citoyen.demarches.registry import DemarcheType, type_register
        from espace_citoyen.families.registry import CardService, card_service_register

        type_register(
            DemarcheType(
                key=services.DEMARCHE_REQUEST,
                label="Demande de place (attribution équitable)",
                role=Role.PERISCOLAIRE,
                on_cancel=services.request_on_cancel,
                detail_template="allocation/demarches/request.html",
                detail_context=request_detail_context,
            )
        )
        card_service_register(
            CardService(
                key="activites_attribution",
                title="Demander une place pour les vacances",
                url_name="allocation:home",
                order=13,
                description="Pour les accueils attribués sur demande : une période de demande, "
                "des critères publiés, un tirage au sort vérifiable. L'heure de la demande ne "
                "compte pas.",
            )
        )
        screen_register(
            Screen(
                Role.PERISCOLAIRE,
                "Attributions équitables",
                "backoffice:allocation_list",
                "Période de demande, critères, aperçu, ajustements motivés, publication.",
            )
        )
        booking_guard_register(services.booking_guard)
        day_notices_register(services.day_notices, pending_sql=services.NOTICES_PENDING_SQL)
