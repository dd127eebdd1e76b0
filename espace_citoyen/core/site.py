"""The site's identity in e-mails and documents (the commune: name, logo, colours).

`core` knows no domain app: the app that owns the identity (the portal) registers a
provider in its `AppConfig.ready()`, and `notify()` and `render_pdf()` read it here."""

from collections.abc import Callable, Mapping
from typing import Any

SiteContextProvider = Callable[[], Mapping[str, Any]]

_providers: list[SiteContextProvider] = []


def site_context_register(provider: SiteContextProvider) -> None:
    """Add `provider` (called at each render) to what every e-mail and PDF sees."""
    if provider not in _providers:
        _providers.append(provider)


def site_context() -> dict[str, Any]:
    """The merged context of every provider (later ones win on a shared key)."""
    context: dict[str, Any] = {}
    for provider in _providers:
        context.update(provider())
    return context
