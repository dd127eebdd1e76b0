"""Lost activation code (path 3): a démarche in the requester's history in every case;
the code e-mailed at once when the details match, else sent by the guichet."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.models import User
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.core.text import fold
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families import rules
from espace_citoyen.families.models import Guardian, LostCodeRequest
from espace_citoyen.families.services._common import DEMARCHE_LOST_CODE, _throttle_get
from espace_citoyen.families.services.activation_codes import activation_code_issue

__all__ = ["DEMARCHE_LOST_CODE", "lost_code_request", "lost_code_resolve"]


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
    user: User,
    last_name: str,
    first_name: str,
    family_number: str,
    child_birth_date: date,
    email: str,
) -> None:
    """Path 3: a démarche goes to the guichet's queue and to the requester's history,
    whether the details match or not, so that nothing on the requester's side tells the
    two cases apart. If they match a guardian whose e-mail on file is the account's, a
    new code is also e-mailed at once (to that address, which the requester then owns),
    and the démarche closes when the account is linked."""
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
    code_sent_at = None
    if len(exact) == 1:
        guardian = exact[0]
        code, record = activation_code_issue(guardian=guardian, created_by=None)
        _mail_code(guardian=guardian, code=code, to=user.email, expires_at=record.expires_at)
        code_sent_at = timezone.now()
        same_person = exact
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
        code_sent_at=code_sent_at,
    )


@transaction.atomic
def lost_code_resolve(*, demarche: Demarche, guardian: Guardian, agent: User) -> None:
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
