from django.db import migrations, models

HEALTH_FIELDS = {
    "doctor",
    "vaccinations_up_to_date",
    "vaccinations_date",
    "allergies",
    "diet",
    "has_pai",
    "disability_situation",
}
# The labels health documents were recorded with (DocumentKind's, in French).
HEALTH_DOCUMENT_LABELS = (
    "Projet d'accueil individualisé (PAI)",
    "Certificat médical",
    "Carnet de vaccinations",
)


def tag_health_changes(apps, schema_editor):
    """Tag the history already recorded: a health document's entries are sensitive; a
    child's entry that mixed health and other fields becomes two entries, the health one
    sensitive."""
    FamilyChange = apps.get_model("families", "FamilyChange")
    for change in FamilyChange.objects.filter(entity="justificatif").iterator():
        if change.entity_label.startswith(HEALTH_DOCUMENT_LABELS):
            change.sensitive = True
            change.save(update_fields=["sensitive"])
    for change in FamilyChange.objects.filter(entity="enfant").iterator():
        health = {key: value for key, value in change.changes.items() if key in HEALTH_FIELDS}
        if not health:
            continue
        other = {key: value for key, value in change.changes.items() if key not in HEALTH_FIELDS}
        if other:
            change.changes = other
            change.save(update_fields=["changes"])
            copy = FamilyChange.objects.create(
                family_id=change.family_id,
                actor_id=change.actor_id,
                actor_is_agent=change.actor_is_agent,
                entity=change.entity,
                entity_label=change.entity_label,
                action=change.action,
                changes=health,
                sensitive=True,
            )
            FamilyChange.objects.filter(pk=copy.pk).update(at=change.at)
        else:
            change.sensitive = True
            change.save(update_fields=["sensitive"])


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0002_document_uploaded_by_optional"),
    ]

    operations = [
        migrations.AddField(
            model_name="familychange",
            name="sensitive",
            field=models.BooleanField(default=False, verbose_name="donnée de santé"),
        ),
        migrations.RunPython(tag_health_changes, migrations.RunPython.noop),
    ]
