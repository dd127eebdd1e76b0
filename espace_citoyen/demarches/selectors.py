"""Reads of démarches: a family's history with timelines, agents' queues."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from espace_citoyen.core import rawsql
from espace_citoyen.demarches.models import Demarche, DemarcheEvent
from espace_citoyen.demarches.registry import demarche_types
from espace_citoyen.demarches.rules import OPEN_STATUSES, Status


def _owned_by(*owners) -> QuerySet[Demarche]:
    condition = Q(pk__in=[])
    for owner in owners:
        condition |= Q(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
    return Demarche.objects.filter(condition)


def demarche_list_for_owner(
    *owners, with_events: bool = True, limit: int | None = None
) -> list[Demarche]:
    """The owners' démarches, newest first (the `limit` newest), each with the events the
    family may see."""
    queryset = _owned_by(*owners).exclude(status="brouillon")
    if limit is not None:
        queryset = queryset[:limit]
    if with_events:
        queryset = queryset.prefetch_related(
            Prefetch(
                "events",
                queryset=DemarcheEvent.objects.filter(visible_to_family=True).select_related(
                    "actor"
                ),
                to_attr="family_events",
            )
        )
    return list(queryset)


_LATEST_FIELDS = ("id", "reference", "type", "status", "created_at")


def demarche_latest_for_owners(*owners, limit: int) -> list[Demarche]:
    """The owners' `limit` newest démarches (drafts left out) with what a list of them
    shows (reference, type, status), in one raw statement: « Mon espace » lists them on
    every visit (docs/benchmarks.md)."""
    if not owners:
        return []
    cols = rawsql.columns(Demarche, _LATEST_FIELDS, alias="d")
    pairs = " OR ".join(["(d.owner_type_id = %s AND d.owner_id = %s)"] * len(owners))
    params = []
    for owner in owners:
        params += [ContentType.objects.get_for_model(owner).pk, owner.pk]
    found = rawsql.fetch(
        f"SELECT {cols.sql} FROM demarches_demarche d "  # noqa: S608 (columns, placeholders)
        f"WHERE ({pairs}) AND d.status <> %s ORDER BY d.created_at DESC, d.id DESC LIMIT %s",
        [*params, Status.DRAFT.value, limit],
    )
    return [cols.build(row) for row in found]


def demarche_get_for_owner(*owners, reference: str) -> Demarche | None:
    """One démarche of the owners by reference, or None (another family's gives None)."""
    return (
        _owned_by(*owners)
        .filter(reference=reference)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DemarcheEvent.objects.filter(visible_to_family=True).select_related(
                    "actor"
                ),
                to_attr="family_events",
            )
        )
        .first()
    )


def demarche_get_for_agent(reference: str, *, types: list[str]) -> Demarche | None:
    """A démarche by reference, among the types the agent's roles process."""
    return (
        Demarche.objects.filter(reference=reference, type__in=types)
        .select_related("assigned_to", "submitted_by", "owner_type")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DemarcheEvent.objects.select_related("actor"),
                to_attr="all_events",
            )
        )
        .first()
    )


def demarche_queue(
    *, types: list[str], status: str = "", search: str = "", place: str = ""
) -> QuerySet[Demarche]:
    """Agents' queue: démarches of `types`, filtered, oldest open first."""
    queryset = Demarche.objects.filter(type__in=types).select_related("assigned_to")
    if status == "ouvertes":
        queryset = queryset.filter(status__in=["deposee", "en_cours", "attente_pieces"])
    elif status:
        queryset = queryset.filter(status=status)
    if place:
        queryset = queryset.filter(place=place)
    if search:
        queryset = queryset.filter(
            Q(reference__icontains=search)
            | Q(title__icontains=search)
            | Q(child_name__icontains=search)
        )
    return queryset.order_by("created_at", "id")


def open_count_for_role(role: str) -> int:
    """How many démarches of the types handled by `role` wait for a decision (one
    query), for the back-office home."""
    types = [t.key for t in demarche_types() if t.role == role]
    return Demarche.objects.filter(type__in=types, status__in=OPEN_STATUSES).count()


def demarche_list_for_owner_ids(owner_model, owner_ids: list[int]) -> QuerySet[Demarche]:
    return Demarche.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner_model), owner_id__in=owner_ids
    )
