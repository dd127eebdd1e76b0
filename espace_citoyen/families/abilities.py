"""What a user may do with a family card, computed once per request: the same dict
drives the permission checks in views and the buttons templates show."""

from espace_citoyen.accounts.roles import Role, user_roles

# Roles whose work needs the family's data; health data only for those who care for
# the children (domain.md, Actors and roles).
ROLES_SEEING_FAMILIES = {Role.GUICHET, Role.SCOLAIRE, Role.PERISCOLAIRE, Role.REGIE}
ROLES_SEEING_HEALTH = {Role.SCOLAIRE, Role.PERISCOLAIRE}
ROLES_MANAGING_FAMILIES = {Role.GUICHET}


def family_abilities(user, family) -> dict[str, bool]:
    roles = user_roles(user)
    is_guardian = bool(
        family is not None
        and user.is_authenticated
        and any(guardian.user_id == user.pk for guardian in family.guardians.all())
    )
    agent_sees = bool(roles & ROLES_SEEING_FAMILIES)
    return {
        "view": is_guardian or agent_sees,
        "edit": is_guardian or bool(roles & ROLES_MANAGING_FAMILIES),
        "view_health": is_guardian or bool(roles & ROLES_SEEING_HEALTH),
        "manage": bool(roles & ROLES_MANAGING_FAMILIES),
        "is_guardian": is_guardian,
        "is_agent": bool(roles),
    }


def agent_can_see_families(user) -> bool:
    return bool(user_roles(user) & ROLES_SEEING_FAMILIES)


def agent_can_see_health(user) -> bool:
    return bool(user_roles(user) & ROLES_SEEING_HEALTH)
