"""Children's health data (allergies, diet, PAI, disability, doctor, vaccinations, health
documents, their history) reaches only the family and the scolaire and périscolaire
roles. As each role, walk every back-office page reachable from the home page and from
a family with health data (its sheet's tabs, its documents and démarches, every export
linked), and look for any of it where it must not be."""

import html
import io
import re
import zipfile
from collections import deque
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from espace_citoyen.accounts.models import User
from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import pdf_text, pdf_upload
from espace_citoyen.families import services
from espace_citoyen.families.models import Family

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
MAX_PAGES = 400
ROLES = {
    Role.GUICHET: "agent.guichet@example.org",
    Role.REGIE: "agent.regie@example.org",
    Role.ADMINISTRATEUR: "admin@example.org",
    Role.SCOLAIRE: "agent.scolaire@example.org",
    Role.PERISCOLAIRE: "agent.periscolaire@example.org",
}
SEEING_HEALTH = {Role.SCOLAIRE, Role.PERISCOLAIRE}
# What tells anything of a child's health: the family's own words (marked), the health
# documents' kinds, and the health fields' labels and values.
HEALTH = re.compile(
    r"SENTINELLE|Arachide|Projet d.accueil individualis|\bPAI\b|Certificat m.dical|"
    r"Carnet de vaccination|Allergie|allergies|handicap|M.decin|Sans porc|Sans viande|"
    r"Sans gluten|has_pai|disability|doctor|vaccination",
    re.IGNORECASE,
)
# Configuration pages name health categories, about no child (the grids' « tarif PAI »):
# there, only the family's own words and its health documents must not appear.
CONFIGURATION_PAGES = ("/backoffice/tarifs/grilles/",)
FAMILY_HEALTH = re.compile(
    r"SENTINELLE|Arachide|Projet d.accueil individualis|Certificat m.dical|"
    r"Carnet de vaccination",
    re.IGNORECASE,
)
NEVER_FOLLOWED = ("/backoffice/familles/nouvelle/",)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in kind:
        return pdf_text(content)
    if "opendocument" in kind:
        return zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()
    if kind.startswith("image/"):
        return ""
    return html.unescape(content.decode("utf-8", errors="replace"))


def _health_family() -> Family:
    """Camille Martin's demo family (Léa: PAI, allergies), with health changes and
    health documents recorded through the services, as a parent would."""
    parent = User.objects.get(email="camille.martin@example.org")
    family = Family.objects.get(guardians__user=parent)
    lea = family.children.get(first_name="Léa")
    services.child_update(
        child=lea,
        actor=parent,
        values={
            "allergies": "Arachide SENTINELLE-ALLERGIE",
            "doctor": "Dr SENTINELLE-MEDECIN",
            "diet": "sans_gluten",
            "disability_situation": True,
            "birth_place": "Reims",
        },
    )
    for kind in ("pai", "certificat", "vaccins"):
        services.document_upload(
            family=family,
            child=lea,
            kind=kind,
            upload=pdf_upload(f"SENTINELLE-{kind}.pdf", "Justificatif"),
            uploaded_by=parent,
        )
    services.document_upload(
        family=family, kind="domicile", upload=pdf_upload("facture.pdf"), uploaded_by=parent
    )
    return family


def _seeds(family: Family) -> list[str]:
    sheet = f"/backoffice/familles/{family.pk}/"
    tabs = ["responsables", "enfants", "documents", "demarches", "historique"]
    return [
        "/backoffice/",
        f"/backoffice/familles/?q={family.number}",
        *[f"{sheet}?onglet={tab}" for tab in tabs],
        *[f"/backoffice/justificatifs/{d.pk}/fichier/" for d in family.documents.all()],
        f"/backoffice/tarifs/quotients/{family.pk}/",
        # Billing, online payments and allocation: their lists, the family's account and
        # every accounting export (a GET form, so no link leads to them).
        f"/backoffice/factures/familles/{family.pk}/",
        "/backoffice/facturation/",
        "/backoffice/factures/",
        "/backoffice/impayes/",
        "/backoffice/paiements-en-ligne/",
        "/backoffice/attributions/",
        *[
            f"/backoffice/exports-comptables/?start=2026-01-01&end=2026-12-31&what={what}&fmt={fmt}"
            for what in ("factures", "paiements")
            for fmt in ("csv", "ods")
        ],
    ]


# The new apps' back-office pages each role's walk must reach (answered 200).
REACHED = {
    Role.REGIE: (
        "/backoffice/factures/familles/",
        "/backoffice/exports-comptables/?",
        "/backoffice/paiements-en-ligne/",
    ),
    Role.PERISCOLAIRE: ("/backoffice/attributions/",),
}


def _walk(client: Client, seeds: list[str]) -> dict[str, str]:
    """Every back-office page reachable from the seeds by links, GET only: {url: text}."""
    seen: dict[str, str] = {}
    queue = deque(seeds)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = _text(response) if response.status_code == 200 else ""
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(seen[url])
        for href in parser.links:
            href = href.split("#")[0].replace("&amp;", "&")
            if href.startswith("?"):
                href = url.split("?")[0] + href
            if href.startswith("/backoffice/") and not href.startswith(NEVER_FOLLOWED):
                queue.append(href)
    return seen


@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_health_data_reaches_only_the_roles_caring_for_children():
    with time_machine.travel(NOW, tick=False):
        call_command("demo", stdout=io.StringIO())
        family = _health_family()
        problems = []
        for role, email in ROLES.items():
            client = Client(raise_request_exception=False)
            client.force_login(User.objects.get(email=email))
            pages = _walk(client, _seeds(family))
            for prefix in REACHED.get(role, ()):
                assert any(url.startswith(prefix) and text for url, text in pages.items()), (
                    role,
                    prefix,
                )
            found = {
                url: (FAMILY_HEALTH if url.startswith(CONFIGURATION_PAGES) else HEALTH).findall(
                    text
                )
                for url, text in pages.items()
            }
            found = {url: sorted(set(words)) for url, words in found.items() if words}
            if role in SEEING_HEALTH:
                # The walk reaches the health data where these roles need it.
                joined = " ".join(pages.values())
                assert "SENTINELLE-ALLERGIE" in joined, role
                assert "Projet d'accueil individualisé" in joined, role
            else:
                assert len(pages) > 10, (role, list(pages))
                problems += [f"{role.value}: {url} shows {words}" for url, words in found.items()]
    assert not problems, "\n".join(problems)
