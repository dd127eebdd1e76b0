from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "espace_citoyen.activities"
    label = "activities"
    verbose_name = "Périscolaire et extrascolaire"

    def ready(self) -> None:
        from django.utils import timezone

        from espace_citoyen.accounts.roles import Role
        from espace_citoyen.activities import (
            receivers,  # noqa: F401 (signal receivers)
            selectors,
            services,
        )
        from espace_citoyen.activities.views import enrolment_detail_context
        from espace_citoyen.backoffice.registry import Screen, screen_register
        from espace_citoyen.demarches.registry import DemarcheType, type_register
        from espace_citoyen.demarches.selectors import open_count_for_role
        from espace_citoyen.families.registry import CardService, card_service_register

        type_register(
            DemarcheType(
                key=services.DEMARCHE_ENROLMENT,
                label="Inscription périscolaire ou extrascolaire",
                role=Role.PERISCOLAIRE,
                on_accept=services.enrolment_accept,
                on_refuse=services.enrolment_refuse,
                on_cancel=services.enrolment_cancel,
                detail_template="activities/demarches/enrolment.html",
                detail_context=enrolment_detail_context,
            )
        )
        card_service_register(
            CardService(
                key="activites_inscription",
                title="Inscrire votre enfant aux services périscolaires et extrascolaires",
                url_name="activities:enrol",
                order=12,
                description="Accueil du matin, restauration scolaire, accueil du soir, "
                "mercredis et vacances : choisissez les jours de votre semaine type.",
            )
        )
        card_service_register(
            CardService(
                key="activites_modifier",
                title="Modifier vos inscriptions périscolaires",
                url_name="activities:home",
                order=30,
                description="Tout au long de l'année : ajouter ou annuler des jours, changer "
                "la semaine type, réserver les vacances, suivre les listes d'attente.",
            )
        )
        for screen in [
            Screen(
                Role.PERISCOLAIRE,
                "Activités et places",
                "backoffice:activity_list",
                "Capacités, remplissage des prochains jours.",
            ),
            Screen(
                Role.PERISCOLAIRE,
                "Pointage des présences",
                "backoffice:register_index",
                "Par lieu et par jour, sur téléphone.",
                count=lambda agent: selectors.registers_count(timezone.localdate()),
            ),
            Screen(Role.PERISCOLAIRE, "Absences à justifier", "backoffice:absences"),
            Screen(
                Role.PERISCOLAIRE,
                "Effectifs prévisionnels",
                "backoffice:forecast",
                "Repas (régimes, PAI), matin et soir ; export CSV et ODS pour la cuisine.",
            ),
            Screen(
                Role.PERISCOLAIRE,
                "Listes d'attente",
                "backoffice:waitlists",
                count=lambda agent: selectors.waitlisted_count(since=timezone.localdate()),
            ),
            Screen(
                Role.PERISCOLAIRE,
                "Fermetures et ouvertures exceptionnelles",
                "backoffice:activity_calendar",
            ),
            Screen(
                Role.PERISCOLAIRE,
                "Démarches à traiter",
                "backoffice:demarche_queue",
                count=lambda agent: open_count_for_role(Role.PERISCOLAIRE),
            ),
        ]:
            screen_register(screen)
