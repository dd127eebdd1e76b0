"""What each role can do in the back-office. Apps add their screens here in their
AppConfig.ready(), so the home lists only what exists (no dead links).

A screen may count what waits on it (démarches to handle, declarations to check…): the
home shows the count beside the link and, above, what waits for each of the agent's
roles. `count` receives the agent and runs one query (a COUNT), whatever the volume:

    screen_register(Screen(Role.REGIE, "Factures à émettre", "backoffice:invoices",
                           count=lambda agent: selectors.invoices_to_issue().count()))
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from espace_citoyen.accounts.roles import Role


@dataclass(frozen=True)
class Screen:
    role: Role
    title: str
    url_name: str
    description: str = ""
    # What waits on this screen for the agent: one query, returns a number.
    count: Callable[[object], int] | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ROLE_DUTIES = {
    Role.GUICHET: "Créer les cartes famille au guichet, vérifier les identités et les "
    "justificatifs, imprimer les lettres d'activation.",
    Role.SCOLAIRE: "Instruire les inscriptions scolaires et les dérogations, tenir la "
    "carte scolaire.",
    Role.PERISCOLAIRE: "Gérer les activités, les places et les réservations, faire le "
    "pointage des présences.",
    Role.REGIE: "Valider les quotients familiaux, facturer, encaisser les paiements, "
    "envoyer les prélèvements SEPA.",
    Role.ADMINISTRATEUR: "Configurer la commune : écoles, activités, grilles tarifaires, "
    "téléservices, apparence, agents.",
}

_screens: list[Screen] = []


def screen_register(screen: Screen) -> None:
    if screen not in _screens:
        _screens.append(screen)


def screens_for(role: Role) -> list[Screen]:
    return [screen for screen in _screens if screen.role == role]
