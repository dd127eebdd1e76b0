from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from espace_citoyen.portal.demo import DEMO_PASSWORD

# Each app with demo data has a demo.load() returning the logins it created; they run in
# dependency order. Running the command again updates and never duplicates.
DEMO_MODULES = [
    "espace_citoyen.portal.demo",
    "espace_citoyen.families.demo",
    "espace_citoyen.schooling.demo",
    "espace_citoyen.activities.demo",
    "espace_citoyen.allocation.demo",
    "espace_citoyen.pricing.demo",
    "espace_citoyen.billing.demo",
    "espace_citoyen.sepa.demo",
]


class Command(BaseCommand):
    help = "Load (or refresh) the demo commune: agents, a citizen, and their data."

    def handle(self, *args, **options):
        logins: list[tuple[str, str]] = []
        with transaction.atomic():
            for module in DEMO_MODULES:
                logins.extend(import_module(module).load() or [])
        self.stdout.write(self.style.SUCCESS("Commune de démonstration prête."))
        self.stdout.write(f"Adresse : {settings.SITE_URL}/")
        self.stdout.write(f"Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}")
        width = max(len(email) for email, _what in logins)
        for email, what in logins:
            self.stdout.write(f"  {email.ljust(width)}  {what}")
