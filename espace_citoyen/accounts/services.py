"""Accounts own the user: sign-up by e-mail link, password choice, profile.

Sign-up never tells whether an address already has an account: the page says the same
thing either way, and the mail says which case applies."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.accounts.models import RoleChange, User
from espace_citoyen.accounts.roles import ROLE_LABELS, Role
from espace_citoyen.accounts.signals import profile_changed, roles_changed
from espace_citoyen.accounts.tokens import account_link_check, account_link_make
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def user_send_password_link(*, user: User) -> None:
    """E-mail `user` a one-time link (48 h) to choose their password."""
    link = _absolute(reverse("accounts:set_password", args=[account_link_make(user)]))
    notify("accounts/mail/signup", to=user.email, context={"user": user, "link": link})


@transaction.atomic
def user_signup(
    *, civility: str, last_name: str, first_name: str, email: str, privacy_accepted: bool
) -> None:
    """Create an account waiting for its password and e-mail the link to choose it.

    If the address already has an account, nothing is created and the owner receives a
    mail saying so, with the way to log in or reset the password."""
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email,
                    civility=civility,
                    last_name=last_name.strip(),
                    first_name=first_name.strip(),
                    privacy_accepted_at=timezone.now() if privacy_accepted else None,
                )
        except IntegrityError:
            existing = User.objects.get(email__iexact=email)
        else:
            user_send_password_link(user=user)
            return
    notify(
        "accounts/mail/account_exists",
        to=existing.email,
        context={
            "user": existing,
            "login_link": _absolute(reverse("accounts:login")),
            "reset_link": _absolute(reverse("accounts:password_reset")),
        },
    )


@transaction.atomic
def user_set_password_from_link(*, token: str, password: str) -> User:
    """Set the password of the user named by a sign-up link; the link then stops working.

    The password must already have passed the validators (the form does it)."""
    user = account_link_check(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    account_link_check(token)  # again under the row lock: two tabs cannot both use it
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


PROFILE_FIELDS = ("civility", "last_name", "first_name", "phone")


@transaction.atomic
def user_profile_update(
    *, user: User, civility: str, last_name: str, first_name: str, phone: str
) -> User:
    """Change the name, civility and phone number of an account (recorded in the trail)."""
    # Read from the database: a form bound to the user may already have changed the instance.
    before = User.objects.filter(pk=user.pk).values(*PROFILE_FIELDS).get()
    user.civility = civility
    user.last_name = last_name.strip()
    user.first_name = first_name.strip()
    user.phone = phone.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(PROFILE_FIELDS))
    after = {field: getattr(user, field) for field in PROFILE_FIELDS}
    profile_changed.send(sender=User, user=user, by=user, before=before, after=after)
    return user


def _group_label(name: str) -> str:
    return str(ROLE_LABELS.get(name, name))


@transaction.atomic
def user_groups_set(*, user: User, groups, by: User) -> list[RoleChange]:
    """Give `user` exactly `groups` (the agent roles): every role given or taken is
    recorded, and the other administrators are told by e-mail. Nobody changes their own
    roles (separation of duties: another administrator must do it)."""
    if by.pk == user.pk:
        raise ApplicationError(
            _(
                "Vous ne pouvez pas modifier vos propres rôles : demandez-le à un autre "
                "administrateur."
            ),
            field="groups",
        )
    wanted = {group.pk: group for group in groups}
    current = {group.pk: group for group in user.groups.all()}
    added = [wanted[pk] for pk in wanted.keys() - current.keys()]
    removed = [current[pk] for pk in current.keys() - wanted.keys()]
    if not added and not removed:
        return []
    user.groups.add(*added)
    user.groups.remove(*removed)
    user._roles_cache = None
    changes = [
        RoleChange.objects.create(user=user, group=group.name, granted=True, by=by)
        for group in sorted(added, key=lambda g: g.name)
    ] + [
        RoleChange.objects.create(user=user, group=group.name, granted=False, by=by)
        for group in sorted(removed, key=lambda g: g.name)
    ]
    # The one audit trail records it too (audit.receivers, in this transaction).
    roles_changed.send(
        sender=User,
        user=user,
        by=by,
        granted=[c.group for c in changes if c.granted],
        removed=[c.group for c in changes if not c.granted],
    )
    administrators = (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.ADMINISTRATEUR.value) | Q(is_superuser=True))
        .exclude(pk=by.pk)
        .distinct()
    )
    recipients = sorted({admin.email for admin in administrators if admin.email})
    if recipients:
        notify(
            "accounts/mail/roles_changed",
            to=recipients,
            context={
                "user": user,
                "by": by,
                "granted": [_group_label(c.group) for c in changes if c.granted],
                "removed": [_group_label(c.group) for c in changes if not c.granted],
                "at": timezone.localtime(),
            },
        )
    return changes
