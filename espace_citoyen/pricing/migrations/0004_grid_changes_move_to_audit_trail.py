"""The grids' changes join the product's one audit trail (audit.AuditEntry), with their
date, author and values; then their own table goes."""

from django.db import migrations


def copy_to_audit_trail(apps, schema_editor):
    GridChange = apps.get_model("pricing", "GridChange")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    changes = list(GridChange.objects.order_by("id"))
    if not changes:
        return
    grid_type, _created = ContentType.objects.get_or_create(app_label="pricing", model="tariffgrid")
    agents = set(
        Group.objects.filter(user__in=[c.actor_id for c in changes if c.actor_id]).values_list(
            "user", flat=True
        )
    )
    for change in changes:
        entry = AuditEntry.objects.create(
            actor_id=change.actor_id,
            actor_is_agent=change.actor_id in agents,
            area="pricing",
            entity="grille tarifaire",
            entity_label=change.grid_label,
            action=change.action,
            changes=change.changes,
            subject_type=grid_type if change.grid_id else None,
            subject_id=change.grid_id,
        )
        # auto_now_add stamped it now: keep the change's own date.
        AuditEntry.objects.filter(pk=entry.pk).update(at=change.at)


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0003_effort_and_tax_figures_not_null"),
        ("audit", "0001_audit_entry"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(copy_to_audit_trail, migrations.RunPython.noop),
        migrations.DeleteModel(name="GridChange"),
    ]
