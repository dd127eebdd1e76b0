from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "espace_citoyen.families"
    label = "families"
    verbose_name = "Cartes famille"

    def ready(self) -> None:
        from django.urls import reverse

        from espace_citoyen.accounts.models import User
        from espace_citoyen.accounts.roles import Role
        from espace_citoyen.backoffice.registry import Screen, screen_register
        from espace_citoyen.demarches.registry import (
            DemarcheType,
            OwnerKind,
            owner_register,
            type_register,
        )
        from espace_citoyen.demarches.selectors import open_count_for_role
        from espace_citoyen.families import services
        from espace_citoyen.families.models import Family
        from espace_citoyen.families.registry import CardService, card_service_register
        from espace_citoyen.families.selectors import family_for_user, lost_code_candidates

        owner_register(
            OwnerKind(
                model=Family,
                contacts=services.family_contacts,
                for_user=family_for_user,
                label=lambda family: f"Famille {family.number}",
                backoffice_url=lambda family: reverse("backoffice:family", args=[family.pk]),
            )
        )
        owner_register(
            OwnerKind(
                model=User,
                contacts=lambda user: [user.email],
                for_user=lambda user: user if user.is_authenticated else None,
                label=lambda user: f"Compte {user.email}",
            )
        )
        type_register(
            DemarcheType(
                key=services.DEMARCHE_VALIDATION,
                label="Validation de la carte famille",
                role=Role.GUICHET,
                on_accept=services.family_validate,
                family_can_cancel=False,
            )
        )
        type_register(
            DemarcheType(
                key=services.DEMARCHE_LOST_CODE,
                label="Code d'activation perdu",
                role=Role.GUICHET,
                detail_template="families/demarches/lost_code.html",
                detail_context=lambda demarche, agent: (
                    {"candidates": lost_code_candidates(demarche)} if agent else {}
                ),
            )
        )
        type_register(
            DemarcheType(
                key=services.DEMARCHE_ADDRESS,
                label="Changement d'adresse",
                role=Role.GUICHET,
                on_accept=services.address_change_apply,
                detail_template="families/demarches/address_change.html",
            )
        )
        for service in [
            CardService(
                key="donnees",
                title="Mettre à jour vos données personnelles",
                url_name="families:data",
                order=40,
                description="Coordonnées, adresse, enfants, santé, autorisations, "
                "personnes autorisées, justificatifs.",
            ),
            CardService(
                key="historique",
                title="Suivre l'historique de vos démarches",
                url_name="demarches:history",
                order=80,
                description="Toutes vos demandes, leur état et les messages de la mairie.",
            ),
        ]:
            card_service_register(service)
        for screen in [
            Screen(Role.GUICHET, "Rechercher une famille", "backoffice:family_search"),
            Screen(Role.GUICHET, "Créer une carte famille au guichet", "backoffice:family_create"),
            Screen(
                Role.GUICHET,
                "Démarches à traiter",
                "backoffice:demarche_queue",
                count=lambda agent: open_count_for_role(Role.GUICHET),
            ),
            Screen(Role.GUICHET, "Justificatifs à vérifier", "backoffice:documents_to_check"),
            Screen(Role.SCOLAIRE, "Rechercher une famille", "backoffice:family_search"),
            Screen(Role.PERISCOLAIRE, "Rechercher une famille", "backoffice:family_search"),
            Screen(Role.REGIE, "Rechercher une famille", "backoffice:family_search"),
            Screen(
                Role.REGIE, "Justificatifs de revenus à vérifier", "backoffice:documents_to_check"
            ),
        ]:
            screen_register(screen)
