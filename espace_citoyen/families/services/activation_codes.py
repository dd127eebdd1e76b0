"""Activation codes: the letter's code that links an account to a guardian."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.accounts.models import User
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.demarches.rules import OPEN_STATUSES
from espace_citoyen.families import rules
from espace_citoyen.families.models import ActivationCode, Family, Guardian, Throttle
from espace_citoyen.families.services._common import (
    DEMARCHE_LOST_CODE,
    _record,
    _throttle_get,
    family_refresh_search_text,
)


def _code_key() -> str:
    return settings.SECRET_KEY


@transaction.atomic
def activation_code_issue(*, guardian: Guardian, created_by: Actor) -> tuple[str, ActivationCode]:
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


def activation_code_redeem(*, user: User, typed: str) -> Family:
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


def _activation_link(*, user: User, code: str) -> Family:
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
    # The account's lost-code requests are answered: the card is linked.
    for demarche in Demarche.objects.filter(
        type=DEMARCHE_LOST_CODE, lost_code__user=user, status__in=OPEN_STATUSES
    ):
        demarches.demarche_accept(
            demarche=demarche,
            agent=None,
            message=_("Votre compte est relié à votre carte famille."),
        )
    return guardian.family
