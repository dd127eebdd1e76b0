"""The RGAA sample of pages (docs/accessibility/), on the demo commune: each page checked by
axe-core at 1280 px and at 320 px, where it must not scroll sideways (WCAG 1.4.10).

This is the automated test that docs/accessibility/audit.json cites for the pages that
the journeys do not already reach, and for the five pages the outside audit found
scrolling sideways at 320 px."""

from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from espace_citoyen.accounts.models import User
from espace_citoyen.accounts.roles import Role
from espace_citoyen.families.models import Family
from espace_citoyen.portal.demo import DEMO_PASSWORD
from tests.e2e.conftest import axe_check, login

# Pages of the sample that the journeys do not already check, and the five pages that
# scrolled sideways at 320 px (school page, activities list, documents queue, a family's
# documents tab, school reference lists). The journeys cover the rest (home, login,
# sign-up, the card, démarches, pricing, the month calendar, the commission...).
PUBLIC = [
    "/mentions-legales/",
    "/accessibilite/",
    "/plan-du-site/",
    "/teleservices/",
    "/tarifs/grilles/",
]
CITIZEN = [
    "/mon-espace/",
    "/compte/profil/",
    "/carte-famille/donnees/",
    "/carte-famille/justificatifs/",
    "/carte-famille/ecole/",
    "/carte-famille/activites/",
]
AGENT = [
    "/backoffice/familles/?q=Martin",
    "/backoffice/familles/nouvelle/",
    "/backoffice/justificatifs/",
    "/backoffice/ecole/carte-scolaire/",
    "/backoffice/ecole/listes/",
    "/backoffice/ecole/referentiel/",
    "/backoffice/activites/",
    "/backoffice/activites/listes-attente/",
    "/backoffice/activites/absences/",
]
FAMILY_TABS = ["responsables", "enfants", "documents", "demarches", "historique"]


def _visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)


def test_the_sample_pages_reflow_at_320_px_without_axe_violation(pages):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    agent = User.objects.get(email="admin@example.org")
    agent.groups.add(*Group.objects.filter(name__in=[role.value for role in Role]))

    page = pages.new()
    titles = {}
    for path in PUBLIC:
        _visit(page, path)
        titles[path] = page.title()

    login(page, "camille.martin@example.org", DEMO_PASSWORD)
    for path in CITIZEN:
        _visit(page, path)
        titles[path] = page.title()

    page = pages.new()
    login(page, "admin@example.org", DEMO_PASSWORD)
    for path in AGENT:
        _visit(page, path)
        titles[path] = page.title()
    family = Family.objects.filter(guardians__user__email="camille.martin@example.org").get()
    for tab in FAMILY_TABS:
        path = f"/backoffice/familles/{family.pk}/?onglet={tab}"
        _visit(page, path)
        titles[path] = page.title()

    # Every page of the sample has its own title (RGAA 8.6).
    duplicates = {title for title in titles.values() if list(titles.values()).count(title) > 1}
    assert not duplicates, duplicates
