"""The public tariff simulator is one of the product's own services: in the catalogue of
every install, found by the search at the top right."""

from django.db import migrations

SIMULATOR = {
    "slug": "simulateur-tarifs",
    "title": "Simulateur de tarifs",
    "summary": (
        "Calculez le prix de la cantine, de l'accueil périscolaire et de l'accueil de "
        "loisirs à partir d'un quotient familial, et consultez les grilles."
    ),
    "keywords": (
        "tarif, tarifs, prix, simulateur, quotient familial, QF, cantine, restauration "
        "scolaire, grille tarifaire, taux d'effort"
    ),
    "target": "/tarifs/",
    "audience": "Tout public",
    "requires_login": False,
    "published": True,
    "position": 20,
}


def create(apps, schema_editor):
    apps.get_model("portal", "Teleservice").objects.update_or_create(
        slug=SIMULATOR["slug"], defaults=SIMULATOR
    )


def remove(apps, schema_editor):
    apps.get_model("portal", "Teleservice").objects.filter(slug=SIMULATOR["slug"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0001_tariff_grids_and_quotients"),
        ("portal", "0003_commune_zone_and_postal_codes"),
    ]

    operations = [migrations.RunPython(create, remove)]
