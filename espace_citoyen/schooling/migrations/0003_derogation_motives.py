from django.db import migrations

# The motives of domain.md; the commune may rename, reorder or retire them in the admin.
MOTIVES = [
    (
        10,
        "Frère ou sœur déjà scolarisé dans l'école demandée",
        "Joignez le certificat de scolarité du frère ou de la sœur.",
    ),
    (
        20,
        "Assistante maternelle ou grands-parents dans le secteur de l'école demandée",
        "Joignez l'attestation de l'assistante maternelle ou le justificatif de domicile "
        "des grands-parents.",
    ),
    (
        30,
        "Lieu de travail d'un parent proche de l'école demandée",
        "Joignez une attestation de l'employeur.",
    ),
    (40, "Raison médicale", "Joignez un certificat médical sous pli confidentiel."),
    (
        50,
        "Fin de cycle dans l'école actuelle",
        "Après un déménagement, pour que l'enfant termine son cycle (maternelle ou "
        "élémentaire) dans l'école où il est déjà.",
    ),
    (90, "Autre motif", "Expliquez votre situation."),
]


def add_motives(apps, schema_editor):
    DerogationMotive = apps.get_model("schooling", "DerogationMotive")
    for position, label, help_text in MOTIVES:
        DerogationMotive.objects.get_or_create(
            label=label, defaults={"position": position, "help_text": help_text}
        )


def remove_motives(apps, schema_editor):
    DerogationMotive = apps.get_model("schooling", "DerogationMotive")
    DerogationMotive.objects.filter(label__in=[label for _p, label, _h in MOTIVES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("schooling", "0002_carte_scolaire_enrolments_derogations"),
    ]

    operations = [migrations.RunPython(add_motives, remove_motives)]
