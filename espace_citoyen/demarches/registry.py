"""Démarche types and owners, registered by the apps that define them.

A type says who processes it and what accepting, refusing or cancelling it does to the
app's own data (hooks run inside the same transaction as the status change and may
raise ApplicationError to stop it). An owner kind (the family) says how to reach the
people to notify and how to find the owner of a logged-in user."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

Hook = Callable[..., None]


@dataclass(frozen=True)
class DemarcheType:
    key: str
    label: str
    role: str  # the agent role (accounts.roles.Role value) that processes it
    on_accept: Hook | None = None
    on_refuse: Hook | None = None
    on_cancel: Hook | None = None
    # Template included on the citizen's and the agent's detail pages, with `demarche`.
    detail_template: str | None = None
    # Extra context for that template: fn(demarche, viewer_is_agent) -> dict.
    detail_context: Callable[..., dict] | None = None
    family_can_cancel: bool = True
    # Shown to the family after a refusal: the appeal route.
    appeal_route: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OwnerKind:
    model: type[models.Model]
    contacts: Callable[[Any], list[str]]
    for_user: Callable[[Any], Any]  # the owner of this kind for a user, or None
    label: Callable[[Any], str]
    backoffice_url: Callable[[Any], str] | None = None


_types: dict[str, DemarcheType] = {}
_owners: dict[type, OwnerKind] = {}

UNKNOWN = DemarcheType(key="inconnu", label="Démarche", role="")


def type_register(demarche_type: DemarcheType) -> None:
    _types[demarche_type.key] = demarche_type


def demarche_type(key: str) -> DemarcheType:
    return _types.get(key, UNKNOWN)


def demarche_types() -> list[DemarcheType]:
    return sorted(_types.values(), key=lambda t: str(t.label))


def owner_register(owner_kind: OwnerKind) -> None:
    _owners[owner_kind.model] = owner_kind


def owner_kind(owner_or_model) -> OwnerKind:
    model = owner_or_model if isinstance(owner_or_model, type) else type(owner_or_model)
    return _owners[model]


def owner_kinds() -> list[OwnerKind]:
    return list(_owners.values())
