"""Administrators configure tariff grids here. Every save is checked as a whole (the
brackets contiguous from 0 € and non-overlapping, prices never decreasing, floor not
above ceiling, no other grid of the activity on the same dates) and kept in the audit
trail that the back-office shows (who changed what)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from espace_citoyen.pricing import rules, services
from espace_citoyen.pricing.models import TariffBracket, TariffGrid


class TariffGridForm(forms.ModelForm):
    class Meta:
        model = TariffGrid
        fields = [
            "activity",
            "kind",
            "valid_from",
            "valid_until",
            "effort_rate",
            "floor_price",
            "ceiling_price",
            "non_resident_price",
            "pai_price",
            "unbooked_surcharge",
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == rules.BRACKETS:
            # A bracket grid has no taux d'effort: figures typed there are dropped.
            for field in ("effort_rate", "floor_price", "ceiling_price"):
                cleaned[field] = None
        if kind == rules.EFFORT_RATE:
            for field, message in rules.effort_problems(
                cleaned.get("effort_rate"), cleaned.get("floor_price"), cleaned.get("ceiling_price")
            ):
                if field not in self.errors:
                    self.add_error(field, message)
        for field in ("non_resident_price", "pai_price", "unbooked_surcharge", "floor_price"):
            value = cleaned.get(field)
            if value is not None and value < 0 and field not in self.errors:
                self.add_error(field, _("Un prix ne peut pas être négatif."))
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("La fin de validité précède son début."))
        activity = cleaned.get("activity")
        if activity and valid_from and "valid_until" not in self.errors:
            other = services.grid_overlap(
                activity_id=activity.pk,
                valid_from=valid_from,
                valid_until=valid_until,
                exclude_pk=self.instance.pk,
            )
            if other is not None:
                self.add_error("valid_from", services.overlap_message(other))
        return cleaned


class BracketFormSet(BaseInlineFormSet):
    """The brackets are checked together: a bracket alone cannot say it overlaps."""

    def clean(self):
        if any(self.errors):
            return
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kind = getattr(self.instance, "kind", "")
        if kind == rules.BRACKETS:
            problems = rules.bracket_problems(
                [
                    rules.Bracket(row["qf_min"], row.get("qf_max"), row["price"])
                    for row in rows
                    if row.get("qf_min") is not None and row.get("price") is not None
                ]
            )
            if problems:
                raise ValidationError(problems)
        elif kind == rules.EFFORT_RATE and rows:
            raise ValidationError(
                _(
                    "Une grille à taux d'effort n'a pas de tranches : supprimez-les, ou "
                    "choisissez le type « Tranches de quotient familial »."
                )
            )
        super().clean()


class TariffBracketInline(admin.TabularInline):
    model = TariffBracket
    formset = BracketFormSet
    extra = 1
    ordering = ["qf_min"]


@admin.register(TariffGrid)
class TariffGridAdmin(admin.ModelAdmin):
    form = TariffGridForm
    inlines = [TariffBracketInline]
    list_display = ["activity", "kind", "valid_from", "valid_until", "non_resident_price"]
    list_filter = ["kind", "activity__school_year", "activity__kind"]
    search_fields = ["activity__name"]
    fieldsets = [
        (None, {"fields": ["activity", "kind", "valid_from", "valid_until"]}),
        (
            _("Taux d'effort (pour une grille à taux d'effort)"),
            {"fields": ["effort_rate", "floor_price", "ceiling_price"]},
        ),
        (
            _("Autres tarifs"),
            {"fields": ["non_resident_price", "pai_price", "unbooked_surcharge"]},
        ),
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        """A grid that has applied explains past prices: end it instead of deleting it."""
        if obj is not None and obj.valid_from <= timezone.localdate():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            stored = TariffGrid.objects.select_related("activity").get(pk=obj.pk)
            before = services.grid_snapshot(stored, stored.brackets.order_by("qf_min"))
        request._pricing_grid_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        grid = form.instance
        services.grid_change_record(
            grid=grid,
            label=str(grid),
            actor=request.user,
            action="modification" if change else "création",
            before=getattr(request, "_pricing_grid_before", {}),
            after=services.grid_snapshot(grid, grid.brackets.order_by("qf_min")),
        )

    def delete_model(self, request, obj):
        services.grid_change_record(
            grid=None,
            label=str(obj),
            actor=request.user,
            action="suppression",
            before=services.grid_snapshot(obj, obj.brackets.order_by("qf_min")),
            after={},
        )
        super().delete_model(request, obj)
