"""The card's history joins the product's one audit trail (audit.AuditEntry): each
FamilyChange becomes an entry on its family's file, with its date, author and values,
tagged as health data where it is (a health document's entries; a child's health
fields, split from the other fields changed with them); then the table goes.

The tag is computed from the entry's content, so the copy is right whether or not an
earlier migration tagged the rows already."""

from django.db import migrations

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


def _parts(change) -> list[tuple[dict, bool]]:
    if getattr(change, "sensitive", False):
        return [(change.changes, True)]
    if change.entity == "justificatif":
        return [(change.changes, change.entity_label.startswith(HEALTH_DOCUMENT_LABELS))]
    health = {key: value for key, value in change.changes.items() if key in HEALTH_FIELDS}
    other = {key: value for key, value in change.changes.items() if key not in HEALTH_FIELDS}
    if change.entity != "enfant" or not health:
        return [(change.changes, False)]
    return ([(other, False)] if other else []) + [(health, True)]


def copy_to_audit_trail(apps, schema_editor):
    FamilyChange = apps.get_model("families", "FamilyChange")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not FamilyChange.objects.exists():
        return
    family_type, _created = ContentType.objects.get_or_create(app_label="families", model="family")
    for change in FamilyChange.objects.order_by("id").iterator():
        for changes, sensitive in _parts(change):
            entry = AuditEntry.objects.create(
                actor_id=change.actor_id,
                actor_is_agent=change.actor_is_agent,
                area="families",
                entity=change.entity,
                entity_label=change.entity_label,
                action=change.action,
                changes=changes,
                sensitive=sensitive,
                scope_type=family_type,
                scope_id=change.family_id,
            )
            # auto_now_add stamped it now: keep the change's own date.
            AuditEntry.objects.filter(pk=entry.pk).update(at=change.at)


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0002_document_uploaded_by_optional"),
        ("audit", "0001_audit_entry"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_to_audit_trail, migrations.RunPython.noop),
        migrations.DeleteModel(name="FamilyChange"),
    ]
