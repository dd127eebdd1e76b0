"""WSGI entry point for gunicorn: `gunicorn config.wsgi`."""

import os
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
if settings.SECRET_KEY_MISSING:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# Each process loads the official calendars as it starts, not on a family's first page.
from espace_citoyen.activities.rules import warm_up  # noqa: E402 (after Django's setup)

warm_up(date.today())
