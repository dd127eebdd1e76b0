"""Reads of the family card. Each runs a fixed number of queries, whatever the family's
size (prefetches, never a query per child)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q

from espace_citoyen.accounts.models import User
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.audit.selectors import audit_for_scope
from espace_citoyen.core import rawsql
from espace_citoyen.core.text import fold, words
from espace_citoyen.families.abilities import agent_can_see_health, document_kinds_for
from espace_citoyen.families.models import (
    ActivationCode,
    AddressChange,
    Child,
    Document,
    DocumentStatus,
    Family,
    FamilyDraft,
    Guardian,
    LostCodeRequest,
)


def family_for_user(user) -> Family | None:
    """The family card the account is linked to (as a guardian), with guardians and
    children loaded; None if there is none."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_family_cache", "unset")
    if cached != "unset":
        return cached
    family = (
        Family.objects.filter(guardians__user=user)
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.select_related("user")),
            "children",
        )
        .first()
    )
    user._family_cache = family
    return family


@dataclass(frozen=True)
class FamilyCard:
    """The family card as the parent's pages show it: the family (every field), its
    children (name, sex and birth date only) in order of birth, and, when asked, its
    guardians (names) in their order."""

    family: Family
    children: list[Child]
    guardians: list[Guardian] = field(default_factory=list)


_CARD_CHILD_FIELDS = ("id", "family_id", "first_name", "last_name", "sex", "birth_date")
_CARD_GUARDIAN_FIELDS = ("id", "family_id", "first_name", "last_name", "position")


def family_card_for_user(user, *, guardians: bool = False) -> FamilyCard | None:
    """The family card the account is linked to, with its children (and its guardians),
    in one raw statement (« Mon espace » and the card's home open it on every visit:
    docs/benchmarks.md); None if there is none. A user is a guardian of one family at
    most. With the guardians, a row is a child and a guardian: a family of n children
    and m guardians gives n × m rows, a handful."""
    if not user.is_authenticated:
        return None
    family_cols = rawsql.columns(Family, alias="f")
    child_cols = rawsql.columns(Child, _CARD_CHILD_FIELDS, alias="c")
    parts = [family_cols.sql, child_cols.sql]
    joins = "LEFT JOIN families_child c ON c.family_id = f.id "
    if guardians:
        guardian_cols = rawsql.columns(Guardian, _CARD_GUARDIAN_FIELDS, alias="o")
        parts.append(guardian_cols.sql)
        joins += "LEFT JOIN families_guardian o ON o.family_id = f.id "
    found = rawsql.fetch(
        f"SELECT {', '.join(parts)} "  # noqa: S608 (columns of the models)
        f"FROM families_guardian g JOIN families_family f ON f.id = g.family_id {joins}"
        "WHERE g.user_id = %s ORDER BY c.birth_date, c.id",
        [user.pk],
    )
    if not found:
        return None
    at = len(family_cols)
    after = at + len(child_cols)
    family = family_cols.build(found[0][:at])
    children = {}
    people = {}
    for row in found:
        if row[at] is not None and row[at] not in children:
            children[row[at]] = child_cols.build(row[at:after])
        if guardians and row[after] is not None and row[after] not in people:
            people[row[after]] = guardian_cols.build(row[after:])
    return FamilyCard(
        family=family,
        children=list(children.values()),
        guardians=sorted(people.values(), key=lambda guardian: (guardian.position, guardian.pk)),
    )


def child_of_user(user, pk: int) -> Child | None:
    """One child of a family the account is a guardian of, in one query (the pages and
    the bookings of one child need nothing else of the family); None otherwise."""
    if not user.is_authenticated:
        return None
    return Child.objects.filter(pk=pk, family__guardians__user=user).first()


def family_get(pk: int) -> Family | None:
    return (
        Family.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.select_related("user")),
            "children",
            "authorised_persons",
        )
        .first()
    )


@dataclass(frozen=True)
class ChildHealth:
    """A child's health, for the family and the roles caring for the children only."""

    diet_label: str
    allergies: str
    has_pai: bool
    disability_situation: bool
    doctor: str
    vaccinations_up_to_date: bool
    vaccinations_date: date | None


@dataclass(frozen=True)
class SheetChild:
    """A child as an agent's family sheet shows it: `health` is None for the roles that
    must not see it (the fields are not even read from the database)."""

    pk: int
    full_name: str
    sex: str
    birth_date: date
    birth_place: str
    image_rights: bool
    may_leave_alone: bool
    emergency_care: bool
    outings: bool
    health: ChildHealth | None


@dataclass(frozen=True)
class FamilySheet:
    family: Family
    guardians: list[Guardian]
    children: list[SheetChild]
    persons: list
    documents: list[Document]
    changes: list[AuditEntry]
    sees_health: bool


_CHILD_VISIBLE_FIELDS = (
    "id",
    "family_id",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "birth_place",
    "image_rights",
    "may_leave_alone",
    "emergency_care",
    "outings",
)


def _sheet_child(child: Child, *, health: bool) -> SheetChild:
    return SheetChild(
        pk=child.pk,
        full_name=child.full_name,
        sex=child.sex,
        birth_date=child.birth_date,
        birth_place=child.birth_place,
        image_rights=child.image_rights,
        may_leave_alone=child.may_leave_alone,
        emergency_care=child.emergency_care,
        outings=child.outings,
        health=ChildHealth(
            diet_label=str(child.get_diet_display()),
            allergies=child.allergies,
            has_pai=child.has_pai,
            disability_situation=child.disability_situation,
            doctor=child.doctor,
            vaccinations_up_to_date=child.vaccinations_up_to_date,
            vaccinations_date=child.vaccinations_date,
        )
        if health
        else None,
    )


def family_history(family: Family, *, viewer: User) -> list[AuditEntry]:
    """The card's trail as an agent may read it: health entries only for the roles caring
    for the children."""
    return list(audit_for_scope(family, with_sensitive=agent_can_see_health(viewer)))


def family_sheet(pk: int, *, viewer: User) -> FamilySheet | None:
    """Everything the agents' family sheet shows to `viewer`, in a fixed number of
    queries: only the document kinds their roles may open, and health data (fields,
    history entries) only for the roles caring for the children."""
    sees_health = agent_can_see_health(viewer)
    children = Child.objects.all() if sees_health else Child.objects.only(*_CHILD_VISIBLE_FIELDS)
    documents = Document.objects.filter(kind__in=document_kinds_for(viewer)).select_related(
        "child", "uploaded_by", "checked_by"
    )
    family = (
        Family.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch("guardians", queryset=Guardian.objects.select_related("user")),
            Prefetch("children", queryset=children),
            "authorised_persons",
            Prefetch("documents", queryset=documents),
        )
        .first()
    )
    if family is None:
        return None
    return FamilySheet(
        family=family,
        guardians=list(family.guardians.all()),
        children=[_sheet_child(c, health=sees_health) for c in family.children.all()],
        persons=list(family.authorised_persons.all()),
        documents=list(family.documents.all()),
        changes=list(audit_for_scope(family, with_sensitive=sees_health)),
        sees_health=sees_health,
    )


def documents_to_check(viewer: User):
    """Documents waiting for a check, of the kinds the viewer's roles may open."""
    return (
        Document.objects.filter(status=DocumentStatus.TO_CHECK, kind__in=document_kinds_for(viewer))
        .select_related("family", "child", "uploaded_by")
        .order_by("created_at")
    )


def document_for_agent(pk: int, viewer: User) -> Document | None:
    """A document the viewer's roles may open; None otherwise (its existence is not told)."""
    return (
        Document.objects.filter(pk=pk, kind__in=document_kinds_for(viewer))
        .select_related("family")
        .first()
    )


def family_search(query: str, *, limit: int = 50) -> list[Family]:
    """Families by name, family number, child's name or e-mail; accents and case ignored
    (every word must be found in the family's folded search text)."""
    wanted = words(query)
    if not wanted:
        return []
    condition = Q()
    for word in wanted:
        condition &= Q(search_text__contains=word)
    return list(
        Family.objects.filter(condition)
        .prefetch_related("guardians", "children")
        .order_by("number")[:limit]
    )


def children_of(family: Family) -> list[Child]:
    return list(family.children.all())


def draft_get(user) -> dict:
    draft = FamilyDraft.objects.filter(user=user).first()
    return draft.data if draft else {}


def documents_of(family: Family) -> list[Document]:
    return list(Document.objects.filter(family=family).select_related("child"))


def active_code_for(guardian: Guardian) -> ActivationCode | None:
    return (
        ActivationCode.objects.filter(
            guardian=guardian, used_at__isnull=True, revoked_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )


def pending_address_change(family: Family):
    """The address change waiting for the guichet, if any."""
    return (
        AddressChange.objects.filter(
            family=family, demarche__status__in=["deposee", "en_cours", "attente_pieces"]
        )
        .select_related("demarche")
        .first()
    )


def lost_code_candidates(demarche) -> list[Guardian]:
    """Guardians without account who may be the person behind a lost-code request: same
    name (accents ignored), or a child born on the given date."""
    request = LostCodeRequest.objects.filter(demarche=demarche).first()
    if request is None:
        return []
    name_words = words(f"{request.first_name} {request.last_name}")
    by_name = Q()
    for word in name_words:
        by_name &= Q(family__search_text__contains=word)
    guardians = (
        Guardian.objects.filter(user__isnull=True)
        .filter(by_name | Q(family__children__birth_date=request.child_birth_date))
        .select_related("family")
        .distinct()[:20]
    )
    wanted = fold(f"{request.first_name} {request.last_name}")
    return sorted(guardians, key=lambda g: fold(f"{g.first_name} {g.last_name}") != wanted)


def family_changes(family: Family, *, limit: int = 20) -> list[AuditEntry]:
    """The latest changes to the card, for the family's own page (health included: it
    is their data)."""
    return list(audit_for_scope(family, with_sensitive=True)[:limit])
