from django import forms
from django.core.validators import RegexValidator
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from espace_citoyen.accounts.models import Civility
from espace_citoyen.families import rules
from espace_citoyen.families.fields import (
    CHILD_AUTHORISATION_FIELDS,
    CHILD_HEALTH_FIELDS,
    CHILD_IDENTITY_FIELDS,
    GUARDIAN_FORM_FIELDS,
    PERSON_FIELDS,
)
from espace_citoyen.families.models import (
    AuthorisedPerson,
    Child,
    Diet,
    DocumentKind,
    Guardian,
    Sex,
)

postal_code = RegexValidator(r"^\d{5}$", _("Le code postal compte 5 chiffres, par exemple 51000."))
phone = RegexValidator(
    r"^\+?[\d .()-]{10,20}$",
    _("Saisissez un numéro de téléphone, par exemple 06 12 34 56 78."),
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AddressForm(forms.Form):
    address_line1 = forms.CharField(
        label=_("Numéro et voie"),
        max_length=200,
        help_text=_("Par exemple : 12 rue des Écoles"),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = forms.CharField(
        label=_("Complément d'adresse (facultatif)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        max_length=5,
        validators=[postal_code],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = forms.CharField(
        label=_("Commune"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )


class EmergencyForm(forms.Form):
    emergency_name = forms.CharField(
        label=_("Contact en cas d'urgence (nom et prénom)"), max_length=150, required=False
    )
    emergency_phone = forms.CharField(
        label=_("Téléphone du contact d'urgence"),
        max_length=30,
        required=False,
        validators=[phone],
    )


class FamilyAddressStepForm(AddressForm, EmergencyForm):
    """The family's address, then (under its own heading) the emergency contact."""

    field_order = [*AddressForm.base_fields, *EmergencyForm.base_fields]

    def address_fields(self) -> list:
        return [self[name] for name in AddressForm.base_fields]

    def emergency_fields(self) -> list:
        return [self[name] for name in EmergencyForm.base_fields]


# The input purposes (HTML autofill tokens) of the fields about the user (WCAG 1.3.5).
GUARDIAN_PURPOSES = {
    "last_name": "family-name",
    "first_name": "given-name",
    "birth_date": "bday",
    "email": "email",
    "phone_mobile": "mobile tel",
    "phone_home": "home tel",
    "phone_work": "work tel",
    "profession": "organization-title",
    "employer": "organization",
}


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = GUARDIAN_FORM_FIELDS
        widgets = {
            "civility": forms.RadioSelect,
            "birth_date": DateInput,
            "employer_address": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "birth_date": _("Date de naissance (facultatif)"),
            "email": _("Adresse électronique"),
            "phone_mobile": _("Téléphone portable"),
            "phone_home": _("Téléphone fixe (facultatif)"),
            "phone_work": _("Téléphone professionnel (facultatif)"),
            "profession": _("Profession (facultatif)"),
            "employer": _("Employeur (facultatif)"),
            "employer_address": _("Adresse de l'employeur (facultatif)"),
        }
        help_texts = {
            "employer_address": _("Utile pour une demande de dérogation scolaire."),
        }

    def __init__(self, *args, about_user: bool = False, **kwargs):
        """`about_user`: the guardian is the person filling the form (« vous »), whose
        browser may fill in the fields (WCAG 1.3.5); never for someone else, nor at the
        desk, where it would offer the agent's own details."""
        super().__init__(*args, **kwargs)
        self.fields["civility"].choices = Civility.choices
        self.fields["email"].required = True
        self.fields["phone_mobile"].required = True
        for name in ("phone_mobile", "phone_home", "phone_work"):
            self.fields[name].validators.append(phone)
            self.fields[name].widget.attrs.update({"inputmode": "tel"})
        purposes = GUARDIAN_PURPOSES if about_user else dict.fromkeys(GUARDIAN_PURPOSES, "off")
        for name, purpose in purposes.items():
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = purpose

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        return value


class SecondGuardianForm(GuardianForm):
    """The optional second guardian: every field optional unless « ajouter » is ticked."""

    add = forms.BooleanField(label=_("Ajouter un second responsable légal"), required=False)

    field_order = ["add"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["civility"].required = False
        for name, field in self.fields.items():
            if name != "add":
                field.required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("add"):
            for name in ("civility", "last_name", "first_name", "email", "phone_mobile"):
                if not cleaned.get(name):
                    self.add_error(name, _("Ce champ est obligatoire pour le second responsable."))
        return cleaned

    def _post_clean(self):
        if self.cleaned_data.get("add"):
            super()._post_clean()


class ChildIdentityForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = CHILD_IDENTITY_FIELDS
        widgets = {"birth_date": DateInput, "sex": forms.RadioSelect}
        labels = {"birth_place": _("Lieu de naissance (facultatif)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = Sex.choices

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        problem = rules.child_birth_date_problem(value, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return value


class ChildHealthForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = CHILD_HEALTH_FIELDS + CHILD_AUTHORISATION_FIELDS
        widgets = {
            "vaccinations_date": DateInput,
            "allergies": forms.Textarea(attrs={"rows": 2}),
            "diet": forms.RadioSelect,
        }
        labels = {
            "doctor": _("Médecin traitant (nom et téléphone, facultatif)"),
            "vaccinations_date": _("Date du dernier rappel (facultatif)"),
            "allergies": _("Allergies (facultatif)"),
            "has_pai": _("Mon enfant a un projet d'accueil individualisé (PAI)"),
            "disability_situation": _("Mon enfant est en situation de handicap"),
            "image_rights": _("J'autorise la prise et la diffusion de photos de mon enfant"),
            "may_leave_alone": _("Mon enfant peut partir seul"),
            "emergency_care": _("J'autorise les soins d'urgence"),
            "outings": _("J'autorise les sorties"),
        }
        help_texts = {
            "has_pai": _("Vous pourrez déposer le document du PAI dans vos justificatifs."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["diet"].choices = Diet.choices

    def clean_vaccinations_date(self):
        value = self.cleaned_data.get("vaccinations_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Cette date ne peut pas être dans le futur."))
        return value


class AuthorisedPersonForm(forms.ModelForm):
    class Meta:
        model = AuthorisedPerson
        fields = PERSON_FIELDS
        labels = {"relationship": _("Lien avec l'enfant (grand-parent, voisin…)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone)


class BaseChildFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("Indiquez au moins un enfant."),
        "too_many_forms": _("Vous ne pouvez pas indiquer plus de %(num)d enfants."),
    }


ChildFormSet = formset_factory(
    ChildIdentityForm,
    formset=BaseChildFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=15,
    can_delete=True,
)
AuthorisedPersonFormSet = formset_factory(AuthorisedPersonForm, extra=0, can_delete=True)
ChildHealthFormSet = formset_factory(ChildHealthForm, extra=0)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je certifie l'exactitude des informations saisies."),
        error_messages={"required": _("Cochez la case pour certifier vos informations.")},
    )


class ActivationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Saisissez le code d'activation"),
        max_length=40,
        help_text=_(
            "Le code figure sur la lettre qui vous a été remise lors de votre passage au "
            "Guichet des formalités administratives, par exemple K7QM-3XPA-9D. Majuscules, "
            "espaces et tirets sont sans importance."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class LostCodeForm(forms.Form):
    last_name = forms.CharField(
        label=_("Votre nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("Votre prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_number = forms.CharField(
        label=_("Numéro de famille (facultatif)"),
        max_length=12,
        required=False,
        help_text=_("S'il figure sur un courrier de la mairie, par exemple F-000123."),
    )
    child_birth_date = forms.DateField(
        label=_("Date de naissance de l'un de vos enfants"), widget=DateInput
    )
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Celle que vous avez donnée à la mairie."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_child_birth_date(self):
        value = self.cleaned_data["child_birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        return value


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices)
    child = forms.ChoiceField(label=_("Enfant concerné (facultatif)"), required=False)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, JPEG ou PNG, 10 Mo au maximum."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", _("Toute la famille"))] + [
            (str(child.pk), child.full_name) for child in children
        ]


class AddressChangeForm(AddressForm):
    proof = forms.FileField(
        label=_("Justificatif de domicile"),
        help_text=_(
            "Facture d'énergie, quittance de loyer… de moins de 3 mois ; PDF, JPEG ou PNG, "
            "10 Mo au maximum. La nouvelle adresse sera prise en compte après vérification."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
