"""Changes of the card: guardians, children, authorised persons, emergency contact."""

from django.db import transaction

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.families.fields import (
    CHILD_FIELDS,
    GUARDIAN_FIELDS,
    PERSON_FIELDS,
)
from espace_citoyen.families.models import AuthorisedPerson, Child, Family, Guardian
from espace_citoyen.families.services._common import (
    _check_child,
    _record,
    _snapshot,
    family_refresh_search_text,
)


@transaction.atomic
def guardian_update(*, guardian: Guardian, actor: Actor, values: dict) -> Guardian:
    """Change a guardian's details (contacts, profession, employer…)."""
    # "Before" is the stored row: the caller's instance may carry the new values already
    # (a ModelForm changes its instance when it validates).
    guardian = Guardian.objects.select_for_update().select_related("family").get(pk=guardian.pk)
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
def guardian_add(*, family: Family, actor: Actor, values: dict) -> Guardian:
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
def child_add(*, family: Family, actor: Actor, values: dict) -> Child:
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
        # Every value given, health included: _record files those in an entry of their
        # own, tagged as health data.
        after=_snapshot(child, CHILD_FIELDS),
        action="ajout",
    )
    family_refresh_search_text(family)
    return child


@transaction.atomic
def child_update(*, child: Child, actor: Actor, values: dict) -> Child:
    """Change a child's identity, health, diet, PAI or authorisations."""
    if "birth_date" in values:
        _check_child(values)
    child = Child.objects.select_for_update().select_related("family").get(pk=child.pk)
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
    *, family: Family, actor: Actor, values: dict, person: AuthorisedPerson | None = None
) -> AuthorisedPerson:
    """Add or change a person allowed to collect the children."""
    if person is not None:
        person = AuthorisedPerson.objects.select_for_update().get(pk=person.pk, family=family)
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
def authorised_person_remove(*, person: AuthorisedPerson, actor: Actor) -> None:
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
def family_emergency_update(*, family: Family, actor: Actor, name: str, phone: str) -> Family:
    family = Family.objects.select_for_update().get(pk=family.pk)
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
