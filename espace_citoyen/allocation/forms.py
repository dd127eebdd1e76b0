from django import forms
from django.utils.translation import gettext_lazy as _

NONE = [("", _("— aucun autre choix —"))]


def _choice_fields(form, options) -> None:
    values = [(option.key, option.label) for option in options]
    form.fields["choice1"] = forms.ChoiceField(
        label=_("1er choix"),
        choices=[("", _("— choisissez —")), *values],
        help_text=_("Un site et une semaine (ou un jour)."),
    )
    form.fields["choice2"] = forms.ChoiceField(
        label=_("2e choix (si le premier n'est pas possible)"),
        choices=NONE + values,
        required=False,
    )
    form.fields["choice3"] = forms.ChoiceField(
        label=_("3e choix (facultatif)"), choices=NONE + values, required=False
    )


class RequestForm(forms.Form):
    children = forms.MultipleChoiceField(
        label=_("Enfants concernés"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, children, options, keep_siblings: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [(str(c.pk), c.full_name) for c in children]
        _choice_fields(self, options)
        if keep_siblings and len(children) > 1:
            self.fields["together"] = forms.BooleanField(
                label=_("Garder mes enfants ensemble"),
                required=False,
                initial=True,
                help_text=_(
                    "Cochée : les enfants choisis obtiennent le même choix, ou attendent ensemble."
                ),
            )

    def choice_keys(self) -> list[str]:
        return [self.cleaned_data.get(f"choice{n}", "") for n in (1, 2, 3)]


class ChangeForm(forms.Form):
    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        _choice_fields(self, options)

    def choice_keys(self) -> list[str]:
        return [self.cleaned_data.get(f"choice{n}", "") for n in (1, 2, 3)]
