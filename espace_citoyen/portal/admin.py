from django.contrib import admin
from django.db import models

from espace_citoyen.portal.models import Commune, Teleservice


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["accessibility_status"]  # from the audit grid (accessibility_audit)
    fieldsets = [
        (None, {"fields": ["name", "logo", "primary_colour"]}),
        ("Contact", {"fields": ["address", "phone", "email", "website", "opening_hours"]}),
        (
            "Pages légales",
            {
                "fields": [
                    "legal_notice",
                    "accessibility_status",
                    "accessibility_statement",
                    "accessibility_plan_url",
                    "accessibility_action_plan_url",
                    "privacy_notice",
                ]
            },
        ),
    ]

    def has_add_permission(self, request) -> bool:
        return not Commune.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Teleservice)
class TeleserviceAdmin(admin.ModelAdmin):
    list_display = ["title", "target", "published", "position"]
    list_editable = ["published", "position"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "keywords"]
