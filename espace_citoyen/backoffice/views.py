from django.shortcuts import render
from django.views.decorators.http import require_safe

from espace_citoyen.accounts.roles import ROLE_LABELS, Role, user_roles
from espace_citoyen.backoffice.access import agent_required
from espace_citoyen.backoffice.registry import ROLE_DUTIES, screens_for


@require_safe
@agent_required()
def home(request):
    roles = user_roles(request.user)
    sections = [
        {
            "role": role,
            "label": ROLE_LABELS[role],
            "duties": ROLE_DUTIES[role],
            "screens": screens_for(role),
        }
        for role in Role
        if role in roles
    ]
    return render(request, "backoffice/home.html", {"sections": sections})
