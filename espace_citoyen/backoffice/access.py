"""Who may open a back-office page: agents, each role for its own screens."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from espace_citoyen.accounts.roles import Role, has_role, is_agent


def agent_required(*roles: Role) -> Callable:
    """Decorate a view for agents; with roles, for agents holding one of them.

    Anonymous visitors go to the login page; a logged-in user without the role gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = has_role(request.user, *roles) if roles else is_agent(request.user)
            if not allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
