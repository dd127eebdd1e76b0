"""Reads of the portal: the commune and the catalogue (cached), and its search."""

import hashlib

from django.core.cache import cache

from espace_citoyen.portal import rgaa
from espace_citoyen.portal.models import (
    CATALOGUE_CACHE_KEY,
    COMMUNE_CACHE_KEY,
    AccessibilityAudit,
    Commune,
    Teleservice,
)
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
    """The published catalogue, from the cache when possible (Mon espace and the home
    page show it; it changes when an administrator edits it, which clears the cache)."""
    catalogue = cache.get(CATALOGUE_CACHE_KEY)
    if catalogue is None:
        catalogue = list(Teleservice.objects.filter(published=True))
        cache.set(CATALOGUE_CACHE_KEY, catalogue, COMMUNE_CACHE_SECONDS)
    return catalogue


def catalogue_key(teleservices: list[Teleservice]) -> str:
    """A digest of what the catalogue's cards show: the key under which each process keeps
    them rendered (Mon espace), so that an edit shows at once, whatever way it was made."""
    shown = [(t.pk, t.title, t.summary, t.target, t.requires_login) for t in teleservices]
    return hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()


def catalogue_cache_clear() -> None:
    cache.delete(CATALOGUE_CACHE_KEY)


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


def accessibility_statement() -> dict:
    """What the accessibility statement shows, all read from the latest audit grid: the
    rate and the status it supports, the criteria not met, the sample and environment."""
    audit = AccessibilityAudit.objects.first()
    if audit is None:
        return {"audit": None}
    grid = audit.grid
    titles = {page["id"]: page["title"] for page in grid["sample"]}
    failures = [
        {**criterion, "page_titles": [titles[page] for page in criterion.get("pages", [])]}
        for criterion in grid["criteria"]
        if criterion["result"] == rgaa.NOT_CONFORM
    ]
    return {
        "audit": audit,
        "summary": rgaa.summarise(grid["criteria"]),
        "failures": failures,
        "derogations": grid.get("derogations", []),
        "exempt": grid.get("exempt", []),
        "sample": grid["sample"],
        "environment": grid["environment"],
        "tools": grid["tools"],
        "technologies": grid.get("technologies", []),
        "referential": grid["referential"],
    }
