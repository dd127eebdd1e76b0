"""The family card: the family, its guardians, children, authorised persons, documents,
activation codes, and the record of every change made to it."""

from uuid import uuid4

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from espace_citoyen.accounts.models import Civility
from espace_citoyen.core.models import TimeStampedModel


class FamilyStatus(models.TextChoices):
    PENDING = "a_valider", _("À valider")
    VALIDATED = "validee", _("Validée")


class Family(TimeStampedModel):
    number = models.CharField(_("numéro de famille"), max_length=12, unique=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=FamilyStatus.choices, default=FamilyStatus.PENDING
    )
    created_online = models.BooleanField(_("créée en ligne"), default=False)
    address_line1 = models.CharField(_("adresse"), max_length=200)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("commune"), max_length=100)
    address_validated_on = models.DateField(_("adresse validée le"), null=True, blank=True)
    emergency_name = models.CharField(_("contact d'urgence"), max_length=150, blank=True)
    emergency_phone = models.CharField(
        _("téléphone du contact d'urgence"), max_length=30, blank=True
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    # Folded words (no accents, lower case) of the number, names and e-mails, kept up to
    # date by the services, so that agents' search ignores accents on any database.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("carte famille")
        verbose_name_plural = _("cartes famille")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def address_lines(self) -> list[str]:
        return address_lines(self.address_line1, self.address_line2, self.postal_code, self.city)

    @property
    def status_label(self) -> str:
        """get_status_display without building the choices' mapping on each call."""
        known = self.status in FamilyStatus.values
        return FamilyStatus(self.status).label if known else self.status

    @property
    def is_validated(self) -> bool:
        return self.status == FamilyStatus.VALIDATED


def address_lines(line1: str, line2: str, postal_code: str, city: str) -> list[str]:
    """A postal address's non-empty lines (also for rows read without a model)."""
    lines = [line1, line2, f"{postal_code} {city}"]
    return [line for line in lines if line.strip()]


class Guardian(TimeStampedModel):
    """A responsable légal. `user` is the Espace Citoyen account linked to them."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="guardians")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian",
        verbose_name=_("compte Espace Citoyen"),
    )
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices)
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    phone_mobile = models.CharField(_("téléphone portable"), max_length=30, blank=True)
    phone_home = models.CharField(_("téléphone fixe"), max_length=30, blank=True)
    phone_work = models.CharField(_("téléphone professionnel"), max_length=30, blank=True)
    own_address = models.TextField(_("adresse, si différente de celle de la famille"), blank=True)
    profession = models.CharField(_("profession"), max_length=150, blank=True)
    employer = models.CharField(_("employeur"), max_length=150, blank=True)
    employer_address = models.TextField(_("adresse de l'employeur"), blank=True)
    parental_authority = models.BooleanField(_("exerce l'autorité parentale"), default=True)
    is_payer = models.BooleanField(_("payeur des factures"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)

    class Meta:
        verbose_name = _("responsable légal")
        verbose_name_plural = _("responsables légaux")
        ordering = ["family_id", "position", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def formal_name(self) -> str:
        return f"{self.get_civility_display()} {self.full_name}"


class Sex(models.TextChoices):
    GIRL = "F", _("Fille")
    BOY = "M", _("Garçon")


class Diet(models.TextChoices):
    """Diets as food content only, never religious categories (CNIL NS-058)."""

    STANDARD = "standard", _("Aucun régime particulier")
    NO_PORK = "sans_porc", _("Sans porc")
    NO_MEAT = "sans_viande", _("Sans viande")
    NO_GLUTEN = "sans_gluten", _("Sans gluten")


class Child(TimeStampedModel):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children")
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date de naissance"))
    birth_place = models.CharField(_("lieu de naissance"), max_length=150, blank=True)
    # Health: visible to the family and to the roles that care for the child only.
    doctor = models.CharField(_("médecin traitant"), max_length=200, blank=True)
    vaccinations_up_to_date = models.BooleanField(_("vaccinations à jour"), default=False)
    vaccinations_date = models.DateField(_("date du dernier rappel"), null=True, blank=True)
    allergies = models.TextField(_("allergies"), blank=True)
    diet = models.CharField(
        _("régime alimentaire"), max_length=20, choices=Diet.choices, default=Diet.STANDARD
    )
    has_pai = models.BooleanField(_("projet d'accueil individualisé (PAI)"), default=False)
    disability_situation = models.BooleanField(
        _("enfant en situation de handicap"),
        default=False,
        help_text=_("Seule la situation est indiquée, jamais sa nature."),
    )
    # Authorisations
    image_rights = models.BooleanField(_("droit à l'image"), default=False)
    may_leave_alone = models.BooleanField(_("peut partir seul"), default=False)
    emergency_care = models.BooleanField(_("autorisation de soins d'urgence"), default=False)
    outings = models.BooleanField(_("autorisation de sorties"), default=False)

    class Meta:
        verbose_name = _("enfant")
        verbose_name_plural = _("enfants")
        ordering = ["family_id", "birth_date", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class AuthorisedPerson(TimeStampedModel):
    """A person allowed to collect the family's children."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="authorised_persons")
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=30)
    relationship = models.CharField(_("lien avec l'enfant"), max_length=100)

    class Meta:
        verbose_name = _("personne autorisée")
        verbose_name_plural = _("personnes autorisées")
        ordering = ["family_id", "last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class DocumentKind(models.TextChoices):
    PROOF_OF_ADDRESS = "domicile", _("Justificatif de domicile")
    IDENTITY = "identite", _("Pièce d'identité")
    FAMILY_RECORD = "livret", _("Livret de famille ou acte de naissance")
    SWORN_STATEMENT = "attestation", _("Attestation sur l'honneur")
    CAF_CERTIFICATE = "caf", _("Attestation de quotient familial (CAF ou MSA)")
    TAX_NOTICE = "impots", _("Avis d'imposition")
    PAI = "pai", _("Projet d'accueil individualisé (PAI)")
    MEDICAL_CERTIFICATE = "certificat", _("Certificat médical")
    VACCINATIONS = "vaccins", _("Carnet de vaccinations")
    CUSTODY = "garde", _("Jugement relatif à la garde")
    DEROGATION_PROOF = "derogation", _("Justificatif de dérogation")
    OTHER = "autre", _("Autre document")


# Documents that carry health data: seen only by the family and the roles caring for
# the children (scolaire, périscolaire), never by the guichet or the régie.
HEALTH_DOCUMENT_KINDS = frozenset(
    {DocumentKind.PAI, DocumentKind.MEDICAL_CERTIFICATE, DocumentKind.VACCINATIONS}
)


class DocumentStatus(models.TextChoices):
    TO_CHECK = "a_verifier", _("À vérifier")
    ACCEPTED = "accepte", _("Accepté")
    REFUSED = "refuse", _("Refusé")


def _private_storage():
    return storages["private"]


def document_path(instance, filename: str) -> str:
    return f"families/{instance.family_id}/{uuid4().hex}"


class Document(TimeStampedModel):
    """A justificatif. The file sits in private storage and is served only through an
    access-checked view, never from a public URL."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="documents")
    child = models.ForeignKey(
        Child,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("enfant concerné"),
    )
    demarche = models.ForeignKey(
        "demarches.Demarche",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField(_("type de document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("fichier"), upload_to=document_path, storage=_private_storage)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("format"), max_length=50)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.TO_CHECK
    )
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifié par"),
    )
    checked_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("justificatif")
        verbose_name_plural = _("justificatifs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"


class ActivationCode(models.Model):
    """The code printed on an activation letter. Only its HMAC is stored."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(
        Guardian, on_delete=models.CASCADE, related_name="activation_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("code d'activation")
        verbose_name_plural = _("codes d'activation")
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="activation_code_used_or_revoked",
            )
        ]

    def __str__(self) -> str:
        return f"code {self.pk} ({self.guardian_id})"


class Throttle(models.Model):
    """Failures and uses of a rate-limited form, per account and purpose."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "purpose"], name="throttle_user_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.count}"


class FamilyDraft(models.Model):
    """The card being created online, step by step: kept so a parent can leave and
    come back (from any device) without losing anything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_draft"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"brouillon {self.user_id}"


class AddressChange(models.Model):
    """A new address waiting for an agent to check its proof (one-to-one with the démarche)."""

    demarche = models.OneToOneField(
        "demarches.Demarche", on_delete=models.CASCADE, related_name="address_change"
    )
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="address_changes")
    address_line1 = models.CharField(_("adresse"), max_length=200)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("commune"), max_length=100)
    proof = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.address_line1}, {self.postal_code} {self.city}"


class LostCodeRequest(models.Model):
    """What a parent typed in « je ne connais pas mon code d'activation », when it went to
    the guichet (one-to-one with the démarche)."""

    demarche = models.OneToOneField(
        "demarches.Demarche", on_delete=models.CASCADE, related_name="lost_code"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    family_number = models.CharField(_("numéro de famille"), max_length=12, blank=True)
    child_birth_date = models.DateField(_("date de naissance d'un enfant"))
    email = models.EmailField(_("adresse électronique"))
    matched_guardian = models.ForeignKey(
        Guardian, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the details matched a guardian whose e-mail is the account's, the code went at
    # once; the démarche is filed all the same (the requester cannot tell the two cases
    # apart) and closes when the account is linked.
    code_sent_at = models.DateTimeField(_("code envoyé automatiquement le"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
