from django.contrib import admin

from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    CalendarException,
    HolidayClosing,
    WeekRequest,
)
from espace_citoyen.activities.services import activity_capacity_apply
from espace_citoyen.audit.admin import AuditedAdmin


class HolidayClosingInline(admin.TabularInline):
    model = HolidayClosing
    extra = 0


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin):
    list_display = ["name", "kind", "school_year", "place", "capacity", "unit", "active"]
    list_filter = ["school_year", "kind", "active"]
    search_fields = ["name", "place_name", "school__name"]
    inlines = [HolidayClosingInline]
    fieldsets = [
        (None, {"fields": ["name", "kind", "school_year", "active"]}),
        ("Lieu", {"fields": ["school", "place_name"]}),
        ("Public accueilli", {"fields": ["eligible_levels", "min_age", "max_age"]}),
        ("Places et unité", {"fields": ["capacity", "unit"]}),
        (
            "Calendrier et réservations",
            {
                "fields": [
                    "weekdays",
                    "uses_weekly_template",
                    "deadline_working_days",
                    "deadline_time",
                    "campaign_start",
                    "campaign_end",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("capacity") if change else None
        super().save_model(request, obj, form, change)
        if previous is not None and int(previous) != obj.capacity:
            activity_capacity_apply(activity=obj, previous=int(previous), actor=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference: these rows change through the back-office services (a
    closure cancels bookings, a new capacity promotes waiting families)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarException)
class CalendarExceptionAdmin(ReadOnlyAdmin):
    list_display = ["date", "activity", "opening", "reason"]
    list_filter = ["opening"]
    date_hierarchy = "date"


@admin.register(ActivityDay)
class ActivityDayAdmin(ReadOnlyAdmin):
    list_display = ["activity", "date", "booked", "capacity"]
    list_filter = ["activity"]
    date_hierarchy = "date"


@admin.register(WeekRequest)
class WeekRequestAdmin(ReadOnlyAdmin):
    """The booking queue's requests (BOOKING_QUEUE): when each arrived and was decided,
    and how. The worker (`manage.py booking_queue`) decides them."""

    list_display = ["id", "activity", "monday", "child", "status", "created_at", "decided_at"]
    list_filter = ["status", "activity"]
    list_select_related = ["activity", "child"]
    date_hierarchy = "created_at"
    search_fields = ["child__last_name", "child__first_name"]
