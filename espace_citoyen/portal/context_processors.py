from django.conf import settings

from espace_citoyen.accounts.roles import session_is_agent
from espace_citoyen.portal.selectors import commune_get


def portal(request) -> dict:
    """What the layout shows on every page: the commune, the search, the demo banner."""
    return {
        "commune": commune_get(),
        "search_query": request.GET.get("q", "")[:100],
        "demo_mailbox": settings.DEBUG and settings.DEMO_MAILBOX,
        "is_agent": session_is_agent(request),
    }
