"""Changes made below the audit app, recorded in the one trail: accounts knows no app
above it, so it announces them (accounts.signals) and the entry is written here, in the
same transaction, with the actor the service was given."""

from django.dispatch import receiver

from espace_citoyen.accounts.models import User
from espace_citoyen.accounts.signals import profile_changed, roles_changed
from espace_citoyen.audit.services import audit_record


@receiver(roles_changed, dispatch_uid="audit.roles_changed")
def record_roles_changed(
    sender, *, user: User, by: User, granted: list[str], removed: list[str], **kwargs
) -> None:
    kept = sorted(set(user.groups.values_list("name", flat=True)) - set(granted))
    audit_record(
        actor=by,
        area="accounts",
        entity="rôles",
        label=user.get_full_name() or user.email,
        before={"rôles": sorted(kept + removed)},
        after={"rôles": sorted(kept + granted)},
        subject=user,
    )


@receiver(profile_changed, dispatch_uid="audit.profile_changed")
def record_profile_changed(
    sender, *, user: User, by: User, before: dict, after: dict, **kwargs
) -> None:
    audit_record(
        actor=by,
        area="accounts",
        entity="profil",
        label=user.get_full_name() or user.email,
        before=before,
        after=after,
        subject=user,
    )
