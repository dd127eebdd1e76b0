"""Pure rules of SEPA direct debit: IBAN and ICS checks, the masked IBAN, the debit
date an invoice is pre-notified for, the sequence (FRST, RCUR) and the amendment a
debit carries, reject reasons in plain French, and when a mandate lapses."""

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from schwifty import IBAN, exceptions

FRST = "FRST"
RCUR = "RCUR"
LAPSE_MONTHS = 36

# The R codes the régie records, with what the family reads.
REJECT_REASONS = {
    "AC01": "les coordonnées bancaires du compte sont incorrectes",
    "AC04": "le compte a été clôturé",
    "AC06": "le compte est bloqué ou n'accepte pas les prélèvements",
    "AM04": "le compte n'était pas suffisamment approvisionné",
    "MD06": "vous avez demandé à votre banque le remboursement de ce prélèvement",
    "MD07": "le titulaire du compte est décédé",
    "MS02": "le prélèvement a été refusé par le titulaire du compte",
    "MS03": "la banque a rejeté le prélèvement sans en préciser la raison",
}


class IbanError(ValueError):
    """An IBAN the portal refuses, with a French message for the family."""


def iban_clean(value: str) -> str:
    """The IBAN in its compact form (spaces removed, upper case), or IbanError."""
    compact = "".join((value or "").split()).replace("-", "").upper()
    if not compact:
        raise IbanError("Indiquez l'IBAN du compte à prélever.")
    try:
        iban = IBAN(compact)
    except exceptions.InvalidCountryCode:
        raise IbanError(
            "Cet IBAN ne commence pas par le code d'un pays (FR pour la France)."
        ) from None
    except exceptions.InvalidLength:
        raise IbanError(
            "Cet IBAN n'a pas le bon nombre de caractères : vérifiez-le sur votre RIB "
            "(27 caractères pour un compte en France)."
        ) from None
    except exceptions.InvalidChecksumDigits:
        raise IbanError(
            "Cet IBAN n'est pas valide (sa clé de contrôle ne correspond pas) : "
            "vérifiez chaque caractère sur votre RIB."
        ) from None
    except exceptions.SchwiftyException:
        raise IbanError(
            "Cet IBAN n'est pas valide : il ne contient que des lettres et des chiffres, "
            "tels qu'écrits sur votre RIB."
        ) from None
    if not iban.in_sepa_zone:
        raise IbanError(
            "Ce compte est tenu dans un pays hors de la zone SEPA : le prélèvement "
            "automatique n'est possible que sur un compte de la zone SEPA."
        )
    return iban.compact


def bic_for(iban: str) -> str:
    """The BIC schwifty derives from the IBAN's bank code, or "" when it cannot."""
    try:
        bic = IBAN(iban).bic
    except exceptions.SchwiftyException:
        return ""
    return str(bic) if bic else ""


def bic_clean(value: str) -> str:
    """A BIC typed by the family (optional): 8 or 11 letters and digits, or ""."""
    compact = "".join((value or "").split()).upper()
    if not compact:
        return ""
    if len(compact) not in (8, 11) or not compact.isalnum() or not compact[:6].isalpha():
        raise IbanError("Ce BIC n'est pas valide : 8 ou 11 lettres et chiffres (ex. AGRIFRPP).")
    return compact


def iban_masked(iban: str) -> str:
    """« FR76 •••• … 1234 »: the country, check digits and the last four characters."""
    if not iban:
        return ""
    return f"{iban[:4]} •••• … {iban[-4:]}"


def iban_formatted(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def _to_digits(text: str) -> str:
    return "".join(str(int(char, 36)) for char in text)


def ics_check(value: str) -> str:
    """A creditor identifier (ICS, e.g. FR12ZZZ123456): country, 2 check digits, a
    3-character business code (not in the checksum), the national identifier; the check
    digits are ISO 7064 mod 97-10 of the identifier followed by the country and « 00 »."""
    compact = "".join((value or "").split()).upper()
    if len(compact) < 8 or len(compact) > 35 or not compact.isalnum():
        raise ValueError("L'ICS compte de 8 à 35 lettres et chiffres (ex. FR12ZZZ123456).")
    country, digits, national = compact[:2], compact[2:4], compact[7:]
    if not country.isalpha() or not digits.isdigit():
        raise ValueError("L'ICS commence par le code du pays puis deux chiffres de contrôle.")
    expected = 98 - int(_to_digits(national + country + "00")) % 97
    if int(digits) != expected:
        raise ValueError("La clé de contrôle de cet ICS ne correspond pas : vérifiez-le.")
    return compact


def ics_with_check_digits(country: str, business_code: str, national: str) -> str:
    """Builds a valid ICS (used by the demo and the tests)."""
    digits = 98 - int(_to_digits(national + country + "00")) % 97
    return f"{country}{digits:02d}{business_code}{national}"


def debit_date(*, issued_on: date, debit_day: int, notice_days: int) -> date:
    """The first debit day at least `notice_days` after `issued_on` (the pre-notification
    is at least that long before the debit). Days past a month's end fall on its last."""
    earliest = issued_on + timedelta(days=notice_days)
    month = earliest.replace(day=1)
    while True:
        last = calendar.monthrange(month.year, month.month)[1]
        candidate = month.replace(day=min(debit_day, last))
        if candidate >= earliest:
            return candidate
        month = month + relativedelta(months=1)


def default_collection_date(*, today: date, debit_day: int) -> date:
    """The next debit day from tomorrow (the bank needs the file before the date)."""
    return debit_date(issued_on=today, debit_day=debit_day, notice_days=1)


def lapsed(*, last_used: date, today: date) -> bool:
    """A mandate without a debit for 36 months lapses (SEPA rulebook)."""
    return today >= last_used + relativedelta(months=LAPSE_MONTHS)


def reject_reason(code: str) -> str:
    return REJECT_REASONS.get(code, "la banque a rejeté le prélèvement")


def suspends(*, rejects: int, limit: int) -> bool:
    return limit > 0 and rejects >= limit


# --- the sequence and the amendment of each debit under a RUM ---------------------------


@dataclass(frozen=True)
class SequenceState:
    """What decides the next debit's sequence: has any debit under the RUM been collected
    (not rejected)? Is an account change waiting to be told to the bank?"""

    collected: bool = False
    amendment_pending: bool = False


@dataclass(frozen=True)
class DebitPlan:
    sequence: str
    amendment: bool


def next_debit(state: SequenceState) -> DebitPlan:
    """FRST until a debit under the RUM has gone through, RCUR after; the amendment
    information travels with the first debit after a change of account."""
    return DebitPlan(FRST if not state.collected else RCUR, state.amendment_pending)


def after_sent(state: SequenceState) -> SequenceState:
    return replace(state, collected=True, amendment_pending=False)


def after_rejected(
    state: SequenceState, plan: DebitPlan, *, collected_before: bool
) -> SequenceState:
    """A rejected debit did not happen: FRST again if it was the first; its amendment is
    still to be told."""
    return replace(
        state,
        collected=collected_before,
        amendment_pending=state.amendment_pending or plan.amendment,
    )


def after_account_change(state: SequenceState) -> SequenceState:
    return replace(state, amendment_pending=True)
