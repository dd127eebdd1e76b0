"""Fair allocation in the admin site: to look, not to edit. The rules are published
with the window and the draw is checked against the published report, so every change
goes through the back office's services (which freeze what must not move, and write the
audit trail); the admin offers no add, change or delete."""

from django.contrib import admin

from espace_citoyen.allocation.models import (
    Adjustment,
    AgeGroup,
    Allocation,
    AllocationRequest,
    DayCapacity,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AgeGroupInline(ReadOnlyMixin, admin.TabularInline):
    model = AgeGroup
    extra = 0


class DayCapacityInline(ReadOnlyMixin, admin.TabularInline):
    model = DayCapacity
    extra = 0


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["label", "first_day", "last_day", "opens_at", "closes_at", "published_at"]
    list_filter = ["published_at"]
    search_fields = ["label"]
    date_hierarchy = "first_day"
    inlines = [AgeGroupInline, DayCapacityInline]
    fieldsets = [
        (None, {"fields": ["label", "activities", "first_day", "last_day"]}),
        ("Période de demande", {"fields": ["opens_at", "closes_at", "results_on"]}),
        ("Critères", {"fields": ["criteria", "reserved_share", "keep_siblings"]}),
        (
            "Tirage",
            {"fields": ["public_value", "requests_hash", "seed", "seed_fixed_at", "seed_fixed_by"]},
        ),
        ("Publication", {"fields": ["published_at", "published_by"]}),
        ("Suivi", {"fields": ["created_at", "created_by", "updated_at", "updated_by"]}),
    ]


@admin.register(AllocationRequest)
class AllocationRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The criteria a request met are not shown: one of them (handicap ou PAI) is
    health data, read only by the roles caring for children, in the back office."""

    list_display = ["demarche", "allocation", "status", "granted_choice", "rank", "order"]
    list_filter = ["allocation", "status"]
    search_fields = ["demarche__reference"]
    list_select_related = ["demarche", "allocation"]
    fields = [
        "allocation",
        "demarche",
        "family",
        "child",
        "choices",
        "together",
        "status",
        "granted_choice",
        "rank",
        "order",
        "decided_at",
        "created_at",
        "updated_at",
        "updated_by",
    ]


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["allocation", "request", "action", "choice", "reason", "agent", "at"]
    list_filter = ["allocation", "action"]
    list_select_related = ["allocation", "request__demarche", "agent"]
