from django.contrib import admin

from espace_citoyen.audit.models import AuditEntry


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
