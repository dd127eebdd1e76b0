from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families import services as families
from espace_citoyen.families.forms import DateInput
from espace_citoyen.pricing import api_particulier, rules

FILE_HELP = _("PDF, JPEG ou PNG, 10 Mo au maximum.")
FILE_WIDGET = {"accept": ".pdf,.jpg,.jpeg,.png"}


class WholeEurosField(forms.IntegerField):
    """A QF in whole euros; "812", "812 €" and "1 370" are understood."""

    default_error_messages = {
        "invalid": _("Saisissez un nombre entier d'euros, par exemple 812."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace(" ", "").replace("\xa0", "").strip()
        return super().to_python(value)


class EurosField(forms.DecimalField):
    default_error_messages = {"invalid": _("Saisissez un montant en euros, par exemple 29232.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace(" ", "").replace("\xa0", "").replace(",", ".")
        return super().to_python(value)


class PartsField(EurosField):
    default_error_messages = {"invalid": _("Saisissez un nombre de parts, par exemple 2,5.")}


def _rule(check, value):
    """A pricing rule's message as the field's error, so the form shows every error at
    once (the service checks again)."""
    try:
        return check(value)
    except rules.RuleError as error:
        raise forms.ValidationError(error.message) from None


def _real_document(upload):
    try:
        families.document_check_file(upload)
    except ApplicationError as error:
        raise forms.ValidationError(error.message) from None
    return upload


class CafDeclarationForm(forms.Form):
    qf = WholeEurosField(
        label=_("Votre quotient familial (en euros)"),
        help_text=_(
            "Il figure sur votre attestation de quotient familial de la CAF ou de la MSA, "
            "par exemple 812."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    document = forms.FileField(
        label=_("Votre attestation de quotient familial"),
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs=FILE_WIDGET),
    )

    def clean_qf(self):
        return _rule(rules.check_declared_qf, self.cleaned_data["qf"])

    def clean_document(self):
        return _real_document(self.cleaned_data["document"])


class TaxDeclarationForm(forms.Form):
    income = EurosField(
        label=_("Revenu fiscal de référence (en euros)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("En première page de votre avis d'imposition, par exemple 29232."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    parts = PartsField(
        label=_("Nombre de parts"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Sur votre avis d'imposition, par exemple 3 ou 2,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    year = forms.TypedChoiceField(label=_("Année des revenus"), coerce=int)
    document = forms.FileField(
        label=_("Votre avis d'imposition"),
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs=FILE_WIDGET),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].choices = [
            (
                year - 1,
                _("revenus %(year)d (avis reçu en %(next)d)") % {"year": year - 1, "next": year},
            ),
            (
                year - 2,
                _("revenus %(year)d (avis reçu en %(next)d)")
                % {"year": year - 2, "next": year - 1},
            ),
        ]

    def clean_income(self):
        return _rule(rules.check_tax_income, self.cleaned_data["income"])

    def clean_parts(self):
        return _rule(rules.check_parts, self.cleaned_data["parts"])

    def clean_document(self):
        return _real_document(self.cleaned_data["document"])


class ApiConsentForm(forms.Form):
    """The identity API Particulier searches on, and the family's consent."""

    birth_name = forms.CharField(label=_("Nom de naissance"), max_length=150)
    first_names = forms.CharField(
        label=_("Prénoms"),
        max_length=200,
        help_text=_("Tous vos prénoms, dans l'ordre de l'état civil, séparés par un espace."),
    )
    sex = forms.ChoiceField(
        label=_("Sexe à l'état civil"),
        choices=[("F", _("Féminin")), ("M", _("Masculin"))],
        widget=forms.RadioSelect,
    )
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DateInput)
    born_in_france = forms.ChoiceField(
        label=_("Lieu de naissance"),
        choices=[("oui", _("En France")), ("non", _("À l'étranger"))],
        widget=forms.RadioSelect,
    )
    birth_commune = forms.CharField(
        label=_("Code INSEE de votre commune de naissance (naissance en France)"),
        max_length=5,
        required=False,
        validators=[
            RegexValidator(
                r"^\d[\dAB]\d{3}$", _("Le code INSEE compte 5 caractères, par exemple 75056.")
            )
        ],
        help_text=_(
            "5 caractères, différents du code postal : par exemple 75056 pour Paris. "
            "Il figure sur le site de l'Insee (code officiel géographique)."
        ),
    )
    birth_country = forms.CharField(
        label=_("Code INSEE de votre pays de naissance (naissance à l'étranger)"),
        max_length=5,
        required=False,
        validators=[
            RegexValidator(
                r"^99\d{3}$",
                _(
                    "Le code d'un pays compte 5 chiffres et commence par 99, par exemple "
                    "99127 pour l'Italie."
                ),
            )
        ],
        help_text=_("Par exemple 99127 pour l'Italie."),
    )
    consent = forms.BooleanField(
        label=_(
            "J'autorise la mairie à consulter mon quotient familial auprès de la CAF ou de "
            "la MSA pour calculer mes tarifs."
        ),
        error_messages={
            "required": _(
                "Cochez la case pour autoriser la mairie à consulter votre quotient familial."
            )
        },
    )

    @staticmethod
    def initial_for(guardian) -> dict:
        """What the portal already knows of the guardian (the consent is never ticked)."""
        if guardian is None:
            return {"consent": False}
        return {
            "birth_name": guardian.last_name,
            "first_names": guardian.first_name,
            "sex": {"mme": "F", "m": "M"}.get(guardian.civility, ""),
            "birth_date": guardian.birth_date,
            "born_in_france": "oui",
            "consent": False,
        }

    def identity(self) -> api_particulier.Identity:
        """The identity to search on, from a valid form."""
        data = self.cleaned_data
        in_france = data["born_in_france"] == "oui"
        return api_particulier.Identity(
            birth_name=data["birth_name"],
            first_names=tuple(data["first_names"].split()),
            sex=data["sex"],
            birth_date=data["birth_date"],
            birth_country=api_particulier.FRANCE if in_france else data["birth_country"],
            birth_commune=data["birth_commune"] if in_france else "",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("born_in_france") == "oui" and not cleaned.get("birth_commune"):
            self.add_error(
                "birth_commune", _("Indiquez le code INSEE de votre commune de naissance.")
            )
        if cleaned.get("born_in_france") == "non" and not cleaned.get("birth_country"):
            self.add_error("birth_country", _("Indiquez le code INSEE de votre pays de naissance."))
        birth_date = cleaned.get("birth_date")
        if birth_date and birth_date >= timezone.localdate():
            self.add_error("birth_date", _("La date de naissance doit être dans le passé."))
        return cleaned


class DocumentAddForm(forms.Form):
    document = forms.FileField(
        label=_("Document à ajouter"),
        help_text=FILE_HELP,
        widget=forms.ClearableFileInput(attrs=FILE_WIDGET),
    )


class WaiveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je ne déclare pas mes revenus et j'accepte le tarif le plus élevé."),
        error_messages={"required": _("Cochez la case pour confirmer votre choix.")},
    )


class SimulatorForm(forms.Form):
    activity = forms.TypedChoiceField(label=_("Activité"), coerce=int)
    qf = WholeEurosField(
        label=_("Quotient familial (en euros)"),
        required=False,
        min_value=0,
        max_value=rules.QF_AGENT_MAX,
        help_text=_("Laissez vide si vous ne déclarez pas vos revenus (tarif le plus élevé)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    resident = forms.ChoiceField(
        label=_("Vous habitez la commune"),
        choices=[("oui", _("Oui")), ("non", _("Non"))],
        initial="oui",
        widget=forms.RadioSelect,
    )
    day = forms.DateField(
        label=_("Date (facultatif)"),
        required=False,
        widget=DateInput,
        help_text=_("Pour connaître le prix d'une grille à venir ; aujourd'hui par défaut."),
    )

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", _("Choisissez une activité"))] + [
            (activity.pk, _activity_label(activity)) for activity in activities
        ]
        self.fields["qf"].error_messages.update(
            {
                "min_value": _("Le quotient familial ne peut pas être négatif."),
                "max_value": _("Ce quotient familial paraît erroné : vérifiez le chiffre."),
            }
        )


def _activity_label(activity) -> str:
    place = activity.place
    return f"{activity.name} ({place})" if place and place not in activity.name else activity.name


class ValidationForm(forms.Form):
    """The régie's screen: the QF retained (declared or corrected), the reason."""

    qf = WholeEurosField(label=_("Quotient familial retenu (en euros)"), min_value=0)
    reason = forms.CharField(
        label=_("Motif de la correction (obligatoire si vous changez le chiffre)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("La famille le lira dans le courriel et dans sa démarche."),
    )
    message = forms.CharField(
        label=_("Message à la famille (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
