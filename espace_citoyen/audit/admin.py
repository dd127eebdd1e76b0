from django.contrib import admin

from espace_citoyen.audit import rules as audit_rules
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.audit.services import audit_record


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the trail is written by the services, never edited."""

    list_display = ["at", "actor", "area", "entity", "entity_label", "action"]
    list_filter = ["area", "action", "actor_is_agent"]
    search_fields = ["entity_label", "actor__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """A configuration edited in the admin (the commune, the catalogue, schools, sectors,
    activities, agents' accounts and roles) is recorded in the trail like any service's
    change: who, when, and each field's value before and after, many-to-many included
    (an agent's roles). Secrets (a password) are recorded as changed, never their value."""

    audit_secret_fields = ("password",)

    def _audit_snapshot(self, obj) -> dict:
        opts = obj._meta
        values = {}
        for field in [*opts.concrete_fields, *opts.many_to_many]:
            if field.auto_created or field.primary_key:
                continue
            if field.many_to_many:
                value = sorted(str(item) for item in getattr(obj, field.name).all())
            elif field.is_relation:
                value = str(getattr(obj, field.name) or "") or None
            else:
                value = field.value_from_object(obj)
                if field.name in self.audit_secret_fields:
                    value = "•" if value else ""
                elif hasattr(value, "name"):  # a file
                    value = value.name or None
            values[field.name] = audit_rules.plain(value)
        return values

    def _audit(self, request, obj, *, action: str, before: dict, after: dict) -> None:
        audit_record(
            actor=request.user,
            area=obj._meta.app_label,
            entity=str(obj._meta.verbose_name),
            label=str(obj),
            before=before,
            after=after,
            action=action,
            subject=obj,
        )

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            stored = type(obj)._default_manager.get(pk=obj.pk)
            before = self._audit_snapshot(stored)
        request._audit_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        self._audit(
            request,
            obj,
            action="modification" if change else "création",
            before=getattr(request, "_audit_before", {}),
            after=self._audit_snapshot(obj),
        )

    def delete_model(self, request, obj):
        before = self._audit_snapshot(obj)
        super().delete_model(request, obj)
        self._audit(request, obj, action="suppression", before=before, after={})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
