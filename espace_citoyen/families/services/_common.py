"""What the topics share: the record of changes, the search text, the throttles and
where the family's mail goes. (The card's field lists are in families/fields.py.)"""

from datetime import date, datetime, timedelta

from django.utils import timezone

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.accounts.models import User
from espace_citoyen.audit import rules as audit_rules
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.audit.services import audit_record
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.text import fold
from espace_citoyen.families import rules
from espace_citoyen.families.models import Child, Family, Guardian, Throttle

# The démarche type of a lost activation code (its request and closing live in two topics).
DEMARCHE_LOST_CODE = "carte_famille_code_perdu"


def _snapshot(instance, fields: list[str]) -> dict:
    values = {}
    for field in fields:
        value = getattr(instance, field)
        values[field] = value.isoformat() if isinstance(value, date | datetime) else value
    return values


def _record(
    family: Family,
    *,
    actor: Actor,
    entity: str,
    label: str,
    before: dict,
    after: dict,
    action: str = "modification",
    sensitive: bool = False,
) -> AuditEntry | None:
    """Record a change of the card in the audit trail, on the family's file. Health data
    is tagged `sensitive` here, where it is recorded: the whole entry when the caller says
    so (a health document), and a child's health fields in an entry of their own, apart
    from the other fields changed with them; only the family and the roles caring for the
    children read those entries."""
    changes = audit_rules.diff(before, after)
    if not changes and action == "modification":
        return None
    other, health = rules.split_health(changes)
    if sensitive or not health:
        parts = [(changes, sensitive)]
    elif other or action != "modification":
        parts = [(other, False), (health, True)]
    else:
        parts = [(health, True)]
    entries = [
        audit_record(
            actor=actor,
            area="families",
            entity=entity,
            label=label,
            before={key: values[0] for key, values in part.items()},
            after={key: values[1] for key, values in part.items()},
            action=action,
            scope=family,
            sensitive=is_sensitive,
        )
        for part, is_sensitive in parts
    ]
    return entries[0]


def family_refresh_search_text(family: Family) -> None:
    """Recompute the folded words agents search on (names, e-mails, number)."""
    parts = [family.number, family.number.removeprefix("F-").lstrip("0")]
    for guardian in Guardian.objects.filter(family=family).select_related("user"):
        parts += [guardian.first_name, guardian.last_name, guardian.email]
        if guardian.user_id:
            parts.append(guardian.user.email)
    for child in Child.objects.filter(family=family):
        parts += [child.first_name, child.last_name]
    text = fold(" ".join(part for part in parts if part))
    Family.objects.filter(pk=family.pk).update(search_text=text)


def _check_child(data: dict) -> None:
    problem = rules.child_birth_date_problem(data["birth_date"], timezone.localdate())
    if problem:
        raise ApplicationError(problem, field="birth_date")


def _throttle_get(user: User, purpose: str, *, window: timedelta) -> Throttle:
    """The user's counter for `purpose` (row-locked), reset when its window or its lock
    has passed. Call inside a transaction."""
    now = timezone.now()
    throttle, _created = Throttle.objects.select_for_update().get_or_create(
        user=user, purpose=purpose, defaults={"window_start": now}
    )
    expired_lock = throttle.locked_until is not None and throttle.locked_until <= now
    expired_window = throttle.locked_until is None and throttle.window_start + window <= now
    if expired_lock or expired_window:
        throttle.count, throttle.window_start, throttle.locked_until = 0, now, None
        throttle.save()
    return throttle


def family_contacts(family: Family) -> list[str]:
    """Where the family's mail goes: its guardians' accounts, else their e-mails on file."""
    addresses = []
    for guardian in Guardian.objects.filter(family=family).select_related("user"):
        address = guardian.user.email if guardian.user_id else guardian.email
        if address and address.lower() not in (a.lower() for a in addresses):
            addresses.append(address)
    return addresses
