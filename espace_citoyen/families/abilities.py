"""What a user may do with a family card, computed once per request: the same dict
drives the permission checks in views and the buttons templates show."""

from espace_citoyen.accounts.roles import Role, user_roles
from espace_citoyen.families.models import DocumentKind as Kind

# Roles whose work needs the family's data; health data only for those who care for
# the children (domain.md, Actors and roles).
ROLES_SEEING_FAMILIES = {Role.GUICHET, Role.SCOLAIRE, Role.PERISCOLAIRE, Role.REGIE}
ROLES_SEEING_HEALTH = {Role.SCOLAIRE, Role.PERISCOLAIRE}
ROLES_MANAGING_FAMILIES = {Role.GUICHET}

# The document kinds each role may open (and check), as its work needs them; a role not
# listed opens none. Health documents only for the roles caring for the children.
DOCUMENT_KINDS_BY_ROLE: dict[Role, frozenset[str]] = {
    # The family card, its guardians and its address.
    Role.GUICHET: frozenset(
        {
            Kind.PROOF_OF_ADDRESS,
            Kind.IDENTITY,
            Kind.FAMILY_RECORD,
            Kind.SWORN_STATEMENT,
            Kind.CUSTODY,
            Kind.OTHER,
        }
    ),
    # School enrolments and dérogations, and the children's health at school.
    Role.SCOLAIRE: frozenset(
        {
            Kind.PROOF_OF_ADDRESS,
            Kind.IDENTITY,
            Kind.FAMILY_RECORD,
            Kind.SWORN_STATEMENT,
            Kind.CUSTODY,
            Kind.DEROGATION_PROOF,
            Kind.PAI,
            Kind.MEDICAL_CERTIFICATE,
            Kind.VACCINATIONS,
        }
    ),
    # Activities: health (PAI, absences' certificates) and who may collect the child.
    Role.PERISCOLAIRE: frozenset(
        {Kind.PAI, Kind.MEDICAL_CERTIFICATE, Kind.VACCINATIONS, Kind.CUSTODY}
    ),
    # Prices: income documents only.
    Role.REGIE: frozenset({Kind.CAF_CERTIFICATE, Kind.TAX_NOTICE}),
    Role.ADMINISTRATEUR: frozenset(),
}


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


def document_kinds_for(user) -> frozenset[str]:
    """The document kinds the user's roles may open, the union of DOCUMENT_KINDS_BY_ROLE."""
    kinds: set[str] = set()
    for role in user_roles(user):
        kinds |= DOCUMENT_KINDS_BY_ROLE.get(role, frozenset())
    return frozenset(kinds)
