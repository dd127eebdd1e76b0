"""The site's URLs plus /bench/ping/, the smallest Django view: its figure is the
ceiling of this stack on this machine (same server, same middleware)."""

from django.http import HttpResponse
from django.urls import include, path


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ping/", ping),
    path("", include("config.urls")),
]
