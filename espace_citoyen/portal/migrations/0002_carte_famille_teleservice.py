"""The product's own téléservice, and a commune row to fill in: both belong to every
install, demo or not."""

from django.db import migrations

CARTE_FAMILLE = {
    "slug": "carte-famille-inscriptions",
    "title": "Carte famille / Inscriptions",
    "summary": (
        "Créez ou reliez votre carte famille, inscrivez vos enfants à l'école, à la "
        "cantine, au périscolaire et à l'accueil de loisirs, mettez à jour vos tarifs, "
        "consultez et réglez vos factures, suivez vos démarches."
    ),
    "keywords": (
        "inscription, inscrire, carte famille, famille, école, scolaire, inscription "
        "scolaire, dérogation, périmètre scolaire, périscolaire, extrascolaire, cantine, "
        "restauration scolaire, accueil du matin, accueil du soir, étude, centre de "
        "loisirs, accueil de loisirs, mercredi, vacances, tarifs, quotient familial, "
        "factures, paiement, prélèvement, démarches, enfants"
    ),
    "target": "/carte-famille/",
    "audience": "Familles",
    "requires_login": True,
    "published": True,
    "position": 10,
}


def create(apps, schema_editor):
    Teleservice = apps.get_model("portal", "Teleservice")
    Commune = apps.get_model("portal", "Commune")
    Teleservice.objects.update_or_create(slug=CARTE_FAMILLE["slug"], defaults=CARTE_FAMILLE)
    Commune.objects.get_or_create(pk=1, defaults={"name": "Ma commune"})


def remove(apps, schema_editor):
    apps.get_model("portal", "Teleservice").objects.filter(slug=CARTE_FAMILLE["slug"]).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
