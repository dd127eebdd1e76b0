"""HEAD is answered wherever GET is (link checkers and calendar apps send it first):
every URL of the product, as an agent holding every role, never gets a 405 on HEAD
when GET is allowed."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role

SKIPPED_PREFIXES = ("admin/", "static/", "media/")
VALUES = {"int": "1", "str": "x", "slug": "x", "path": "x"}


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _urls():
    for route in _routes():
        if route.startswith(SKIPPED_PREFIXES):
            continue
        yield "/" + re.sub(
            r"<(?:(\w+):)?\w+>", lambda match: VALUES.get(match.group(1) or "str", "x"), route
        ).lstrip("^").rstrip("$")


@pytest.mark.django_db
def test_head_is_allowed_wherever_get_is(client):
    agent = UserFactory(email="toutes.les.casquettes@example.org")
    agent.groups.add(*Group.objects.filter(name__in=[role.value for role in Role]))
    client.force_login(agent)
    urls = sorted(set(_urls()))
    assert len(urls) > 50
    refused = [
        url
        for url in urls
        if client.head(url).status_code == 405 and client.get(url).status_code != 405
    ]
    assert not refused, refused
