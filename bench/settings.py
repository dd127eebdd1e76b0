"""Settings of the benchmark server: the production settings, plus a minimal view for the
stack's ceiling (bench/urls.py). The password hasher, the login lockout (django-axes),
the middleware, sessions in the database, PostgreSQL and gunicorn are production's;
only static files skip the manifest (the benchmark does not run collectstatic)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
