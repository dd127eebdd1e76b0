from django import forms


class MandateRequestForm(forms.Form):
    holder = forms.CharField(label="Titulaire du compte", max_length=70)
    address = forms.CharField(
        label="Adresse du titulaire",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        max_length=300,
    )
    iban = forms.CharField(
        label="IBAN",
        max_length=50,
        help_text="Tel qu'écrit sur votre RIB, par exemple FR76 3000 6000 0112 3456 7890 189 "
        "(espaces et minuscules acceptés).",
    )
    bic = forms.CharField(
        label="BIC (facultatif)",
        max_length=15,
        required=False,
        help_text="Trouvé à partir de l'IBAN quand c'est possible.",
    )
    rib = forms.FileField(
        label="Votre RIB (facultatif)",
        required=False,
        help_text="PDF, JPEG ou PNG, 10 Mo au plus : la régie le compare à l'IBAN saisi.",
    )


class SignForm(forms.Form):
    consent = forms.BooleanField(
        label="J'ai lu le mandat ci-dessus et j'autorise la commune à envoyer des instructions "
        "à ma banque pour débiter mon compte, et ma banque à débiter mon compte "
        "conformément à ces instructions.",
        required=False,
    )
    code = forms.CharField(
        label="Code reçu par courriel",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus (lu par la famille)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
    )


class DebitRunForm(forms.Form):
    collection_date = forms.DateField(
        label="Date d'échéance (prélèvement)", widget=forms.DateInput(attrs={"type": "date"})
    )
