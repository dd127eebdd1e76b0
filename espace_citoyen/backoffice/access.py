"""Who may open a back-office page: agents, each role for its own screens."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, resolve, reverse

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

        # Read by may_open(); functools.wraps carries it through the outer decorators.
        wrapper.agent_roles = roles
        return wrapper

    return decorator


def may_open(user, url_name: str, *args) -> bool:
    """Whether `user` may open the back-office page `url_name`, by the roles its view
    asks for: a view offers a link only to the agents it would not answer 403."""
    try:
        view = resolve(reverse(url_name, args=args)).func
    except NoReverseMatch:
        return False
    roles = getattr(view, "agent_roles", None)
    if roles is None:
        return True
    return has_role(user, *roles) if roles else is_agent(user)
