"""Changes of the card: guardians, children, authorised persons, emergency contact."""

from django.db import transaction

from espace_citoyen.families.models import AuthorisedPerson, Child, Family, Guardian
from espace_citoyen.families.services._common import (
    CHILD_FIELDS,
    CHILD_IDENTITY_FIELDS,
    GUARDIAN_FIELDS,
    PERSON_FIELDS,
    _check_child,
    _record,
    _snapshot,
    family_refresh_search_text,
)


@transaction.atomic
def guardian_update(*, guardian: Guardian, actor, values: dict) -> Guardian:
    """Change a guardian's details (contacts, profession, employer…)."""
    before = _snapshot(guardian, GUARDIAN_FIELDS)
    for field, value in values.items():
        if field in GUARDIAN_FIELDS:
            setattr(guardian, field, value)
    guardian.full_clean()
    guardian.save()
    _record(
        guardian.family,
        actor=actor,
        entity="responsable légal",
        label=guardian.full_name,
        before=before,
        after=_snapshot(guardian, GUARDIAN_FIELDS),
    )
    family_refresh_search_text(guardian.family)
    return guardian


@transaction.atomic
def guardian_add(*, family: Family, actor, values: dict) -> Guardian:
    """Add a second (or further) guardian to the card."""
    position = Guardian.objects.filter(family=family).count() + 1
    guardian = Guardian(family=family, position=position)
    for field, value in values.items():
        if field in GUARDIAN_FIELDS:
            setattr(guardian, field, value)
    guardian.full_clean()
    guardian.save()
    _record(
        family,
        actor=actor,
        entity="responsable légal",
        label=guardian.full_name,
        before={},
        after=_snapshot(guardian, GUARDIAN_FIELDS),
        action="ajout",
    )
    family_refresh_search_text(family)
    return guardian


@transaction.atomic
def child_add(*, family: Family, actor, values: dict) -> Child:
    """Add a child to the card (under 18, born already)."""
    _check_child(values)
    child = Child(family=family)
    for field, value in values.items():
        if field in CHILD_FIELDS:
            setattr(child, field, value)
    child.full_clean()
    child.save()
    _record(
        family,
        actor=actor,
        entity="enfant",
        label=child.full_name,
        before={},
        after=_snapshot(child, CHILD_IDENTITY_FIELDS),
        action="ajout",
    )
    family_refresh_search_text(family)
    return child


@transaction.atomic
def child_update(*, child: Child, actor, values: dict) -> Child:
    """Change a child's identity, health, diet, PAI or authorisations."""
    if "birth_date" in values:
        _check_child(values)
    before = _snapshot(child, CHILD_FIELDS)
    for field, value in values.items():
        if field in CHILD_FIELDS:
            setattr(child, field, value)
    child.full_clean()
    child.save()
    _record(
        child.family,
        actor=actor,
        entity="enfant",
        label=child.full_name,
        before=before,
        after=_snapshot(child, CHILD_FIELDS),
    )
    family_refresh_search_text(child.family)
    return child


@transaction.atomic
def authorised_person_save(
    *, family: Family, actor, values: dict, person: AuthorisedPerson | None = None
) -> AuthorisedPerson:
    """Add or change a person allowed to collect the children."""
    before = _snapshot(person, PERSON_FIELDS) if person else {}
    person = person or AuthorisedPerson(family=family)
    for field in PERSON_FIELDS:
        setattr(person, field, values[field])
    person.full_clean()
    person.save()
    _record(
        family,
        actor=actor,
        entity="personne autorisée",
        label=str(person),
        before=before,
        after=_snapshot(person, PERSON_FIELDS),
        action="modification" if before else "ajout",
    )
    return person


@transaction.atomic
def authorised_person_remove(*, person: AuthorisedPerson, actor) -> None:
    _record(
        person.family,
        actor=actor,
        entity="personne autorisée",
        label=str(person),
        before=_snapshot(person, PERSON_FIELDS),
        after={},
        action="suppression",
    )
    person.delete()


@transaction.atomic
def family_emergency_update(*, family: Family, actor, name: str, phone: str) -> Family:
    before = _snapshot(family, ["emergency_name", "emergency_phone"])
    family.emergency_name, family.emergency_phone = name.strip(), phone.strip()
    family.save(update_fields=["emergency_name", "emergency_phone", "updated_at"])
    _record(
        family,
        actor=actor,
        entity="famille",
        label=family.number,
        before=before,
        after=_snapshot(family, ["emergency_name", "emergency_phone"]),
    )
    return family
