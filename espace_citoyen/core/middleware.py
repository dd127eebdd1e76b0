"""Request hygiene shared by every page."""

from django.shortcuts import render


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


class RejectNulBytesMiddleware:
    """A NUL character has no place in an address, a form or a URL, and PostgreSQL cannot
    store or compare it: such a request gets « Requête incorrecte » (400), never a 500.
    (Django's form fields already refuse it; this covers URLs, query strings and values
    that reach the database before any form.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(
            value for values in request.GET.lists() for value in [values[0], *values[1]]
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and _has_nul(
            value for values in request.POST.lists() for value in [values[0], *values[1]]
        ):
            return render(request, "400.html", status=400)
        return None
