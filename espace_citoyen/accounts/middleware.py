"""Django's AuthenticationMiddleware, with the account read with the session handed to
the backend (accounts.sessions, accounts.backends.prefetched_user): one statement for
both on every page. `request.user` is Django's own `get_user`, with all its checks."""

from django.contrib import auth
from django.contrib.auth import middleware
from django.utils.functional import SimpleLazyObject

from espace_citoyen.accounts.backends import prefetched_user


def get_user(request):
    if not hasattr(request, "_cached_user"):
        with prefetched_user(request.session):
            request._cached_user = auth.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
