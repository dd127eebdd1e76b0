"""Every page has its own title (RGAA 8.6, WCAG 2.4.2): a visitor, a parent and each agent
role reading the demo commune never meet two different pages under one title (public and
back-office grids, add and edit forms, the tabs of a family sheet)."""

import re
from collections import defaultdict
from datetime import datetime
from html import unescape
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from espace_citoyen.accounts.models import User
from espace_citoyen.families.models import Family
from tests.test_no_server_error import PEOPLE, _urls

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
# The same page under another address is not a duplicate: error pages and redirections
# land on a shared title, and the family sheet's tabs are checked below.
SHARED = {"Page introuvable", "Accès refusé", "Requête incorrecte", "Session expirée"}
ALIASES = {  # one page, two addresses
    "families:create": "families:create_step",
    "backoffice:family": "backoffice:family?onglet=responsables",
}


def _title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    return " ".join(unescape(match.group(1)).split()) if match else ""


@pytest.mark.django_db
def test_no_two_pages_share_a_title():
    with time_machine.travel(NOW, tick=False):
        call_command("demo", stdout=StringIO())
        urls = sorted(set(_urls()))
        family = Family.objects.filter(guardians__user__email=PEOPLE[1]).first()
        duplicates = []
        for who in [*PEOPLE, "admin@example.org"]:
            client = Client(raise_request_exception=False)
            if who:
                client.force_login(User.objects.get(email=who))
            pages = defaultdict(set)
            for name, url in urls:
                response = client.get(url)
                if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                    continue
                title = _title(response)
                if title.split(" — ")[0] not in SHARED:
                    pages[title].add(ALIASES.get(name, name))
            for tab in ["responsables", "enfants", "documents", "demarches", "historique"]:
                response = client.get(f"/backoffice/familles/{family.pk}/?onglet={tab}")
                if response.status_code == 200:
                    pages[_title(response)].add(f"backoffice:family?onglet={tab}")
            duplicates += [
                f"{who or 'visiteur'} : « {title} » pour {sorted(names)}"
                for title, names in pages.items()
                if len(names) > 1
            ]
    assert not duplicates, "\n".join(duplicates)
