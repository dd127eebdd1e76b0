"""« Consulter et régler vos factures » in the catalogue, so it shows on Mon espace and
answers the search (« facture », « payer la cantine »)."""

from django.db import migrations

FACTURES = {
    "slug": "factures",
    "title": "Consulter et régler vos factures",
    "summary": (
        "Vos factures de restauration scolaire, d'accueil périscolaire et de loisirs : le "
        "détail de chaque jour, le PDF, le règlement en ligne ou au guichet."
    ),
    "keywords": (
        "facture, factures, payer, paiement, régler, cantine, restauration scolaire, "
        "périscolaire, accueil de loisirs, avoir, impayé, régie"
    ),
    "target": "/carte-famille/factures/",
    "audience": "Familles",
    "requires_login": True,
    "published": True,
    "position": 20,
}


def create(apps, schema_editor):
    Teleservice = apps.get_model("portal", "Teleservice")
    Teleservice.objects.update_or_create(slug=FACTURES["slug"], defaults=FACTURES)


def remove(apps, schema_editor):
    apps.get_model("portal", "Teleservice").objects.filter(slug=FACTURES["slug"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("portal", "0003_commune_zone_and_postal_codes"),
    ]

    operations = [migrations.RunPython(create, remove)]
