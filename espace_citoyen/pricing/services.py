"""Pricing owns the family's quotient familial: the income declaration démarche (« je
mets à jour mes tarifs ») and its validation by the régie, the QF periods it opens, and
their audit trail. The writes of the tariff grids live in grid_services.py and are
re-exported here, so that `services.X` keeps working for every caller.

A validated QF applies from the first day of the following month, never earlier; a new
period closes the previous one. Rules live in rules.py; a rule the user breaks raises
ApplicationError with a French message."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.accounts.models import User
from espace_citoyen.audit.services import audit_record
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.demarches.rules import OPEN_STATUSES
from espace_citoyen.families import services as families
from espace_citoyen.families.models import DocumentKind, DocumentStatus, Family
from espace_citoyen.pricing import api_particulier, rules, selectors
from espace_citoyen.pricing.grid_services import (  # noqa: F401
    grid_change_record,
    grid_overlap,
    grid_snapshot,
    overlap_message,
    tariff_grid_create,
)
from espace_citoyen.pricing.models import (
    AUDIT_AREA,
    DeclarationMethod,
    FamilyQuotient,
    IncomeDeclaration,
)

DEMARCHE_DECLARATION = "tarifs_declaration"


def _raise(error: rules.RuleError, field: str | None = None):
    raise ApplicationError(error.message, field=field or error.field) from None


# --- declarations -----------------------------------------------------------------------------


def _check_none_open(family: Family) -> None:
    pending = selectors.declaration_pending(family)
    if pending is not None:
        raise ApplicationError(
            _(
                "Vous avez déjà une déclaration en cours d'examen (démarche %(ref)s). "
                "Attendez la décision de la régie, ou annulez-la depuis l'historique de vos "
                "démarches avant d'en déposer une nouvelle."
            )
            % {"ref": pending.demarche.reference}
        )


def _submit(*, family: Family, actor: Actor, method: str, declared_qf: int, title: str, **details):
    # One declaration per family at a time: the family row is locked while we check.
    Family.objects.select_for_update().filter(pk=family.pk).first()
    _check_none_open(family)
    demarche = demarches.demarche_submit(
        type_key=DEMARCHE_DECLARATION, owner=family, submitted_by=actor, title=title
    )
    declaration = IncomeDeclaration(
        demarche=demarche, family=family, method=method, declared_qf=declared_qf, **details
    )
    declaration.full_clean()
    declaration.save()
    return declaration


@transaction.atomic
def declaration_submit_caf(
    *, family: Family, actor: Actor, qf: int, attestation: UploadedFile
) -> IncomeDeclaration:
    """Way 1: the QF printed on a CAF or MSA attestation, with the attestation."""
    try:
        qf = rules.check_declared_qf(qf)
    except rules.RuleError as error:
        _raise(error)
    declaration = _submit(
        family=family,
        actor=actor,
        method=DeclarationMethod.CAF,
        declared_qf=qf,
        title=_("Quotient familial CAF ou MSA : %(qf)s") % {"qf": rules.whole_euros(qf)},
    )
    _attach(declaration, actor=actor, kind=DocumentKind.CAF_CERTIFICATE, upload=attestation)
    return declaration


def tax_year_problem(year: int, today: date) -> str:
    if today.year - 2 <= year <= today.year - 1:
        return ""
    return _(
        "Déposez votre dernier avis d'imposition : il porte sur les revenus de %(last)d "
        "(ou de %(before)d si vous n'avez pas encore reçu celui de cette année)."
    ) % {"last": today.year - 1, "before": today.year - 2}


@transaction.atomic
def declaration_submit_tax(
    *,
    family: Family,
    actor: Actor,
    income: Decimal,
    parts: Decimal,
    year: int,
    notice: UploadedFile,
) -> IncomeDeclaration:
    """Way 2: the avis d'imposition; QF = revenu fiscal de référence / 12 / parts."""
    try:
        computed = rules.qf_from_tax(Decimal(income), Decimal(parts))
    except rules.RuleError as error:
        _raise(error)
    problem = tax_year_problem(year, timezone.localdate())
    if problem:
        raise ApplicationError(problem, field="year")
    declaration = _submit(
        family=family,
        actor=actor,
        method=DeclarationMethod.TAX,
        declared_qf=computed.qf,
        title=_("Avis d'imposition (revenus %(year)d) : QF %(qf)s")
        % {"year": year, "qf": rules.whole_euros(computed.qf)},
        tax_income=Decimal(income),
        tax_parts=Decimal(parts),
        tax_year=year,
    )
    _attach(declaration, actor=actor, kind=DocumentKind.TAX_NOTICE, upload=notice)
    return declaration


def declaration_submit_api(
    *, family: Family, actor: Actor, identity: api_particulier.Identity, consent: bool
) -> IncomeDeclaration:
    """Way 1 without a document: with the family's consent, the QF is read from the
    CAF or the MSA through API Particulier (when the commune has a token)."""
    if not api_particulier.is_enabled():
        raise ApplicationError(_("La consultation auprès de la CAF n'est pas proposée."))
    if not consent:
        raise ApplicationError(
            _("Cochez la case pour autoriser la mairie à consulter votre quotient familial."),
            field="consent",
        )
    _check_none_open(family)
    # The HTTP call happens outside any database transaction.
    try:
        quotient = api_particulier.quotient_familial(identity)
    except api_particulier.ApiParticulierError as error:
        raise ApplicationError(error.message) from None
    return _declaration_from_api(family=family, actor=actor, quotient=quotient)


@transaction.atomic
def _declaration_from_api(
    *, family: Family, actor: Actor, quotient: api_particulier.Quotient
) -> IncomeDeclaration:
    return _submit(
        family=family,
        actor=actor,
        method=DeclarationMethod.API,
        declared_qf=quotient.value,
        title=_("Quotient familial %(provider)s consulté : %(qf)s")
        % {"provider": quotient.provider_label, "qf": rules.whole_euros(quotient.value)},
        api_provider=quotient.provider_label,
        api_year=quotient.year,
        api_month=quotient.month,
        consent_at=timezone.now(),
    )


def _attach(declaration: IncomeDeclaration, *, actor: Actor, kind: str, upload: UploadedFile):
    try:
        return families.document_upload(
            family=declaration.family,
            kind=kind,
            upload=upload,
            uploaded_by=actor,
            demarche=declaration.demarche,
        )
    except ApplicationError as error:
        raise ApplicationError(error.message, field="document") from None


@transaction.atomic
def declaration_document_add(
    *, declaration: IncomeDeclaration, actor: Actor, upload: UploadedFile
) -> None:
    """Add a document to a declaration still being examined (asked by the régie)."""
    demarche = Demarche.objects.select_for_update().get(pk=declaration.demarche_id)
    if demarche.status not in OPEN_STATUSES:
        raise ApplicationError(_("Cette déclaration est close : déposez-en une nouvelle."))
    kind = (
        DocumentKind.TAX_NOTICE
        if declaration.method == DeclarationMethod.TAX
        else DocumentKind.CAF_CERTIFICATE
    )
    _attach(declaration, actor=actor, kind=kind, upload=upload)


@transaction.atomic
def declaration_validate(
    *, demarche: Demarche, agent: User, qf: int, reason: str = "", message: str = ""
) -> IncomeDeclaration:
    """The régie validates a declaration, with the declared QF or a corrected one (a
    correction needs a reason, which the family reads). The QF applies from the first
    day of the next month; the family is told by e-mail."""
    declaration = IncomeDeclaration.objects.select_for_update().get(demarche=demarche)
    try:
        qf = rules.check_agent_qf(int(qf))
    except rules.RuleError as error:
        _raise(error)
    corrected = qf != declaration.declared_qf
    if corrected and not reason.strip():
        raise ApplicationError(
            _(
                "Vous retenez un quotient différent de celui déclaré (%(declared)s) : "
                "indiquez le motif de la correction, la famille le lira."
            )
            % {"declared": rules.whole_euros(declaration.declared_qf)},
            field="reason",
        )
    declaration.validated_qf = qf
    declaration.correction_reason = reason.strip() if corrected else ""
    declaration.save(update_fields=["validated_qf", "correction_reason"])
    starts_on = rules.first_of_next_month(timezone.localdate())
    if corrected:
        text = _(
            "Votre quotient familial est retenu à %(qf)s (vous aviez déclaré %(declared)s). "
            "Motif : %(reason)s"
        ) % {
            "qf": rules.whole_euros(qf),
            "declared": rules.whole_euros(declaration.declared_qf),
            "reason": declaration.correction_reason,
        }
    else:
        text = _("Votre quotient familial de %(qf)s est validé.") % {"qf": rules.whole_euros(qf)}
    text += " " + _("Il s'applique à vos tarifs à partir du %(date)s.") % {
        "date": rules.french_date(starts_on)
    }
    if message.strip():
        text += "\n\n" + message.strip()
    demarches.demarche_accept(demarche=demarche, agent=agent, message=text)
    declaration.refresh_from_db()
    return declaration


def declaration_apply(*, demarche: Demarche, actor: Actor) -> None:
    """Hook run when the declaration démarche is accepted: the QF (corrected or as
    declared) opens a new period on the first day of next month, closing the current
    one; the attached documents are marked accepted."""
    declaration = IncomeDeclaration.objects.select_for_update().get(demarche=demarche)
    qf = (
        declaration.validated_qf
        if declaration.validated_qf is not None
        else declaration.declared_qf
    )
    starts_on = rules.first_of_next_month(timezone.localdate())
    declaration.validated_qf = qf
    declaration.effective_from = starts_on
    declaration.save(update_fields=["validated_qf", "effective_from"])
    _quotient_start(
        family=declaration.family,
        qf=qf,
        method=declaration.method,
        starts_on=starts_on,
        actor=actor,
        declaration=declaration,
    )
    for document in declaration.family.documents.filter(
        demarche=demarche, status=DocumentStatus.TO_CHECK
    ):
        families.document_check(document=document, agent=actor, accepted=True)


def _quotient_start(
    *,
    family: Family,
    qf: int | None,
    method: str,
    starts_on: date,
    actor: Actor,
    declaration: IncomeDeclaration | None = None,
) -> FamilyQuotient:
    """Open a QF period from `starts_on`, closing the open one (under the family's lock)."""
    Family.objects.select_for_update().filter(pk=family.pk).first()
    current = (
        FamilyQuotient.objects.select_for_update()
        .filter(family=family, ends_before__isnull=True)
        .first()
    )
    if current is not None:
        if current.starts_on > starts_on:
            raise ApplicationError(
                _(
                    "Un quotient familial s'applique déjà à partir du %(date)s : une période "
                    "ne peut pas commencer avant lui."
                )
                % {"date": rules.french_date(current.starts_on)}
            )
        current.ends_before = starts_on
        current.save(update_fields=["ends_before"])
    record = FamilyQuotient(
        family=family,
        qf=qf,
        method=method,
        starts_on=starts_on,
        declaration=declaration,
        created_by=actor,
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        area=AUDIT_AREA,
        entity="quotient familial",
        label=family.number,
        before={} if current is None else _quotient_values(current),
        after=_quotient_values(record),
        action="nouvelle période",
        subject=record,
        scope=family,
    )
    return record


def _quotient_values(period: FamilyQuotient) -> dict:
    return {
        "quotient": period.qf,
        "mode": period.method,
        "à partir du": period.starts_on.isoformat(),
    }


@transaction.atomic
def quotient_waive(*, family: Family, actor: Actor) -> FamilyQuotient:
    """Way 3, « je ne déclare pas mes revenus »: the family pays the highest rates. A
    family with a QF keeps it until the end of the month (from the first day of next
    month, as for a validated QF); a family without one records its choice from today,
    which changes no price and marks journey point 9 as done. Nothing for the régie to
    check, so no démarche."""
    _check_none_open(family)
    current = FamilyQuotient.objects.filter(family=family, ends_before__isnull=True).first()
    if current is not None and current.qf is None:
        raise ApplicationError(
            _(
                "Vous avez déjà choisi de ne pas déclarer vos revenus : le tarif le plus "
                "élevé s'applique."
            )
        )
    today = timezone.localdate()
    return _quotient_start(
        family=family,
        qf=None,
        method=DeclarationMethod.NONE,
        starts_on=today if current is None else rules.first_of_next_month(today),
        actor=actor,
    )


@transaction.atomic
def quotient_record(
    *,
    family: Family,
    qf: int | None,
    starts_on: date,
    actor: Actor,
    method: str = DeclarationMethod.CAF,
) -> FamilyQuotient:
    """Record a QF period directly (used by the demo and by imports from a previous
    system); the citizen's way is the declaration démarche."""
    if qf is not None:
        try:
            rules.check_agent_qf(qf)
        except rules.RuleError as error:
            _raise(error)
    return _quotient_start(family=family, qf=qf, method=method, starts_on=starts_on, actor=actor)
