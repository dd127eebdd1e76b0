"""One-time links sent by e-mail (choose a password after sign-up).

A link is a signed, timestamped token naming the user and a fingerprint of the
account's state (password hash, last login). Choosing a password changes that state,
so a link works once; its signature makes it expire after ACCOUNT_LINK_MAX_AGE."""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from espace_citoyen.accounts.models import User
from espace_citoyen.core.errors import ApplicationError

SALT = "espace_citoyen.accounts.account-link"


def _fingerprint(user) -> str:
    last_login = user.last_login.replace(microsecond=0, tzinfo=None) if user.last_login else ""
    value = f"{user.pk}|{user.password}|{last_login}|{user.email}"
    return salted_hmac(SALT, value).hexdigest()[:24]


def account_link_make(user) -> str:
    """A token for the "choose your password" link of `user`."""
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=SALT, compress=True)


def account_link_check(token: str):
    """The user a link belongs to; ApplicationError (in French) if expired, used or wrong."""
    max_age = settings.ACCOUNT_LINK_MAX_AGE
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ApplicationError(
            _(
                "Ce lien a expiré : il n'est valable que 48 heures. "
                "Demandez-en un nouveau ci-dessous, il vous sera envoyé par courriel."
            ),
            code="expired",
        ) from error
    except signing.BadSignature as error:
        raise ApplicationError(
            _("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier."),
            code="invalid",
        ) from error
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise ApplicationError(_("Ce lien n'est pas valide."), code="invalid")
    if not constant_time_compare(data.get("f", ""), _fingerprint(user)):
        raise ApplicationError(
            _(
                "Ce lien a déjà été utilisé. Connectez-vous avec votre mot de passe, "
                "ou utilisez « Mot de passe oublié ? » si vous ne vous en souvenez plus."
            ),
            code="used",
        )
    return user
