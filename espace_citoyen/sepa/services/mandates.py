"""The family's mandate: the request (IBAN checked, optional RIB), the electronic
signature (consent and a one-time code e-mailed), the régie's decision through the
démarche, the change of account (RUM kept), the revocation, suspension and lapse."""

import hashlib
import hmac
import secrets
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.billing.models import PAYABLE_STATUSES, Invoice, InvoiceKind
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.demarches import services as demarches
from espace_citoyen.families.models import DocumentKind
from espace_citoyen.families.services import document_check_file, document_upload
from espace_citoyen.sepa import crypto, rules
from espace_citoyen.sepa.models import (
    IN_FORCE_STATUSES,
    REQUEST_STATUSES,
    Creditor,
    Mandate,
    MandateStatus,
    SepaEvent,
)
from espace_citoyen.sepa.services.common import creditor_required, event_record, family_notify

DEMARCHE_TYPE = "prelevement"
CODE_MINUTES = 15
CODE_ATTEMPTS = 5
# Codes e-mailed to one family in 24 hours: with five tries each, at most fifty guesses a
# day out of a million, whatever the number of requests or « Recevoir un nouveau code ».
CODES_PER_DAY = 10


def mandate_in_force(family, creditor=None) -> Mandate | None:
    query = Mandate.objects.filter(family=family, status__in=IN_FORCE_STATUSES)
    if creditor is not None:
        query = query.filter(creditor=creditor)
    return query.first()


@transaction.atomic
def mandate_request(
    *,
    family,
    holder: str,
    address: str,
    iban: str,
    bic: str = "",
    rib=None,
    actor,
) -> Mandate:
    """Record a request « à signer » (a new mandate, or a change of account of the one in
    force, which keeps its RUM) and e-mail the signature code."""
    creditor = creditor_required()
    holder, address = " ".join(holder.split()), address.strip()
    if not holder:
        raise ApplicationError(_("Indiquez le nom du titulaire du compte."), field="holder")
    if not address:
        raise ApplicationError(_("Indiquez l'adresse du titulaire du compte."), field="address")
    try:
        compact = rules.iban_clean(iban)
    except rules.IbanError as error:
        raise ApplicationError(str(error), field="iban") from None
    try:
        bic = rules.bic_clean(bic) or rules.bic_for(compact)
    except rules.IbanError as error:
        raise ApplicationError(str(error), field="bic") from None
    if rib is not None:
        document_check_file(rib)
    Mandate.objects.select_for_update().filter(family=family).exists()
    pending = Mandate.objects.filter(
        creditor=creditor, family=family, status__in=REQUEST_STATUSES
    ).first()
    if pending is not None and pending.status == MandateStatus.PENDING:
        raise ApplicationError(
            _(
                "Votre demande du %(date)s attend la validation de la régie : vous serez "
                "prévenu par courriel."
            )
            % {"date": timezone.localtime(pending.signed_at).strftime("%d/%m/%Y")}
        )
    if pending is not None:  # an unsigned request: the new one takes its place
        pending.status = MandateStatus.ABANDONED
        pending.ended_at = timezone.now()
        pending.save(update_fields=["status", "ended_at"])
    in_force = mandate_in_force(family, creditor)
    mandate = Mandate.objects.create(
        creditor=creditor,
        family=family,
        status=MandateStatus.TO_SIGN,
        rum=in_force.rum if in_force else "",
        replaces=in_force,
        holder=holder[:70],
        address=address,
        iban_encrypted=crypto.encrypt(compact),
        iban_masked=rules.iban_masked(compact),
        bic=bic,
        created_by=actor,
    )
    if rib is not None:
        mandate.rib = document_upload(
            family=family, kind=DocumentKind.OTHER, upload=rib, uploaded_by=actor
        )
        mandate.save(update_fields=["rib"])
    event_record(
        creditor=creditor,
        mandate=mandate,
        action="demande",
        summary=f"Demande de mandat ({mandate.iban_masked})"
        + (" : changement de compte" if in_force else ""),
        actor=actor,
    )
    signature_code_send(mandate=mandate, actor=actor)
    return mandate


def _code_hash(mandate: Mandate, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"sepa:{mandate.pk}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def signature_code_send(*, mandate: Mandate, actor) -> None:
    """A new six-digit code by e-mail, valid 15 minutes (the former one no longer is)."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.status != MandateStatus.TO_SIGN:
        raise ApplicationError(_("Cette demande n'est plus à signer."))
    sent = SepaEvent.objects.filter(
        mandate__family_id=mandate.family_id,
        action="code",
        at__gte=timezone.now() - timedelta(days=1),
    ).count()
    if sent >= CODES_PER_DAY:
        raise ApplicationError(
            _(
                "Trop de codes ont été envoyés aujourd'hui : réessayez demain ou adressez-vous "
                "à la régie."
            ),
            field="code",
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    mandate.code_hash = _code_hash(mandate, code)
    mandate.code_sent_at = timezone.now()
    mandate.code_attempts = 0
    mandate.save(update_fields=["code_hash", "code_sent_at", "code_attempts"])
    event_record(
        creditor=mandate.creditor,
        mandate=mandate,
        action="code",
        summary=f"Code de signature envoyé par courriel ({mandate.iban_masked})",
        actor=actor,
    )
    to = [actor.email] if getattr(actor, "email", "") else []
    if to:
        notify(
            "sepa/mail/signature_code",
            to=to,
            context={"code": code, "minutes": CODE_MINUTES, "mandate": mandate},
        )


def mandate_sign(*, mandate: Mandate, code: str, consent: bool, actor) -> Mandate:
    """Sign with the consent ticked and the code received: the request goes to the régie
    as a démarche; the time of signature is recorded. A wrong code is counted (five at
    most, then a new code is needed)."""
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
        _signature_check(mandate, code=code, consent=consent)
        if hmac.compare_digest(mandate.code_hash, _code_hash(mandate, "".join(code.split()))):
            return _signed(mandate, actor=actor)
        mandate.code_attempts += 1
        mandate.save(update_fields=["code_attempts"])
    raise ApplicationError(
        _("Ce code ne correspond pas à celui envoyé par courriel : vérifiez-le."), field="code"
    )


def _signature_check(mandate: Mandate, *, code: str, consent: bool) -> None:
    if mandate.status != MandateStatus.TO_SIGN:
        raise ApplicationError(_("Cette demande n'est plus à signer."))
    if not consent:
        raise ApplicationError(
            _("Cochez la case pour donner votre accord au mandat de prélèvement."),
            field="consent",
        )
    if not "".join((code or "").split()):
        raise ApplicationError(_("Saisissez le code reçu par courriel."), field="code")
    if mandate.code_sent_at is None or timezone.now() > mandate.code_sent_at + timedelta(
        minutes=CODE_MINUTES
    ):
        raise ApplicationError(
            _("Ce code a expiré : demandez un nouveau code, il vous sera envoyé par courriel."),
            field="code",
        )
    if mandate.code_attempts >= CODE_ATTEMPTS:
        raise ApplicationError(
            _("Trop d'essais : demandez un nouveau code, il vous sera envoyé par courriel."),
            field="code",
        )


def _signed(mandate: Mandate, *, actor) -> Mandate:
    now = timezone.now()
    mandate.status = MandateStatus.PENDING
    mandate.code_hash = ""
    mandate.signed_at = now
    mandate.signed_on = timezone.localdate(now)
    mandate.signed_by = actor
    title = (
        _("Changement de compte du prélèvement automatique")
        if mandate.is_amendment
        else _("Mise en place du prélèvement automatique")
    )
    mandate.demarche = demarches.demarche_submit(
        type_key=DEMARCHE_TYPE,
        owner=mandate.family,
        submitted_by=actor,
        title=f"{title} ({mandate.iban_masked})",
    )
    mandate.save()
    event_record(
        creditor=mandate.creditor,
        mandate=mandate,
        action="signature",
        summary="Mandat signé électroniquement (code reçu par courriel) le "
        f"{timezone.localtime(now):%d/%m/%Y à %H:%M:%S}",
        actor=actor,
    )
    return mandate


# --- the régie's decision (through the démarche, so the history has it) ----------------


def _next_rum(creditor: Creditor, today: date) -> str:
    creditor = Creditor.objects.select_for_update().get(pk=creditor.pk)
    number = creditor.next_rum
    Creditor.objects.filter(pk=creditor.pk).update(next_rum=number + 1)
    return f"{creditor.rum_prefix}{today:%Y}{number:06d}"


def mandate_for_demarche(demarche) -> Mandate | None:
    return Mandate.objects.filter(demarche=demarche).select_related("creditor").first()


def _decidable(mandate: Mandate) -> None:
    """Only a signed request waiting for the régie is accepted or refused."""
    current = Mandate.objects.filter(pk=mandate.pk).values_list("status", "demarche_id").first()
    if (
        current is None
        or current != (MandateStatus.PENDING, mandate.demarche_id)
        or (mandate.demarche_id is None)
    ):
        raise ApplicationError(_("Cette demande n'attend pas de décision de la régie."))


@transaction.atomic
def mandate_accept(*, mandate: Mandate, actor) -> Mandate:
    """The régie accepts: the démarche is accepted and its hook activates the mandate."""
    _decidable(mandate)
    demarches.demarche_accept(
        demarche=mandate.demarche,
        agent=actor,
        message=_("Votre mandat de prélèvement est actif."),
    )
    return Mandate.objects.get(pk=mandate.pk)


@transaction.atomic
def mandate_refuse(*, mandate: Mandate, actor, reason: str) -> Mandate:
    _decidable(mandate)
    if not reason.strip():
        raise ApplicationError(_("Le motif du refus est obligatoire."), field="reason")
    Mandate.objects.filter(pk=mandate.pk).update(refusal_reason=reason.strip()[:500])
    demarches.demarche_refuse(demarche=mandate.demarche, agent=actor, reason=reason)
    return Mandate.objects.get(pk=mandate.pk)


def on_demarche_accept(*, demarche, actor) -> None:
    """The démarche's hook: the mandate becomes active (RUM, or the RUM kept)."""
    mandate = Mandate.objects.select_for_update().get(demarche=demarche)
    if mandate.status != MandateStatus.PENDING:
        raise ApplicationError(_("Ce mandat n'est plus en attente de validation."))
    now = timezone.now()
    today = timezone.localdate(now)
    former = mandate.replaces
    if former is not None:
        former = Mandate.objects.select_for_update().get(pk=former.pk)
        if former.status not in IN_FORCE_STATUSES:
            raise ApplicationError(
                _("Le mandat dont le compte change n'est plus en vigueur : refusez la demande.")
            )
        former.status = MandateStatus.REPLACED
        former.ended_at = now
        former.save(update_fields=["status", "ended_at"])
        mandate.reject_count = former.reject_count
        mandate.last_debit_on = former.last_debit_on
        if former.iban != mandate.iban:
            # Told to the bank with the next debit (an earlier change not yet told too).
            mandate.amendment_iban_encrypted = (
                former.amendment_iban_encrypted or former.iban_encrypted
            )
    else:
        mandate.rum = _next_rum(mandate.creditor, today)
    mandate.status = MandateStatus.ACTIVE
    mandate.decided_at = now
    mandate.decided_by = actor
    mandate.save()
    event_record(
        creditor=mandate.creditor,
        mandate=mandate,
        action="acceptation",
        summary=f"Mandat {mandate.rum} accepté ({mandate.iban_masked})",
        actor=actor,
    )
    invoices_prenotify(
        invoices=Invoice.objects.filter(
            family=mandate.family, kind=InvoiceKind.INVOICE, status__in=PAYABLE_STATUSES
        ).filter(sepa_debit__isnull=True),
        mandate=mandate,
        today=today,
    )


def on_demarche_refuse(*, demarche, actor) -> None:
    mandate = Mandate.objects.select_for_update().get(demarche=demarche)
    if mandate.status != MandateStatus.PENDING:
        raise ApplicationError(_("Ce mandat n'est plus en attente de validation."))
    mandate.status = MandateStatus.REFUSED
    mandate.decided_at = timezone.now()
    mandate.decided_by = actor
    mandate.save(update_fields=["status", "decided_at", "decided_by"])
    event_record(
        creditor=mandate.creditor,
        mandate=mandate,
        action="refus",
        summary=f"Demande de mandat refusée : {mandate.refusal_reason}"[:300],
        actor=actor,
    )


def on_demarche_cancel(*, demarche, actor) -> None:
    mandate = Mandate.objects.select_for_update().get(demarche=demarche)
    if mandate.status == MandateStatus.PENDING:
        mandate.status = MandateStatus.ABANDONED
        mandate.ended_at = timezone.now()
        mandate.save(update_fields=["status", "ended_at"])
        event_record(
            creditor=mandate.creditor,
            mandate=mandate,
            action="annulation",
            summary="Demande de mandat annulée",
            actor=actor,
        )


# --- pre-notification, and what ends a mandate ----------------------------------------


def invoices_prenotify(*, invoices, mandate: Mandate, today: date) -> int:
    """Give the invoices their debit date (the invoice and its PDF pre-notify it)."""
    creditor = mandate.creditor
    debit_on = rules.debit_date(
        issued_on=today, debit_day=creditor.debit_day, notice_days=creditor.notice_days
    )
    # What is left to pay read in the database, not on the objects given: a billing run
    # applies the family's credit to its new invoices before this hook.
    return (
        Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices])
        .filter(total__gt=F("amount_paid") + F("amount_credited"))
        .update(debit_on=debit_on, mandate_reference=mandate.rum)
    )


def invoices_issued(*, invoices) -> None:
    """billing's hook: the invoices just issued (`IssuedInvoice`) to families with a
    mandate in force. The mails, queued on commit, read the debit date from the base."""
    family_ids = {invoice.family_id for invoice in invoices}
    if not family_ids:
        return
    # By the range of the families' ids (a run's chunk: thousands of them, one index
    # range rather than a list of thousands of parameters), kept to theirs here.
    mandates = {
        mandate.family_id: mandate
        for mandate in Mandate.objects.filter(
            family__pk__range=(min(family_ids), max(family_ids)), status=MandateStatus.ACTIVE
        ).select_related("creditor")
        if mandate.family_id in family_ids
    }
    today = timezone.localdate()
    by_family = defaultdict(list)
    for invoice in invoices:
        if invoice.family_id in mandates:
            by_family[invoice.family_id].append(invoice)
    for family_id, mandate in mandates.items():
        mine = [i for i in by_family[family_id] if i.regie_id == mandate.creditor.regie_id]
        invoices_prenotify(invoices=mine, mandate=mandate, today=today)


def _debits_cancelled(mandate: Mandate) -> None:
    """Invoices pre-notified but not yet in a file are no longer to be debited."""
    Invoice.objects.filter(
        family=mandate.family, mandate_reference=mandate.rum, sepa_debit__isnull=True
    ).update(debit_on=None, mandate_reference="")


def _mandate_end(mandate: Mandate, *, status: str, action: str, summary: str, actor) -> None:
    """The mandate stops (revoked, suspended, lapsed): invoices not yet in a file are no
    longer debited, and the event is recorded with who and when."""
    mandate.status = status
    mandate.ended_at = timezone.now()
    mandate.save(update_fields=["status", "ended_at"])
    _debits_cancelled(mandate)
    event_record(
        creditor=mandate.creditor, mandate=mandate, action=action, summary=summary, actor=actor
    )


@transaction.atomic
def mandate_revoke(*, mandate: Mandate, actor) -> Mandate:
    """Revoked by the family: debits already sent stay, the others are cancelled."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if mandate.status not in IN_FORCE_STATUSES:
        raise ApplicationError(_("Ce mandat n'est plus en vigueur."))
    _mandate_end(
        mandate,
        status=MandateStatus.REVOKED,
        action="revocation",
        summary=f"Mandat {mandate.rum} révoqué",
        actor=actor,
    )
    family_notify(mandate.family, "revoked", {"mandate": mandate})
    return mandate


def mandate_suspend(*, mandate: Mandate, actor) -> None:
    """After the reject limit: no more debits; the invoices are to pay another way."""
    _mandate_end(
        mandate,
        status=MandateStatus.SUSPENDED,
        action="suspension",
        summary=f"Mandat {mandate.rum} suspendu après {mandate.reject_count} rejets",
        actor=actor,
    )
    family_notify(mandate.family, "suspended", {"mandate": mandate})


@transaction.atomic
def mandates_lapse(*, today: date | None = None, actor=None) -> int:
    """Mandates without a debit for 36 months lapse (counted from the signature when
    never used)."""
    today = today or timezone.localdate()
    count = 0
    for mandate in Mandate.objects.select_for_update().filter(status__in=IN_FORCE_STATUSES):
        last_used = mandate.last_debit_on or mandate.signed_on
        if last_used and rules.lapsed(last_used=last_used, today=today):
            _mandate_end(
                mandate,
                status=MandateStatus.LAPSED,
                action="caducite",
                summary=f"Mandat {mandate.rum} caduc (36 mois sans prélèvement)",
                actor=actor,
            )
            count += 1
    return count
