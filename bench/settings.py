"""Settings of the benchmark server: the real settings, plus a minimal view for the
stack's ceiling (bench/urls.py) and a fast password hasher so that logging 500 families
in does not hide the figure measured (the booking rush). Everything else — middleware,
sessions in the database, PostgreSQL, gunicorn — is the production stack."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False  # 500 logins from one IP address are the benchmark, not an attack
