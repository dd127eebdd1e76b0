"""Reads of the portal: the commune (cached), the catalogue and its search."""

from django.core.cache import cache

from espace_citoyen.portal.models import COMMUNE_CACHE_KEY, Commune, Teleservice
from espace_citoyen.portal.rules import SearchEntry, match_score

COMMUNE_CACHE_SECONDS = 60


def commune_get() -> Commune:
    """The commune, from the cache when possible: every page shows it."""
    commune = cache.get(COMMUNE_CACHE_KEY)
    if commune is None:
        commune = Commune.objects.filter(pk=1).first() or Commune(name="Ma commune")
        cache.set(COMMUNE_CACHE_KEY, commune, COMMUNE_CACHE_SECONDS)
    return commune


def site_context() -> dict:
    """What every e-mail and PDF shows of the commune (registered in core.site)."""
    return {"commune": commune_get()}


def commune_cache_clear() -> None:
    cache.delete(COMMUNE_CACHE_KEY)


def teleservice_list() -> list[Teleservice]:
    return list(Teleservice.objects.filter(published=True))


def teleservice_search(query: str) -> list[Teleservice]:
    """Published téléservices matching every word of `query`, best first."""
    scored = []
    for teleservice in teleservice_list():
        score = match_score(
            query,
            SearchEntry(
                title=teleservice.title,
                keywords=teleservice.keywords,
                summary=teleservice.summary,
            ),
        )
        if score:
            scored.append((score, teleservice))
    scored.sort(key=lambda pair: (-pair[0], pair[1].position, pair[1].title))
    return [teleservice for _score, teleservice in scored]
