from django import forms
from django.utils.translation import gettext_lazy as _


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Votre message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation (facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
