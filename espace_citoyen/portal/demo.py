"""Demo data of the portal: the fictional commune, one agent per role, one citizen."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files import File

from espace_citoyen.accounts.models import User
from espace_citoyen.accounts.roles import Role
from espace_citoyen.portal import services
from espace_citoyen.portal.models import AccessibilityAudit, Commune

DEMO_PASSWORD = "Demo-Espace-Citoyen-2026"  # noqa: S105 (printed by make run, demo only)

COMMUNE = {
    "name": "Saint-Exemple-sur-Marne",
    "primary_colour": "#1f4e79",
    "address": (
        "Mairie de Saint-Exemple-sur-Marne\n1 place de la Mairie\n99999 Saint-Exemple-sur-Marne"
    ),
    "phone": "01 23 45 67 89",
    "email": "contact@saint-exemple.example.org",
    "website": "https://saint-exemple.example.org",
    "opening_hours": "Guichet des formalités administratives : du lundi au vendredi, "
    "8 h 30 – 12 h et 13 h 30 – 17 h ; le samedi, 9 h – 12 h.",
    "legal_notice": (
        "Commune fictive de démonstration. Ce site ne correspond à aucune collectivité "
        "réelle ; les noms et adresses qui y figurent sont inventés.\n\n"
        "Éditeur : Mairie de Saint-Exemple-sur-Marne, 1 place de la Mairie, 99999 "
        "Saint-Exemple-sur-Marne. Directeur de la publication : le maire.\n\n"
        "Hébergement : à compléter par la commune (nom, adresse et téléphone de "
        "l'hébergeur)."
    ),
    "school_zone": "B",
    "postal_codes": "99999",
    "accessibility_statement": (
        "Entre deux audits, chaque page visitée par les tests automatisés de l'Espace "
        "Citoyen est vérifiée avec axe-core (critères WCAG 2.1 A et AA), à 1280 et à 320 "
        "pixels de large."
    ),
    "privacy_notice": (
        "Responsable du traitement : la commune de Saint-Exemple-sur-Marne.\n\n"
        "Finalités : gestion de votre compte Espace Citoyen, de la carte famille, des "
        "inscriptions scolaires, périscolaires et extrascolaires, de la facturation et "
        "des paiements.\n\nDonnées : identité et coordonnées des responsables légaux, "
        "identité des enfants, informations de santé utiles à leur accueil (allergies, "
        "PAI), justificatifs. Les données de santé ne sont visibles que des agents qui "
        "accueillent les enfants.\n\nDurée de conservation : le temps de la relation "
        "avec les services, puis les durées légales d'archivage.\n\nVos droits : accès, "
        "rectification, effacement, limitation, opposition, auprès de la mairie ; "
        "réclamation auprès de la CNIL (www.cnil.fr)."
    ),
}

AGENTS = [
    ("agent.guichet@example.org", "Guichet", "Gaëlle", Role.GUICHET),
    ("agent.scolaire@example.org", "Scolaire", "Sophie", Role.SCOLAIRE),
    ("agent.periscolaire@example.org", "Périscolaire", "Paul", Role.PERISCOLAIRE),
    ("agent.regie@example.org", "Régie", "Rémi", Role.REGIE),
    ("admin@example.org", "Administrateur", "Alex", Role.ADMINISTRATEUR),
]
CITIZEN = ("camille.martin@example.org", "Martin", "Camille")


def load() -> list[tuple[str, str]]:
    """Create or refresh the demo commune and its people; returns (login, what) pairs."""
    commune, _created = Commune.objects.update_or_create(pk=1, defaults=COMMUNE)
    if not commune.logo or not commune.logo.name.endswith(".png"):
        with open(Path(__file__).parent / "demo" / "logo.png", "rb") as logo:
            commune.logo.save("saint-exemple.png", File(logo), save=True)

    _accessibility_audit()

    logins = []
    for email, last_name, first_name, role in AGENTS:
        user = _user(email, last_name, first_name, civility="")
        user.groups.add(Group.objects.get(name=role.value))
        if role == Role.ADMINISTRATEUR and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        logins.append((email, f"agent, rôle {role.value}"))
    _user(*CITIZEN, civility="mme")
    logins.append((CITIZEN[0], "parent (Madame Camille Martin)"))
    return logins


def _user(email: str, last_name: str, first_name: str, *, civility: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            last_name=last_name,
            first_name=first_name,
            civility=civility,
        )
    return user


def _accessibility_audit() -> None:
    """The product's own RGAA audit grid, so that the statement shows real figures."""
    path = Path(settings.BASE_DIR) / "docs" / "accessibility" / "audit.json"
    if not path.exists():
        return
    grid = services.accessibility_grid_read(path)
    latest = AccessibilityAudit.objects.first()
    if latest is None or latest.grid != grid:
        services.accessibility_audit_record(grid=grid)
