from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from espace_citoyen.core.dates import french_date
from espace_citoyen.families.forms import DateInput, postal_code
from espace_citoyen.schooling.models import RequestedDocument
from espace_citoyen.schooling.rules import Level, level_label

DOCUMENT_HELP = _("PDF, JPEG ou PNG, 10 Mo au plus. Facultatif : vous pourrez l'ajouter plus tard.")


class EnrolmentForm(forms.Form):
    child = forms.TypedChoiceField(
        label=_("Enfant à inscrire"), coerce=int, widget=forms.RadioSelect
    )
    school_year = forms.TypedChoiceField(label=_("Année scolaire"), coerce=int)
    level = forms.ChoiceField(
        label=_("Niveau"),
        required=False,
        help_text=_(
            "Le niveau est proposé d'après l'année de naissance : 3 ans dans l'année de la "
            "rentrée, petite section ; 6 ans, CP. Choisissez un autre niveau seulement si "
            "l'école vous l'a conseillé."
        ),
    )
    document_enfant = forms.FileField(
        label=_("Identité de l'enfant : livret de famille ou acte de naissance"),
        required=False,
        help_text=DOCUMENT_HELP,
    )
    document_responsables = forms.FileField(
        label=_("Pièce d'identité d'un responsable légal"),
        required=False,
        help_text=DOCUMENT_HELP,
    )
    document_domicile = forms.FileField(
        label=_("Justificatif de domicile de moins de trois mois"),
        required=False,
        help_text=DOCUMENT_HELP,
    )
    sworn_statements = forms.MultipleChoiceField(
        label=_("Attestations sur l'honneur, à la place d'un document"),
        required=False,
        choices=RequestedDocument.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Cochez une pièce pour attester sur l'honneur l'exactitude de ces informations si "
            "vous ne pouvez pas fournir le document (décret n° 2020-811 du 29 juin 2020). "
            "Une fausse attestation est punie par l'article 441-7 du code pénal."
        ),
    )
    message = forms.CharField(
        label=_("Message pour le service scolaire (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, children=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [
            (
                child.pk,
                (
                    pgettext("girl", "%(name)s, née le %(date)s")
                    if child.sex == "F"
                    else pgettext("boy", "%(name)s, né le %(date)s")
                )
                % {"name": child.full_name, "date": french_date(child.birth_date)},
            )
            for child in children
        ]
        self.fields["school_year"].choices = [(year.pk, year.label) for year in years]
        self.fields["level"].choices = [("", _("Selon l'âge de l'enfant (recommandé)"))] + [
            (level.value, level_label(level.value)) for level in Level
        ]

    def documents(self) -> dict:
        return {
            key: self.cleaned_data.get(f"document_{key}")
            for key in RequestedDocument.values
            if self.cleaned_data.get(f"document_{key}")
        }


class DerogationForm(forms.Form):
    enrolment = forms.TypedChoiceField(
        label=_("Inscription concernée"), coerce=int, widget=forms.RadioSelect
    )
    requested_school = forms.TypedChoiceField(label=_("École demandée"), coerce=int)
    motive = forms.TypedChoiceField(label=_("Motif"), coerce=int, widget=forms.RadioSelect)
    explanation = forms.CharField(
        label=_("Vos explications"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Par exemple : le prénom et la classe du frère ou de la sœur, l'adresse de "
            "l'assistante maternelle ou des grands-parents, l'adresse du lieu de travail."
        ),
    )
    document = forms.FileField(
        label=_("Justificatif (facultatif)"),
        required=False,
        help_text=_(
            "Certificat de scolarité du frère ou de la sœur, attestation de l'employeur ou de "
            "l'assistante maternelle, certificat médical… PDF, JPEG ou PNG, 10 Mo au plus. "
            "Vous pourrez en ajouter d'autres ensuite."
        ),
    )

    def __init__(self, *args, enrolments=(), schools=(), motives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].choices = [
            (
                enrolment.pk,
                f"{enrolment.child.full_name} — {enrolment.school_year.label}, "
                f"{enrolment.level}, {enrolment.school.name}",
            )
            for enrolment in enrolments
        ]
        self.fields["requested_school"].choices = [("", _("Choisissez une école"))] + [
            (school.pk, f"{school.name} ({', '.join(school.levels)})") for school in schools
        ]
        self.fields["motive"].choices = [
            (
                motive.pk,
                f"{motive.label} — {motive.help_text}" if motive.help_text else motive.label,
            )
            for motive in motives
        ]


class PaperForm(forms.Form):
    """A paper added later to an enrolment, or a sworn statement instead of it."""

    key = forms.ChoiceField(
        label=_("Pièce concernée"), choices=RequestedDocument.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus."),
    )
    sworn = forms.BooleanField(
        label=_(
            "À la place du document, j'atteste sur l'honneur l'exactitude des informations "
            "de ma demande pour cette pièce."
        ),
        required=False,
    )


class DerogationPaperForm(forms.Form):
    file = forms.FileField(label=_("Justificatif"), help_text=_("PDF, JPEG ou PNG, 10 Mo au plus."))


# --- back-office ---------------------------------------------------------------------------------


class SectorImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV de la carte scolaire"),
        help_text=_(
            "Colonnes : voie ; parité (tous, pairs, impairs) ; du numéro ; au numéro (vide : "
            "jusqu'au bout de la voie) ; école. Séparateur point-virgule ou virgule, encodage "
            "UTF-8 ou Windows. Le fichier remplace toute la carte scolaire."
        ),
    )


class AddressCheckForm(forms.Form):
    address_line1 = forms.CharField(
        label=_("Numéro et voie"), max_length=200, help_text=_("Par exemple : 12 bis r. des Écoles")
    )
    postal_code = forms.CharField(label=_("Code postal"), max_length=5, validators=[postal_code])
    city = forms.CharField(label=_("Commune"), max_length=100)


class CampaignForm(forms.Form):
    campaign_start = forms.DateField(
        label=_("Début des inscriptions scolaires"), required=False, widget=DateInput
    )
    campaign_end = forms.DateField(
        label=_("Fin des inscriptions scolaires (incluse)"), required=False, widget=DateInput
    )


class YearFilter(forms.Form):
    annee = forms.TypedChoiceField(label=_("Année scolaire"), coerce=int, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(year.pk, year.label) for year in years]


class ListFilter(YearFilter):
    ecole = forms.TypedChoiceField(label=_("École"), coerce=int, required=False)
    niveau = forms.ChoiceField(label=_("Niveau"), required=False)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ecole"].choices = [("", _("Toutes les écoles"))] + [
            (school.pk, school.name) for school in schools
        ]
        self.fields["niveau"].choices = [("", _("Tous les niveaux"))] + [
            (level.value, level_label(level.value)) for level in Level
        ]
