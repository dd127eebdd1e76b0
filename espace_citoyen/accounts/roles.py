"""Agent roles (domain.md, Actors and roles): each is a Django group, least privilege."""

from enum import StrEnum

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    GUICHET = "guichet"
    SCOLAIRE = "scolaire"
    PERISCOLAIRE = "periscolaire"
    REGIE = "regie"
    ADMINISTRATEUR = "administrateur"


ROLE_LABELS = {
    Role.GUICHET: _("Guichet des formalités administratives"),
    Role.SCOLAIRE: _("Service scolaire"),
    Role.PERISCOLAIRE: _("Service périscolaire et extrascolaire"),
    Role.REGIE: _("Régie"),
    Role.ADMINISTRATEUR: _("Administration de la configuration"),
}

# Apps whose models the administrateur role configures in /admin/.
CONFIGURATION_APPS = ("accounts", "auth", "portal", "schooling", "activities", "pricing")


def user_roles(user) -> frozenset[Role]:
    """The agent roles of a user, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._roles_cache = cached
    return cached


def is_agent(user) -> bool:
    return bool(user_roles(user))


def has_role(user, *roles: Role) -> bool:
    """True when the user holds at least one of `roles`."""
    return bool(user_roles(user) & set(roles))


def roles_sync(sender=None, apps=global_apps, using: str = "default", **kwargs) -> None:
    """Create the role groups and give the administrateur role the configuration
    permissions. Runs after every migrate; safe to run again."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    groups = {}
    for role in Role:
        groups[role], _created = Group.objects.using(using).get_or_create(name=role.value)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=CONFIGURATION_APPS
    )
    groups[Role.ADMINISTRATEUR].permissions.add(*permissions)
