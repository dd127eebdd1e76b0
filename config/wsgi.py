"""WSGI entry point for gunicorn: `gunicorn config.wsgi`."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
if settings.SECRET_KEY_MISSING:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
