from dataclasses import dataclass

from django.shortcuts import render
from django.views.decorators.http import require_safe

from espace_citoyen.accounts.roles import ROLE_LABELS, Role, user_roles
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.backoffice.registry import ROLE_DUTIES, Screen, screens_for


@dataclass
class ScreenLink:
    screen: Screen
    waiting: int | None  # None: the screen counts nothing


@require_safe
@agent_required()
def home(request):
    """The agent's roles, each with its screens and what waits on them; one query per
    counting screen of the agent's roles, whatever the number of items waiting."""
    roles = user_roles(request.user)
    sections = [
        {
            "role": role,
            "label": ROLE_LABELS[role],
            "duties": ROLE_DUTIES[role],
            "links": [
                ScreenLink(screen, screen.count(request.user) if screen.count else None)
                for screen in screens_for(role)
            ],
        }
        for role in Role
        if role in roles
    ]
    return render(request, "backoffice/home.html", {"sections": sections})
