"""Reference data of schooling, configured by administrators: schools, school years
with their campaign windows, the carte scolaire's rules, the dérogation motives."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from espace_citoyen.audit.admin import AuditedAdmin
from espace_citoyen.schooling import rules
from espace_citoyen.schooling.models import (
    DerogationMotive,
    School,
    SchoolYear,
    SectorImport,
    SectorRule,
)


class SchoolForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label=_("niveaux proposés"),
        choices=rules.Level.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Maternelle : TPS à GS ; élémentaire : CP à CM2 ; primaire : les deux cycles."),
    )

    class Meta:
        model = School
        fields = ["name", "kind", "address", "levels", "capacity", "active"]


@admin.register(School)
class SchoolAdmin(AuditedAdmin):
    form = SchoolForm
    list_display = ["name", "kind", "address", "capacity", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "address"]


@admin.register(SchoolYear)
class SchoolYearAdmin(AuditedAdmin):
    list_display = ["label", "start_date", "end_date", "campaign_start", "campaign_end"]
    fieldsets = [
        (None, {"fields": ["label", "start_date", "end_date"]}),
        (_("Campagne d'inscription scolaire"), {"fields": ["campaign_start", "campaign_end"]}),
    ]


class SectorRuleForm(forms.ModelForm):
    class Meta:
        model = SectorRule
        fields = ["street", "parity", "number_from", "number_to", "school"]

    def clean(self):
        cleaned = super().clean()
        school = cleaned.get("school")
        street = cleaned.get("street")
        if not school or not street:
            return cleaned
        line = rules.SectorLine(
            street=street,
            range=rules.Range(
                parity=cleaned.get("parity") or rules.Parity.ALL,
                start=cleaned.get("number_from") or 1,
                end=cleaned.get("number_to"),
            ),
            school=str(school.pk),
            school_kind=school.kind,
        )
        others = SectorRule.objects.filter(street_key=line.key).select_related("school")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        for other in others:
            existing = rules.SectorLine(
                street=other.street,
                range=other.range,
                school=str(other.school_id),
                school_kind=other.school.kind,
            )
            if rules.lines_conflict(line, existing):
                raise forms.ValidationError(
                    _(
                        "Ces numéros ont déjà une école du même type : "
                        "%(rule)s, %(range)s → %(school)s."
                    )
                    % {
                        "rule": other.street,
                        "range": rules.range_label(other.range),
                        "school": other.school.name,
                    }
                )
        return cleaned


@admin.register(SectorRule)
class SectorRuleAdmin(AuditedAdmin):
    form = SectorRuleForm
    list_display = ["street", "parity", "number_from", "number_to", "school"]
    list_filter = ["school", "parity"]
    search_fields = ["street", "street_key"]
    list_select_related = ["school"]


@admin.register(DerogationMotive)
class DerogationMotiveAdmin(AuditedAdmin):
    list_display = ["label", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(SectorImport)
class SectorImportAdmin(admin.ModelAdmin):
    list_display = ["at", "filename", "rule_count", "by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
