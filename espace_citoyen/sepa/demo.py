"""Demo data of direct debit: the commune as creditor (debit day 15, 14 days' notice),
the demo parent (camille.martin@example.org) with an active mandate signed two months
ago, whose invoices to pay are pre-notified, and Léa Durand's request waiting for the
régie. Dates are relative to today; running it again changes nothing."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from espace_citoyen.accounts.models import User
from espace_citoyen.billing.models import PAYABLE_STATUSES, Invoice, InvoiceKind
from espace_citoyen.billing.services import regie_default
from espace_citoyen.demarches import services as demarches
from espace_citoyen.families.models import Guardian
from espace_citoyen.families.selectors import family_for_user
from espace_citoyen.sepa import crypto, rules
from espace_citoyen.sepa.models import Creditor, Mandate, MandateStatus
from espace_citoyen.sepa.services.mandates import DEMARCHE_TYPE, _next_rum, invoices_prenotify

ACTIVE_EMAIL = "camille.martin@example.org"
PENDING_EMAIL = "lea.durand@example.org"
IBANS = {ACTIVE_EMAIL: "FR7630006000011234567890189", PENDING_EMAIL: "FR1420041010050500013M02606"}


def _mandate(family, user, email: str, creditor, status: str, signed_days_ago: int):
    if family is None or Mandate.objects.filter(family=family).exists():
        return None
    guardian = Guardian.objects.filter(family=family, email=email).first()
    iban = IBANS[email]
    signed_at = timezone.now() - timedelta(days=signed_days_ago)
    mandate = Mandate.objects.create(
        creditor=creditor,
        family=family,
        status=status,
        holder=f"{guardian.first_name} {guardian.last_name}" if guardian else email,
        address="\n".join(family.address_lines),
        iban_encrypted=crypto.encrypt(iban),
        iban_masked=rules.iban_masked(iban),
        bic=rules.bic_for(iban),
        signed_at=signed_at,
        signed_on=timezone.localdate(signed_at),
        signed_by=user,
        created_by=user,
    )
    if status == MandateStatus.ACTIVE:
        mandate.rum = _next_rum(creditor, timezone.localdate(signed_at))
        mandate.decided_at = signed_at + timedelta(days=1)
    else:
        mandate.demarche = demarches.demarche_submit(
            type_key=DEMARCHE_TYPE,
            owner=family,
            submitted_by=user,
            title=f"Mise en place du prélèvement automatique ({mandate.iban_masked})",
        )
    mandate.save()
    return mandate


def load() -> list[tuple[str, str]]:
    if not settings.SEPA_ENABLED:
        return []
    regie = regie_default()
    creditor = Creditor.objects.filter(regie=regie).first()
    if creditor is None:
        creditor = Creditor(
            regie=regie,
            name=regie.name[:70],
            ics=rules.ics_with_check_digits("FR", "ZZZ", "512345"),
            iban="FR7610011000201234567890188",
        )
        creditor.full_clean()
        creditor.save()
    logins = []
    active_user = User.objects.filter(email=ACTIVE_EMAIL).first()
    if active_user:
        mandate = _mandate(
            family_for_user(active_user),
            active_user,
            ACTIVE_EMAIL,
            creditor,
            MandateStatus.ACTIVE,
            60,
        )
        if mandate is not None:
            invoices_prenotify(
                invoices=Invoice.objects.filter(
                    family=mandate.family, kind=InvoiceKind.INVOICE, status__in=PAYABLE_STATUSES
                ),
                mandate=mandate,
                today=timezone.localdate(),
            )
            logins.append((ACTIVE_EMAIL, "prélèvement automatique actif"))
    pending = Guardian.objects.filter(email=PENDING_EMAIL).select_related("family").first()
    if pending and _mandate(
        pending.family, pending.user, PENDING_EMAIL, creditor, MandateStatus.PENDING, 1
    ):
        logins.append((PENDING_EMAIL, "demande de prélèvement à valider par la régie"))
    return logins
