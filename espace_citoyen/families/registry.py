"""The services listed on the family card's home (journey point 10). Each app adds its
own in AppConfig.ready(), so a service not built yet is simply absent."""

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class CardService:
    key: str
    title: str  # the seed's wording, e.g. « Suivre l'historique de vos démarches »
    url_name: str
    order: int
    description: str = ""

    @property
    def url(self) -> str:
        return _address(self.url_name, get_script_prefix())


@lru_cache(maxsize=64)
def _address(url_name: str, _prefix: str) -> str:
    """The services' addresses never change while the site runs: reversed once each
    (the card's home lists them on every visit)."""
    return reverse(url_name)


_services: dict[str, CardService] = {}


def card_service_register(service: CardService) -> None:
    _services[service.key] = service


def card_services() -> list[CardService]:
    return sorted(_services.values(), key=lambda service: service.order)


def card_services_key(services: list[CardService]) -> str:
    """A digest of what the services' cards show: the key under which each process keeps
    them rendered (the card's home)."""
    shown = [(s.key, s.title, s.url, s.description) for s in services]
    return hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class CardNotice:
    """A call to action at the top of the card's home (e.g. journey point 9)."""

    text: str
    url: str
    label: str


_notices: list = []


def card_notice_register(notice_for) -> None:
    """Register fn(family) -> CardNotice | None, asked on each visit of the card's home."""
    if notice_for not in _notices:
        _notices.append(notice_for)


def card_notices(family) -> list[CardNotice]:
    return [notice for notice in (fn(family) for fn in _notices) if notice is not None]
