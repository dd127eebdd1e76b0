"""Families own the family card: the family, guardians, children, authorised persons,
documents, activation codes and the record of every change.

Every write records a FamilyChange (who, when, before/after); e-mails are queued on
commit; a rule broken by the user raises ApplicationError with a French message."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.roles import is_agent
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.core.services import counter_next
from espace_citoyen.core.text import fold
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families import rules
from espace_citoyen.families.models import (
    ActivationCode,
    AddressChange,
    AuthorisedPerson,
    Child,
    Document,
    DocumentKind,
    DocumentStatus,
    Family,
    FamilyChange,
    FamilyDraft,
    FamilyStatus,
    Guardian,
    LostCodeRequest,
    Throttle,
)

DEMARCHE_VALIDATION = "carte_famille_validation"
DEMARCHE_LOST_CODE = "carte_famille_code_perdu"
DEMARCHE_ADDRESS = "carte_famille_adresse"

FAMILY_FIELDS = [
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "emergency_name",
    "emergency_phone",
]
GUARDIAN_FIELDS = [
    "civility",
    "last_name",
    "first_name",
    "birth_date",
    "email",
    "phone_mobile",
    "phone_home",
    "phone_work",
    "own_address",
    "profession",
    "employer",
    "employer_address",
    "parental_authority",
    "is_payer",
]
CHILD_IDENTITY_FIELDS = ["last_name", "first_name", "sex", "birth_date", "birth_place"]
CHILD_HEALTH_FIELDS = [
    "doctor",
    "vaccinations_up_to_date",
    "vaccinations_date",
    "allergies",
    "diet",
    "has_pai",
    "disability_situation",
]
CHILD_AUTHORISATION_FIELDS = ["image_rights", "may_leave_alone", "emergency_care", "outings"]
CHILD_FIELDS = CHILD_IDENTITY_FIELDS + CHILD_HEALTH_FIELDS + CHILD_AUTHORISATION_FIELDS
PERSON_FIELDS = ["last_name", "first_name", "phone", "relationship"]


# --- helpers ---------------------------------------------------------------------------


def _snapshot(instance, fields: list[str]) -> dict:
    values = {}
    for field in fields:
        value = getattr(instance, field)
        values[field] = value.isoformat() if isinstance(value, date | datetime) else value
    return values


def _record(
    family: Family,
    *,
    actor,
    entity: str,
    label: str,
    before: dict,
    after: dict,
    action: str = "modification",
) -> FamilyChange | None:
    changes = rules.diff(before, after)
    if not changes and action == "modification":
        return None
    return FamilyChange.objects.create(
        family=family,
        actor=actor,
        actor_is_agent=bool(actor) and is_agent(actor),
        entity=entity,
        entity_label=label[:200],
        action=action,
        changes=changes,
    )


def family_refresh_search_text(family: Family) -> None:
    """Recompute the folded words agents search on (names, e-mails, number)."""
    parts = [family.number, family.number.removeprefix("F-").lstrip("0")]
    for guardian in Guardian.objects.filter(family=family).select_related("user"):
        parts += [guardian.first_name, guardian.last_name, guardian.email]
        if guardian.user_id:
            parts.append(guardian.user.email)
    for child in Child.objects.filter(family=family):
        parts += [child.first_name, child.last_name]
    text = fold(" ".join(part for part in parts if part))
    Family.objects.filter(pk=family.pk).update(search_text=text)


def _check_child(data: dict) -> None:
    problem = rules.child_birth_date_problem(data["birth_date"], timezone.localdate())
    if problem:
        raise ApplicationError(problem, field="birth_date")


def _family_number() -> str:
    return rules.family_number(counter_next(name="family"))


@dataclass
class FamilyInput:
    address: dict
    guardians: list[dict]
    children: list[dict]
    authorised_persons: list[dict]
    emergency: dict | None = None


def _build_family(
    data: FamilyInput, *, actor, online: bool, status: str, linked_user=None
) -> Family:
    if not data.guardians:
        raise ApplicationError(_("Indiquez au moins un responsable légal."))
    for child in data.children:
        _check_child(child)
    family = Family(
        number=_family_number(),
        status=status,
        created_online=online,
        **{key: data.address.get(key, "") for key in FAMILY_FIELDS[:4]},
        **(data.emergency or {}),
    )
    if status == FamilyStatus.VALIDATED:
        family.validated_at = timezone.now()
        family.address_validated_on = timezone.localdate()
    family.full_clean(exclude=["search_text"])
    family.save()
    for position, values in enumerate(data.guardians, start=1):
        guardian = Guardian(family=family, position=position, **values)
        if position == 1 and linked_user is not None:
            guardian.user = linked_user
        guardian.full_clean()
        guardian.save()
    for values in data.children:
        child = Child(family=family, **values)
        child.full_clean()
        child.save()
    for values in data.authorised_persons:
        person = AuthorisedPerson(family=family, **values)
        person.full_clean()
        person.save()
    family_refresh_search_text(family)
    _record(
        family,
        actor=actor,
        entity="famille",
        label=family.number,
        before={},
        after={"numéro": family.number, "enfants": len(data.children)},
        action="création",
    )
    return family


# --- creation ----------------------------------------------------------------------------


@transaction.atomic
def family_create_online(*, user, data: FamilyInput) -> Family:
    """Path 1, « je n'ai pas de carte famille »: the card is created tied to the account,
    « à valider » until a guichet agent checks it (a démarche in their queue)."""
    if Guardian.objects.filter(user=user).exists():
        raise ApplicationError(_("Votre compte est déjà relié à une carte famille."))
    family = _build_family(
        data, actor=user, online=True, status=FamilyStatus.PENDING, linked_user=user
    )
    demarches.demarche_submit(
        type_key=DEMARCHE_VALIDATION,
        owner=family,
        submitted_by=user,
        title=_("Création de la carte famille %(number)s") % {"number": family.number},
    )
    FamilyDraft.objects.filter(user=user).delete()
    return family


@transaction.atomic
def family_create_at_desk(*, agent, data: FamilyInput) -> Family:
    """The guichet creates a family at the desk, identity checked: validated at once."""
    return _build_family(data, actor=agent, online=False, status=FamilyStatus.VALIDATED)


def family_validate(*, demarche: Demarche, actor) -> None:
    """Hook of the validation démarche: accepting it validates the card."""
    family = Family.objects.select_for_update().get(pk=demarche.owner_id)
    before = {"statut": family.get_status_display()}
    family.status = FamilyStatus.VALIDATED
    family.validated_at = timezone.now()
    family.address_validated_on = family.address_validated_on or timezone.localdate()
    family.save(update_fields=["status", "validated_at", "address_validated_on", "updated_at"])
    _record(
        family,
        actor=actor,
        entity="famille",
        label=family.number,
        before=before,
        after={"statut": family.get_status_display()},
    )


@transaction.atomic
def draft_save(*, user, step: str, values: dict) -> dict:
    """Keep one step of the online creation, so nothing typed is lost."""
    draft, _created = FamilyDraft.objects.select_for_update().get_or_create(user=user)
    draft.data = {**draft.data, step: values}
    draft.save()
    return draft.data


# --- activation codes ---------------------------------------------------------------------


def _code_key() -> str:
    return settings.SECRET_KEY


@transaction.atomic
def activation_code_issue(*, guardian: Guardian, created_by) -> tuple[str, ActivationCode]:
    """A new code for `guardian` (the letter prints it); the previous ones are revoked.

    Returns the code in clear, which is never stored: only its HMAC is."""
    now = timezone.now()
    ActivationCode.objects.filter(
        guardian=guardian, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    while True:
        code = rules.code_generate()
        code_hash = rules.code_hash(code, key=_code_key())
        if not ActivationCode.objects.filter(code_hash=code_hash).exists():
            break
    record = ActivationCode.objects.create(
        family_id=guardian.family_id,
        guardian=guardian,
        code_hash=code_hash,
        created_by=created_by,
        expires_at=rules.code_expiry(now, days=settings.ACTIVATION_CODE_VALIDITY_DAYS),
    )
    _record(
        guardian.family,
        actor=created_by,
        entity="code d'activation",
        label=guardian.full_name,
        before={},
        after={"expire le": timezone.localtime(record.expires_at).date().isoformat()},
        action="nouveau code",
    )
    return code, record


class CodeRejected(ApplicationError):
    """A code that was checked and refused: it counts as a wrong try."""


def _throttle_get(user, purpose: str, *, window: timedelta) -> Throttle:
    """The user's counter for `purpose` (row-locked), reset when its window or its lock
    has passed. Call inside a transaction."""
    now = timezone.now()
    throttle, _created = Throttle.objects.select_for_update().get_or_create(
        user=user, purpose=purpose, defaults={"window_start": now}
    )
    expired_lock = throttle.locked_until is not None and throttle.locked_until <= now
    expired_window = throttle.locked_until is None and throttle.window_start + window <= now
    if expired_lock or expired_window:
        throttle.count, throttle.window_start, throttle.locked_until = 0, now, None
        throttle.save()
    return throttle


def _locked_message(until: datetime) -> str:
    return _(
        "Trop d'essais. Par sécurité, ce formulaire est bloqué jusqu'à %(time)s. "
        "Vous pouvez aussi vous adresser au Guichet des formalités administratives."
    ) % {"time": timezone.localtime(until).strftime("%H h %M")}


def _activation_failure(throttle: Throttle, message: str) -> str:
    """Count a wrong try on the (locked) throttle row and say what is left."""
    limit = settings.ACTIVATION_CODE_MAX_TRIES
    throttle.count += 1
    if throttle.count >= limit:
        throttle.locked_until = timezone.now() + settings.ACTIVATION_CODE_LOCK
        throttle.save()
        return _locked_message(throttle.locked_until)
    throttle.save()
    left = limit - throttle.count
    if left <= 2:
        message += " " + (
            _("Il vous reste %(n)d essai.") if left == 1 else _("Il vous reste %(n)d essais.")
        ) % {"n": left}
    return message


def activation_code_redeem(*, user, typed: str) -> Family:
    """Path 2: link the account to the guardian named on the letter whose code was typed.

    A code works once, for 90 days, until a new letter revokes it; after 5 wrong codes
    the account is locked out of this form for an hour. Case, spaces, dashes and
    look-alike letters do not matter. The account's throttle row stays locked for the
    whole attempt, so simultaneous tries are counted one after the other."""
    code = rules.code_normalise(typed)
    if not rules.code_is_well_formed(code):
        # A typo in the format is not a try: nothing was checked.
        raise ApplicationError(
            _(
                "Le code d'activation compte 10 caractères (lettres et chiffres), "
                "par exemple K7QM-3XPA-9D. Vérifiez votre saisie."
            ),
            field="code",
        )
    refusal = None
    with transaction.atomic():
        throttle = _throttle_get(user, "activation", window=settings.ACTIVATION_CODE_LOCK)
        if throttle.locked_until:
            refusal = _locked_message(throttle.locked_until)
        elif Guardian.objects.filter(user=user).exists():
            refusal = _("Votre compte est déjà relié à une carte famille.")
        else:
            try:
                with transaction.atomic():
                    family = _activation_link(user=user, code=code)
            except CodeRejected as error:
                refusal = _activation_failure(throttle, error.message)
            else:
                throttle.count = 0
                throttle.save()
    if refusal:
        raise ApplicationError(refusal, field="code")
    return family


def _activation_link(*, user, code: str) -> Family:
    record = (
        ActivationCode.objects.select_for_update()
        .filter(code_hash=rules.code_hash(code, key=_code_key()))
        .first()
    )
    now = timezone.now()
    if record is None:
        raise CodeRejected(
            _("Ce code d'activation n'est pas reconnu. Vérifiez-le sur votre lettre.")
        )
    if record.used_at:
        raise CodeRejected(_("Ce code d'activation a déjà été utilisé. Il ne sert qu'une fois."))
    if record.revoked_at:
        raise CodeRejected(
            _(
                "Ce code d'activation a été remplacé par un plus récent : utilisez celui "
                "de votre dernière lettre."
            )
        )
    if record.expires_at <= now:
        raise CodeRejected(
            _(
                "Ce code d'activation a expiré (il est valable 90 jours). Demandez-en un "
                "nouveau au Guichet des formalités administratives ou avec « j'ai une carte "
                "famille mais je ne connais pas mon code d'activation »."
            )
        )
    guardian = (
        Guardian.objects.select_for_update().select_related("family").get(pk=record.guardian_id)
    )
    if guardian.user_id:
        raise CodeRejected(_("Ce responsable légal est déjà relié à un autre compte."))
    guardian.user = user
    guardian.save(update_fields=["user", "updated_at"])
    record.used_at, record.used_by = now, user
    record.save(update_fields=["used_at", "used_by"])
    family_refresh_search_text(guardian.family)
    _record(
        guardian.family,
        actor=user,
        entity="responsable légal",
        label=guardian.full_name,
        before={"compte": ""},
        after={"compte": user.email},
        action="liaison du compte",
    )
    return guardian.family


# --- lost code (path 3) ---------------------------------------------------------------------

LOST_CODE_LIMIT = 3
LOST_CODE_WINDOW = timedelta(hours=1)


def _mail_code(*, guardian: Guardian, code: str, to: str, expires_at) -> None:
    notify(
        "families/mail/activation_code",
        to=to,
        context={
            "guardian": guardian,
            "code": rules.code_display(code),
            "expires_on": timezone.localtime(expires_at).date(),
            "link": settings.SITE_URL + reverse("families:card"),
        },
    )


@transaction.atomic
def lost_code_request(
    *,
    user,
    last_name: str,
    first_name: str,
    family_number: str,
    child_birth_date: date,
    email: str,
) -> None:
    """Path 3: if the details match a guardian whose e-mail on file is the account's, a
    new code is e-mailed at once; otherwise a démarche goes to the guichet's queue.
    The caller shows the same answer in both cases."""
    throttle = _throttle_get(user, "code_perdu", window=LOST_CODE_WINDOW)
    if throttle.count >= LOST_CODE_LIMIT:
        raise ApplicationError(
            _(
                "Vous avez déjà fait plusieurs demandes dans l'heure. Réessayez plus tard "
                "ou adressez-vous au Guichet des formalités administratives."
            )
        )
    throttle.count += 1
    throttle.save()
    if Guardian.objects.filter(user=user).exists():
        raise ApplicationError(_("Votre compte est déjà relié à une carte famille."))

    wanted_number = family_number.strip().upper()
    if wanted_number and not wanted_number.startswith("F-"):
        wanted_number = rules.family_number(int(wanted_number)) if wanted_number.isdigit() else ""
    candidates = Guardian.objects.filter(
        user__isnull=True, family__children__birth_date=child_birth_date
    ).select_related("family")
    if wanted_number:
        candidates = candidates.filter(family__number=wanted_number)
    same_person = [
        guardian
        for guardian in candidates.distinct()
        if fold(guardian.last_name) == fold(last_name)
        and fold(guardian.first_name) == fold(first_name)
    ]
    account_email = user.email.lower()
    exact = [
        guardian
        for guardian in same_person
        if guardian.email.lower() == account_email and email.strip().lower() == account_email
    ]
    if len(exact) == 1:
        guardian = exact[0]
        code, record = activation_code_issue(guardian=guardian, created_by=None)
        _mail_code(guardian=guardian, code=code, to=user.email, expires_at=record.expires_at)
        return
    demarche = demarches.demarche_submit(
        type_key=DEMARCHE_LOST_CODE,
        owner=user,
        submitted_by=user,
        title=_("Code d'activation perdu — %(name)s") % {"name": f"{first_name} {last_name}"},
    )
    LostCodeRequest.objects.create(
        demarche=demarche,
        user=user,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        family_number=family_number.strip(),
        child_birth_date=child_birth_date,
        email=email.strip(),
        matched_guardian=same_person[0] if len(same_person) == 1 else None,
    )


@transaction.atomic
def lost_code_resolve(*, demarche: Demarche, guardian: Guardian, agent) -> None:
    """The guichet found the guardian: a new code is e-mailed to the requesting account
    and the démarche is accepted."""
    request = LostCodeRequest.objects.select_related("user").get(demarche=demarche)
    if guardian.user_id:
        raise ApplicationError(_("Ce responsable légal est déjà relié à un compte."))
    code, record = activation_code_issue(guardian=guardian, created_by=agent)
    _mail_code(guardian=guardian, code=code, to=request.user.email, expires_at=record.expires_at)
    request.matched_guardian = guardian
    request.save(update_fields=["matched_guardian"])
    demarches.demarche_accept(
        demarche=demarche,
        agent=agent,
        message=_("Un nouveau code d'activation vous a été envoyé par courriel."),
    )


# --- documents --------------------------------------------------------------------------------


def document_check_file(upload: UploadedFile) -> str:
    """The file's real type (by its content) if accepted; ApplicationError otherwise."""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ApplicationError(
            _("Ce fichier pèse %(size)s Mo : la taille maximale est de 10 Mo.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")},
            field="file",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in rules.ALLOWED_TYPES:
        raise ApplicationError(
            _(
                "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été "
                "vérifié, quel que soit son nom). Enregistrez-le dans l'un de ces formats."
            ),
            field="file",
        )
    return kind.mime


@transaction.atomic
def document_upload(
    *,
    family: Family,
    kind: str,
    upload: UploadedFile,
    uploaded_by,
    child: Child | None = None,
    demarche: Demarche | None = None,
) -> Document:
    """Store a justificatif (PDF, JPEG or PNG by content, 10 MB at most), « à vérifier »."""
    mime = document_check_file(upload)
    if child is not None and child.family_id != family.pk:
        raise ApplicationError(_("Cet enfant n'appartient pas à cette famille."), field="child")
    document = Document(
        family=family,
        child=child,
        demarche=demarche,
        kind=kind,
        original_name=(upload.name or "document")[:255],
        content_type=mime,
        size=upload.size,
        uploaded_by=uploaded_by,
        status=DocumentStatus.TO_CHECK,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.full_clean()
    document.save()
    label = f"{document.get_kind_display()} ({document.original_name})"
    _record(
        family,
        actor=uploaded_by,
        entity="justificatif",
        label=label,
        before={},
        after={"document": label},
        action="ajout",
    )
    if demarche is not None:
        demarches.demarche_event_document(demarche=demarche, actor=uploaded_by, label=label)
    return document


@transaction.atomic
def document_check(
    *, document: Document, agent, accepted: bool, reason: str = "", valid_until=None
) -> Document:
    """An agent accepts the document, or refuses it with a reason the family reads."""
    document = Document.objects.select_for_update().select_related("family").get(pk=document.pk)
    if not accepted and not reason.strip():
        raise ApplicationError(
            _("Indiquez le motif du refus : la famille le lira."), field="reason"
        )
    before = {"statut": document.get_status_display()}
    document.status = DocumentStatus.ACCEPTED if accepted else DocumentStatus.REFUSED
    document.refusal_reason = "" if accepted else reason.strip()
    document.valid_until = valid_until
    document.checked_by = agent
    document.checked_at = timezone.now()
    document.save()
    _record(
        document.family,
        actor=agent,
        entity="justificatif",
        label=str(document),
        before=before,
        after={"statut": document.get_status_display(), "motif": document.refusal_reason},
    )
    if not accepted:
        contacts = family_contacts(document.family)
        if contacts:
            notify(
                "families/mail/document_refused",
                to=contacts,
                context={
                    "document": document,
                    "link": settings.SITE_URL + reverse("families:documents"),
                },
            )
    return document


# --- updates of the card ------------------------------------------------------------------------


def family_contacts(family: Family) -> list[str]:
    """Where the family's mail goes: its guardians' accounts, else their e-mails on file."""
    addresses = []
    for guardian in Guardian.objects.filter(family=family).select_related("user"):
        address = guardian.user.email if guardian.user_id else guardian.email
        if address and address.lower() not in (a.lower() for a in addresses):
            addresses.append(address)
    return addresses


@transaction.atomic
def guardian_update(*, guardian: Guardian, actor, values: dict) -> Guardian:
    """Change a guardian's details (contacts, profession, employer…)."""
    before = _snapshot(guardian, GUARDIAN_FIELDS)
    for field, value in values.items():
        if field in GUARDIAN_FIELDS:
            setattr(guardian, field, value)
    guardian.full_clean()
    guardian.save()
    _record(
        guardian.family,
        actor=actor,
        entity="responsable légal",
        label=guardian.full_name,
        before=before,
        after=_snapshot(guardian, GUARDIAN_FIELDS),
    )
    family_refresh_search_text(guardian.family)
    return guardian


@transaction.atomic
def guardian_add(*, family: Family, actor, values: dict) -> Guardian:
    """Add a second (or further) guardian to the card."""
    position = Guardian.objects.filter(family=family).count() + 1
    guardian = Guardian(family=family, position=position)
    for field, value in values.items():
        if field in GUARDIAN_FIELDS:
            setattr(guardian, field, value)
    guardian.full_clean()
    guardian.save()
    _record(
        family,
        actor=actor,
        entity="responsable légal",
        label=guardian.full_name,
        before={},
        after=_snapshot(guardian, GUARDIAN_FIELDS),
        action="ajout",
    )
    family_refresh_search_text(family)
    return guardian


@transaction.atomic
def child_add(*, family: Family, actor, values: dict) -> Child:
    """Add a child to the card (under 18, born already)."""
    _check_child(values)
    child = Child(family=family)
    for field, value in values.items():
        if field in CHILD_FIELDS:
            setattr(child, field, value)
    child.full_clean()
    child.save()
    _record(
        family,
        actor=actor,
        entity="enfant",
        label=child.full_name,
        before={},
        after=_snapshot(child, CHILD_IDENTITY_FIELDS),
        action="ajout",
    )
    family_refresh_search_text(family)
    return child


@transaction.atomic
def child_update(*, child: Child, actor, values: dict) -> Child:
    """Change a child's identity, health, diet, PAI or authorisations."""
    if "birth_date" in values:
        _check_child(values)
    before = _snapshot(child, CHILD_FIELDS)
    for field, value in values.items():
        if field in CHILD_FIELDS:
            setattr(child, field, value)
    child.full_clean()
    child.save()
    _record(
        child.family,
        actor=actor,
        entity="enfant",
        label=child.full_name,
        before=before,
        after=_snapshot(child, CHILD_FIELDS),
    )
    family_refresh_search_text(child.family)
    return child


@transaction.atomic
def authorised_person_save(
    *, family: Family, actor, values: dict, person: AuthorisedPerson | None = None
) -> AuthorisedPerson:
    """Add or change a person allowed to collect the children."""
    before = _snapshot(person, PERSON_FIELDS) if person else {}
    person = person or AuthorisedPerson(family=family)
    for field in PERSON_FIELDS:
        setattr(person, field, values[field])
    person.full_clean()
    person.save()
    _record(
        family,
        actor=actor,
        entity="personne autorisée",
        label=str(person),
        before=before,
        after=_snapshot(person, PERSON_FIELDS),
        action="modification" if before else "ajout",
    )
    return person


@transaction.atomic
def authorised_person_remove(*, person: AuthorisedPerson, actor) -> None:
    _record(
        person.family,
        actor=actor,
        entity="personne autorisée",
        label=str(person),
        before=_snapshot(person, PERSON_FIELDS),
        after={},
        action="suppression",
    )
    person.delete()


@transaction.atomic
def family_emergency_update(*, family: Family, actor, name: str, phone: str) -> Family:
    before = _snapshot(family, ["emergency_name", "emergency_phone"])
    family.emergency_name, family.emergency_phone = name.strip(), phone.strip()
    family.save(update_fields=["emergency_name", "emergency_phone", "updated_at"])
    _record(
        family,
        actor=actor,
        entity="famille",
        label=family.number,
        before=before,
        after=_snapshot(family, ["emergency_name", "emergency_phone"]),
    )
    return family


@transaction.atomic
def address_change_request(
    *, family: Family, actor, address: dict, proof: UploadedFile
) -> Demarche:
    """A new address, with its proof: it becomes the family's address (school sector,
    resident rate) when a guichet agent validates it."""
    open_request = Demarche.objects.filter(
        type=DEMARCHE_ADDRESS,
        owner_type=ContentType.objects.get_for_model(Family),
        owner_id=family.pk,
        status__in=["deposee", "en_cours", "attente_pieces"],
    ).exists()
    if open_request:
        raise ApplicationError(
            _(
                "Un changement d'adresse est déjà en cours d'examen. Vous pouvez le suivre "
                "dans l'historique de vos démarches."
            )
        )
    line = f"{address['address_line1']}, {address['postal_code']} {address['city']}"
    demarche = demarches.demarche_submit(
        type_key=DEMARCHE_ADDRESS,
        owner=family,
        submitted_by=actor,
        title=_("Changement d'adresse : %(address)s") % {"address": line},
    )
    document = document_upload(
        family=family,
        kind=DocumentKind.PROOF_OF_ADDRESS,
        upload=proof,
        uploaded_by=actor,
        demarche=demarche,
    )
    change = AddressChange(
        demarche=demarche,
        family=family,
        proof=document,
        **{key: address.get(key, "") for key in FAMILY_FIELDS[:4]},
    )
    change.full_clean()
    change.save()
    return demarche


def address_change_apply(*, demarche: Demarche, actor) -> None:
    """Hook of the address démarche: the address is the family's from today."""
    change = AddressChange.objects.select_related("proof").get(demarche=demarche)
    family = Family.objects.select_for_update().get(pk=change.family_id)
    before = _snapshot(family, FAMILY_FIELDS[:4])
    for field in FAMILY_FIELDS[:4]:
        setattr(family, field, getattr(change, field))
    family.address_validated_on = timezone.localdate()
    family.save()
    if change.proof.status == DocumentStatus.TO_CHECK:
        change.proof.status = DocumentStatus.ACCEPTED
        change.proof.checked_by = actor
        change.proof.checked_at = timezone.now()
        change.proof.save()
    _record(
        family,
        actor=actor,
        entity="adresse",
        label=family.number,
        before=before,
        after=_snapshot(family, FAMILY_FIELDS[:4]),
    )
