from django.apps import AppConfig


class SchoolingConfig(AppConfig):
    name = "espace_citoyen.schooling"
    label = "schooling"
    verbose_name = "Scolarité"

    def ready(self) -> None:
        from espace_citoyen.accounts.roles import Role
        from espace_citoyen.backoffice.registry import Screen, screen_register
        from espace_citoyen.demarches.registry import DemarcheType, type_register
        from espace_citoyen.demarches.selectors import open_count_for_role
        from espace_citoyen.families.registry import CardService, card_service_register
        from espace_citoyen.schooling import services
        from espace_citoyen.schooling.details import demarche_detail_context

        type_register(
            DemarcheType(
                key=services.DEMARCHE_ENROLMENT,
                label="Inscription scolaire",
                role=Role.SCOLAIRE,
                on_accept=services.enrolment_accept_check,
                on_refuse=services.enrolment_close,
                on_cancel=services.enrolment_close,
                detail_template="schooling/demarches/enrolment.html",
                detail_context=demarche_detail_context,
                appeal_route=services.APPEAL_ROUTE,
            )
        )
        type_register(
            DemarcheType(
                key=services.DEMARCHE_DEROGATION,
                label="Dérogation au périmètre scolaire",
                role=Role.SCOLAIRE,
                on_accept=services.derogation_apply,
                detail_template="schooling/demarches/derogation.html",
                detail_context=demarche_detail_context,
                appeal_route=services.APPEAL_ROUTE,
            )
        )
        card_service_register(
            CardService(
                key="ecole",
                title="Inscrire votre enfant à l'école",
                url_name="schooling:enrol",
                order=10,
                description="Pendant la campagne d'inscription : l'école de secteur de votre "
                "adresse, le niveau selon l'âge, puis le certificat d'inscription.",
            )
        )
        card_service_register(
            CardService(
                key="derogation",
                title="Demander une dérogation au périmètre scolaire",
                url_name="schooling:derogation",
                order=20,
                description="Pour une autre école que celle du secteur : frère ou sœur déjà "
                "scolarisé, mode de garde, lieu de travail, raison médicale…",
            )
        )
        for screen in [
            Screen(
                Role.SCOLAIRE,
                "Démarches à traiter",
                "backoffice:demarche_queue",
                count=lambda agent: open_count_for_role(Role.SCOLAIRE),
            ),
            Screen(
                Role.SCOLAIRE,
                "Commission des dérogations",
                "backoffice:school_commission",
                "Demandes en attente par école demandée, avec les places restantes.",
            ),
            Screen(
                Role.SCOLAIRE,
                "Listes pour les écoles",
                "backoffice:school_lists",
                "Élèves inscrits par école et par niveau, en CSV ou ODS.",
            ),
            Screen(
                Role.SCOLAIRE,
                "Carte scolaire",
                "backoffice:school_sector",
                "Règles par voie et numéros, import et export CSV, école d'une adresse.",
            ),
            Screen(
                Role.SCOLAIRE,
                "Écoles et campagnes d'inscription",
                "backoffice:school_reference",
                "Écoles, niveaux, places ; dates des campagnes d'inscription.",
            ),
        ]:
            screen_register(screen)
