"""No page answers 500, whatever it is sent: every URL of the product, for visitors,
parents and each agent role, with GET, an empty POST, a POST of nonsense and a POST of
values longer than their columns, on the demo commune (on SQLite and on PostgreSQL). Bad input must get a French message, never a server error."""

import logging
import re
from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from espace_citoyen.accounts.models import User
from tests.test_form_lengths import _project_forms

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
SKIPPED_PREFIXES = ("admin/", "demo/", "static/", "media/")
SKIPPED_NAMES = {"accounts:logout"}
VALUES = {
    "int": ["1", "2", "7", "999999"],
    "str": ["D-2026-000001", "F-000001", "x", "nul%00"],
    "slug": ["adresse", "inconnu"],
    "path": ["x"],
}
NONSENSE = {
    "q": "' OR 1=1 --",
    "action": "???",
    "code": "<script>",
    "date": "2026-02-31",
    "day": "31/31/2026",
    "mois": "2026-13",
    "month": "99",
    "qf": "-12,5e9",
    "capacity": "-1",
    "text": "x" * 5000,
    "email": "pas une adresse",
    "child": "abc",
    "activity": "999999",
    "school": "abc",
    "decision": "peut-être",
}

# Long values (PostgreSQL refuses a value longer than its column where SQLite stores it):
# every field of every form of the project, longer than any column they fill (400
# characters), and e-mails that look valid but are longer than any e-mail column.
LONG_EMAIL = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".fr"


def _long_values() -> dict[str, str]:
    values = {}
    for form in _project_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.EmailField):
                values[name] = LONG_EMAIL
            elif isinstance(field, forms.CharField):
                values[name] = "x" * 400
            else:
                values.setdefault(name, "1" * 400)
    # The prefixed forms of the desk's creation page and the online wizard.
    for prefix in ("r1-", "r2-", "adresse-", "enfants-0-", "sante-0-"):
        for name in ("last_name", "first_name", "email", "address_line1", "city", "allergies"):
            values[prefix + name] = values[name]
    return values


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry.pattern


def _urls():
    for route, name, _pattern in _patterns():
        if route.startswith(SKIPPED_PREFIXES) or name in SKIPPED_NAMES:
            continue
        converters = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if not converters:
            yield name, "/" + route
            continue
        # One URL per value of the first converter, the others at their first value.
        first_kind = converters[0][0] or "str"
        for value in VALUES.get(first_kind, ["x"]):
            url, used = route, False
            for kind, param in converters:
                kind = kind or "str"
                replacement = value if not used else VALUES.get(kind, ["x"])[0]
                used = True
                url = re.sub(rf"<(?:{kind}:)?{param}>", replacement, url, count=1)
            yield name, "/" + url


PEOPLE = [
    None,
    "camille.martin@example.org",
    "sacha.petit@example.org",
    "agent.guichet@example.org",
    "agent.scolaire@example.org",
    "agent.periscolaire@example.org",
    "agent.regie@example.org",
]


@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_url_answers_500():
    # Django logs every 4xx answer with its request, and pytest keeps each log record
    # until the test ends: thousands of requests with long bodies would fill the memory
    # (gigabytes). Warnings are silenced; server errors (500) are still logged.
    logging.disable(logging.WARNING)
    try:
        _run()
    finally:
        logging.disable(logging.NOTSET)


def _run():
    with time_machine.travel(NOW, tick=False):
        call_command("demo", stdout=StringIO())
        urls = sorted(set(_urls()))
        assert len(urls) > 80
        failures = []
        answered = Counter()
        long_values = _long_values()
        for who in PEOPLE:
            client = Client(raise_request_exception=False)
            if who:
                client.force_login(User.objects.get(email=who))
            for name, url in urls:
                for method, data in (
                    ("get", {}),
                    ("post", {}),
                    ("post", NONSENSE),
                    ("get", NONSENSE),
                    ("post", long_values),
                ):
                    response = getattr(client, method)(url, data)
                    answered[response.status_code] += 1
                    if response.status_code >= 500:
                        failures.append(
                            f"{who or 'visiteur'}: {method.upper()} {url} ({name})"
                            f"{' long' if data is long_values else ' nonsense' if data else ''} -> {response.status_code}"
                        )
    assert not failures, "\n".join(failures)
    # The pages were really reached, not only redirected: hundreds of them answered.
    assert answered[200] > 500, answered
