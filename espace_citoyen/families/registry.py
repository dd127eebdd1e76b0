"""The services listed on the family card's home (journey point 10). Each app adds its
own in AppConfig.ready(), so a service not built yet is simply absent."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class CardService:
    key: str
    title: str  # the seed's wording, e.g. « Suivre l'historique de vos démarches »
    url_name: str
    order: int
    description: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_services: dict[str, CardService] = {}


def card_service_register(service: CardService) -> None:
    _services[service.key] = service


def card_services() -> list[CardService]:
    return sorted(_services.values(), key=lambda service: service.order)
