from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from espace_citoyen.activities import rules

WEEKDAY_CHOICES = [
    ("0", _("Lundi")),
    ("1", _("Mardi")),
    ("2", _("Mercredi")),
    ("3", _("Jeudi")),
    ("4", _("Vendredi")),
]


class DayField(forms.DateField):
    """A date the calendars can answer about (years 2000 to 2100): a date typed far
    away is a clear error on the field, never an error page."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not rules.plausible(value):
            raise ValidationError(
                _("Saisissez une date entre %(first)s et %(last)s.")
                % {"first": rules.FIRST_YEAR, "last": rules.LAST_YEAR},
                code="out_of_range",
            )


class EnrolmentForm(forms.Form):
    activity = forms.CharField(
        label=_("Activité"),
        max_length=20,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une activité.")},
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Semaine type"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les jours où votre enfant fréquentera l'activité chaque semaine : ils sont "
            "réservés pour toute l'année scolaire (pour les mercredis, cochez « Mercredi »). "
            "Sans objet pour les vacances, que vous réservez ensuite par jour ou par semaine."
        ),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only the activities open to the child are offered; the service still checks
        # whatever is posted.
        self.fields["activity"].widget.choices = list(choices)


class TemplateChangeForm(forms.Form):
    weekdays = forms.MultipleChoiceField(
        label=_("Nouvelle semaine type"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ne cochez aucun jour pour arrêter les réservations automatiques."),
    )
    start = DayField(
        label=_("À partir du"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Les jours dont le délai de modification est passé ne changent pas."),
    )


class DayForm(forms.Form):
    activity = forms.IntegerField(min_value=1)
    date = DayField()
    action = forms.ChoiceField(choices=[("add", "add"), ("cancel", "cancel")])


class WeekForm(forms.Form):
    activity = forms.IntegerField(min_value=1)
    monday = DayField()
