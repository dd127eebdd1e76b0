"""Schooling owns the schools and school years, the carte scolaire (street ranges ->
sector school), school enrolments with their certificate, and dérogations au périmètre
scolaire.

Enrolments and dérogations are démarches (demarches app): these services file them and
the démarche hooks below apply the school service's decisions. Documents are requested,
never required (décret 2020-811): the family may send them or a sworn statement.

The reference data (campaign windows, the carte scolaire) is in reference_services,
re-exported here."""

from collections.abc import Iterable, Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.accounts.roles import is_agent
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.demarches.rules import OPEN_STATUSES
from espace_citoyen.families import services as families
from espace_citoyen.families.models import Child, DocumentKind, Family
from espace_citoyen.schooling import rules, selectors
from espace_citoyen.schooling.models import (
    Derogation,
    DerogationMotive,
    Enrolment,
    RequestedDocument,
    School,
    SchoolYear,
)
from espace_citoyen.schooling.reference_services import (  # noqa: F401
    AREA,
    SectorImportRejected,
    school_year_campaign_set,
    sector_map_import,
    sector_map_rows,
)

DEMARCHE_ENROLMENT = "inscription_scolaire"
DEMARCHE_DEROGATION = "derogation_scolaire"

APPEAL_ROUTE = (
    "Vous pouvez contester cette décision dans un délai de deux mois à compter de sa "
    "notification :\n"
    "– par un recours gracieux, adressé par écrit au maire ;\n"
    "– par un recours contentieux devant le tribunal administratif territorialement "
    "compétent, y compris par l'application Télérecours citoyens (www.telerecours.fr).\n"
    "Si vous formez d'abord un recours gracieux, le délai de deux mois pour saisir le "
    "tribunal administratif court à partir de la réponse du maire ; sans réponse dans les "
    "deux mois, votre recours gracieux est rejeté implicitement et ce délai court à partir "
    "de ce rejet."
)

# The kind of document each requested paper is stored as, on the family card.
DOCUMENT_KINDS = {
    RequestedDocument.CHILD_IDENTITY: DocumentKind.FAMILY_RECORD,
    RequestedDocument.GUARDIANS_IDENTITY: DocumentKind.IDENTITY,
    RequestedDocument.PROOF_OF_ADDRESS: DocumentKind.PROOF_OF_ADDRESS,
}


def _school_offers_problem(school: School, level: str, *, what: str) -> str:
    if not school.active:
        return _("%(school)s n'accueille plus d'élèves.") % {"school": school.name}
    if not school.offers(level):
        return _(
            "%(what)s (%(school)s) ne propose pas le niveau %(level)s. Contactez le service "
            "scolaire, qui vous indiquera l'école qui accueille ce niveau."
        ) % {"what": what, "school": school.name, "level": rules.level_label(level)}
    return ""


# --- enrolment ----------------------------------------------------------------------------


def _store_documents(
    *,
    family: Family,
    child: Child,
    demarche: Demarche,
    actor: Actor,
    documents: Mapping[str, UploadedFile],
    sworn: Iterable[str],
) -> list[str]:
    """Store the papers sent with an enrolment, record the sworn statements on the
    timeline; returns the keys now covered by a sworn statement."""
    for key, upload in documents.items():
        if upload is None:
            continue
        try:
            families.document_upload(
                family=family,
                kind=DOCUMENT_KINDS[key],
                upload=upload,
                uploaded_by=actor,
                child=child if key == RequestedDocument.CHILD_IDENTITY else None,
                demarche=demarche,
            )
        except ApplicationError as error:
            raise ApplicationError(error.message, field=f"document_{key}") from None
    statements = []
    for key in sworn:
        if key not in RequestedDocument.values:
            continue
        statements.append(key)
        demarches.demarche_event_document(
            demarche=demarche,
            actor=actor,
            label=_("Attestation sur l'honneur : %(what)s")
            % {"what": RequestedDocument(key).label},
        )
    return statements


@transaction.atomic
def enrolment_submit(
    *,
    family: Family,
    child: Child,
    school_year: SchoolYear,
    actor: Actor,
    level: str = "",
    documents: Mapping[str, UploadedFile] | None = None,
    sworn_statements: Iterable[str] = (),
    message: str = "",
) -> Enrolment:
    """Enrol a child at school for a year, in the sector school of the family's address.

    The level is proposed from the birth year (3 in the calendar year of the rentrée ->
    PS…); the family may ask for a neighbouring one. Only during the campaign window; one
    active enrolment per child and year. Papers are optional (requested, never blocking)."""
    if child.family_id != family.pk:
        raise ApplicationError(_("Cet enfant n'est pas sur votre carte famille."), field="child")
    today = timezone.localdate()
    if not rules.campaign_is_open(today, school_year.campaign_start, school_year.campaign_end):
        raise ApplicationError(
            rules.campaign_closed_message(
                school_year.label, today, school_year.campaign_start, school_year.campaign_end
            ),
            field="school_year",
        )
    child = Child.objects.select_for_update().get(pk=child.pk)
    existing = selectors.enrolment_active(child, school_year)
    if existing is not None:
        raise ApplicationError(
            _(
                "%(child)s a déjà une inscription scolaire pour %(year)s (démarche "
                "%(reference)s, %(status)s). Suivez-la dans l'historique de vos démarches."
            )
            % {
                "child": child.first_name,
                "year": school_year.label,
                "reference": existing.demarche.reference,
                "status": existing.demarche.get_status_display().lower(),
            },
            field="child",
        )
    allowed = rules.allowed_levels(child.birth_date, school_year.start_date)
    if not allowed:
        raise ApplicationError(
            _(
                "D'après sa date de naissance, %(child)s n'a pas l'âge de l'école maternelle "
                "ou élémentaire en %(year)s. Contactez le service scolaire si sa situation est "
                "particulière."
            )
            % {"child": child.first_name, "year": school_year.label},
            field="child",
        )
    proposed = rules.level_for_birth_date(child.birth_date, school_year.start_date) or ""
    level = level or proposed or allowed[0]
    if level not in allowed:
        raise ApplicationError(
            _(
                "Le niveau %(level)s ne correspond pas à l'âge de %(child)s en %(year)s "
                "(niveaux possibles : %(allowed)s)."
            )
            % {
                "level": level,
                "child": child.first_name,
                "year": school_year.label,
                "allowed": ", ".join(allowed),
            },
            field="level",
        )
    school = selectors.sector_school(
        address_line1=family.address_line1,
        address_line2=family.address_line2,
        postal_code=family.postal_code,
        city=family.city,
        level=level,
    )
    problem = _school_offers_problem(school, level, what=_("Votre école de secteur"))
    if problem:
        raise ApplicationError(problem, field="level")
    demarche = demarches.demarche_submit(
        type_key=DEMARCHE_ENROLMENT,
        owner=family,
        submitted_by=actor,
        title=_("Inscription scolaire de %(child)s en %(year)s (%(level)s)")
        % {"child": child.full_name, "year": school_year.label, "level": level},
        child_name=child.full_name,
        child_birth_date=child.birth_date,
        place=school.name,
        message=message.strip(),
    )
    enrolment = Enrolment(
        demarche=demarche,
        family=family,
        child=child,
        school_year=school_year,
        level=level,
        expected_level=proposed,
        sector_school=school,
        school=school,
        address=selectors.address_text(
            family.address_line1, family.address_line2, family.postal_code, family.city
        ),
    )
    enrolment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:  # a concurrent request won the race (unique active enrolment)
        raise ApplicationError(
            _("%(child)s a déjà une inscription scolaire pour %(year)s.")
            % {"child": child.first_name, "year": school_year.label},
            field="child",
        ) from None
    enrolment.sworn_statements = _store_documents(
        family=family,
        child=child,
        demarche=demarche,
        actor=actor,
        documents=documents or {},
        sworn=sworn_statements,
    )
    if enrolment.sworn_statements:
        enrolment.save(update_fields=["sworn_statements"])
    return enrolment


@transaction.atomic
def enrolment_document_add(
    *, enrolment: Enrolment, actor: Actor, key: str, upload: UploadedFile | None, sworn: bool
) -> Enrolment:
    """Add a requested paper to an enrolment, or a sworn statement instead of it."""
    if key not in RequestedDocument.values:
        raise ApplicationError(_("Choisissez la pièce concernée."), field="key")
    if upload is None and not sworn:
        raise ApplicationError(
            _("Joignez le document, ou cochez l'attestation sur l'honneur."), field="file"
        )
    # Rows are locked in the order the démarche's decisions lock them (its démarche, then
    # the enrolment), so that a paper added while an agent decides never deadlocks.
    demarche = Demarche.objects.select_for_update().get(pk=enrolment.demarche_id)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("family", "child")
        .get(pk=enrolment.pk)
    )
    enrolment.demarche = demarche
    if demarche.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("Cette démarche est close : pour transmettre un document, contactez la mairie.")
        )
    statements = _store_documents(
        family=enrolment.family,
        child=enrolment.child,
        demarche=enrolment.demarche,
        actor=actor,
        documents={key: upload} if upload is not None else {},
        sworn=[key] if sworn else [],
    )
    if statements and key not in enrolment.sworn_statements:
        enrolment.sworn_statements = [*enrolment.sworn_statements, key]
        enrolment.save(update_fields=["sworn_statements"])
    return enrolment


def enrolment_accept_check(*, demarche: Demarche, actor: Actor) -> None:
    """Hook run when the school service accepts an enrolment: the school must still
    welcome the level."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(demarche=demarche)
    )
    problem = _school_offers_problem(enrolment.school, enrolment.level, what=_("L'école"))
    if problem:
        raise ApplicationError(problem)


def enrolment_close(*, demarche: Demarche, actor: Actor) -> None:
    """Hook run when an enrolment is refused or cancelled: it no longer counts, and its
    pending dérogations are cancelled with it."""
    enrolment = Enrolment.objects.select_for_update().get(demarche=demarche)
    enrolment.active = False
    enrolment.save(update_fields=["active"])
    pending = Demarche.objects.filter(
        derogation__enrolment=enrolment, status__in=OPEN_STATUSES
    ).order_by("id")
    for derogation_demarche in pending:
        demarches.demarche_cancel(
            demarche=derogation_demarche,
            actor=actor,
            reason=_("La demande d'inscription %(reference)s n'est plus en cours.")
            % {"reference": demarche.reference},
        )


# --- dérogation ---------------------------------------------------------------------------


@transaction.atomic
def derogation_submit(
    *,
    family: Family,
    enrolment: Enrolment,
    requested_school: School,
    motive: DerogationMotive,
    explanation: str,
    actor: Actor,
    documents: Iterable[UploadedFile] = (),
) -> Derogation:
    """Ask for the child to attend another school than the sector one. The school
    service examines it (a commission may meet) and decides."""
    if enrolment.family_id != family.pk:
        raise ApplicationError(_("Cette inscription n'est pas sur votre carte famille."))
    # The enrolment's row only (not its démarche, school or year): an agent deciding on the
    # enrolment at the same moment holds its démarche and then waits for this row.
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("demarche", "child", "school", "school_year")
        .get(pk=enrolment.pk)
    )
    if not selectors.may_ask_derogation(enrolment, timezone.localdate()):
        raise ApplicationError(
            _("Cette inscription n'est plus en cours : inscrivez d'abord votre enfant."),
            field="enrolment",
        )
    pending = selectors.open_derogation(enrolment)
    if pending is not None:
        raise ApplicationError(
            _(
                "Une demande de dérogation pour %(child)s est déjà en cours d'examen (démarche "
                "%(reference)s). Vous pouvez la suivre dans l'historique de vos démarches."
            )
            % {"child": enrolment.child.first_name, "reference": pending.demarche.reference},
            field="enrolment",
        )
    if requested_school.pk == enrolment.school_id:
        raise ApplicationError(
            (
                _("%(child)s est déjà inscrite à cette école (%(school)s).")
                if enrolment.child.sex == "F"
                else _("%(child)s est déjà inscrit à cette école (%(school)s).")
            )
            % {"child": enrolment.child.first_name, "school": requested_school.name},
            field="requested_school",
        )
    problem = _school_offers_problem(requested_school, enrolment.level, what=_("L'école demandée"))
    if problem:
        raise ApplicationError(problem, field="requested_school")
    if not motive.active:
        raise ApplicationError(_("Choisissez un motif de la liste."), field="motive")
    explanation = explanation.strip()
    if not explanation:
        raise ApplicationError(
            _("Expliquez votre demande en quelques lignes : la commission la lira."),
            field="explanation",
        )
    child = enrolment.child
    demarche = demarches.demarche_submit(
        type_key=DEMARCHE_DEROGATION,
        owner=family,
        submitted_by=actor,
        title=_("Dérogation scolaire pour %(child)s en %(year)s : %(school)s")
        % {
            "child": child.full_name,
            "school": requested_school.name,
            "year": enrolment.school_year.label,
        },
        child_name=child.full_name,
        child_birth_date=child.birth_date,
        place=requested_school.name,
    )
    derogation = Derogation(
        demarche=demarche,
        enrolment=enrolment,
        requested_school=requested_school,
        motive=motive,
        explanation=explanation,
    )
    derogation.full_clean()
    derogation.save()
    for upload in documents:
        if upload is None:
            continue
        try:
            families.document_upload(
                family=family,
                kind=DocumentKind.DEROGATION_PROOF,
                upload=upload,
                uploaded_by=actor,
                child=child,
                demarche=demarche,
            )
        except ApplicationError as error:
            raise ApplicationError(error.message, field="document") from None
    return derogation


@transaction.atomic
def derogation_document_add(*, derogation: Derogation, actor: Actor, upload: UploadedFile) -> None:
    """Add a paper to a pending dérogation request."""
    demarche = Demarche.objects.get(pk=derogation.demarche_id)
    if demarche.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("Cette démarche est close : pour transmettre un document, contactez la mairie.")
        )
    families.document_upload(
        family=derogation.enrolment.family,
        kind=DocumentKind.DEROGATION_PROOF,
        upload=upload,
        uploaded_by=actor,
        child=derogation.enrolment.child,
        demarche=demarche,
    )


def derogation_apply(*, demarche: Demarche, actor: Actor) -> None:
    """Hook run when a dérogation is accepted: the enrolment moves to the requested
    school (its certificate then names it)."""
    derogation = Derogation.objects.select_related("requested_school").get(demarche=demarche)
    # The enrolment's démarche, then the enrolment: the order its own decisions lock them.
    enrolment_demarche = Demarche.objects.select_for_update().get(
        school_enrolment__pk=derogation.enrolment_id
    )
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=derogation.enrolment_id)
    )
    enrolment.demarche = enrolment_demarche
    if not enrolment.active or enrolment.demarche.status not in selectors.ACTIVE_STATUSES:
        raise ApplicationError(
            _("L'inscription %(reference)s n'est plus en cours : la dérogation est sans objet.")
            % {"reference": enrolment.demarche.reference}
        )
    school = derogation.requested_school
    problem = _school_offers_problem(school, enrolment.level, what=_("L'école demandée"))
    if problem:
        raise ApplicationError(problem)
    previous = enrolment.school
    enrolment.school = school
    enrolment.save(update_fields=["school"])
    # The generic queues filter on the démarche's place: it follows the enrolment.
    demarches.demarche_set_place(demarche=enrolment.demarche, place=school.name)
    if actor is not None and is_agent(actor):
        demarches.demarche_message(
            demarche=enrolment.demarche,
            author=actor,
            text=_("École d'affectation : « %(old)s » → « %(new)s » (dérogation %(reference)s).")
            % {"old": previous.name, "new": school.name, "reference": demarche.reference},
            internal=True,
        )
