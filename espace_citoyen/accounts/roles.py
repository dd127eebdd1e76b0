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


# The layout's « Back-office » link: whether the user was an agent when they logged in,
# kept in the session so that a page does not read the user's groups for a link.
# Access itself is never decided from it: `agent_required` and the services read the
# groups on each request, so a role taken away closes the back-office at once (the link
# follows at the next login).
SESSION_AGENT_KEY = "_layout_is_agent"


def session_is_agent(request) -> bool:
    """Whether the layout shows the back-office link: from the session when the login
    stored it (no query), else from the user's groups."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    stored = request.session.get(SESSION_AGENT_KEY)
    return is_agent(user) if stored is None else stored


def session_is_agent_store(sender, request, user, **kwargs) -> None:
    """On login (the `user_logged_in` signal): keep the layout's answer in the session."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_AGENT_KEY] = is_agent(user)


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
