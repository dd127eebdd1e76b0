"""Settings for the test suite: the real settings, plus what makes tests fast and local.

The database still comes from DATABASE_URL, so the same suite runs on SQLite and on
PostgreSQL."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "t" * 40)

from config.settings import *  # noqa: E402,F403

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# A fast hasher: tests create many users; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_MAILBOX = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")  # noqa: F405
PRIVATE_MEDIA_ROOT = str(BASE_DIR / "var" / "test-private")  # noqa: F405
STORAGES["private"] = {  # noqa: F405
    "BACKEND": "espace_citoyen.core.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: real concurrent connections then
    # wait for the write lock (busy timeout) instead of failing with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-espace-citoyen.sqlite3")}  # noqa: F405
# Online payment through the project's simulated bank, with a fixed key.
PAYMENT_BACKEND = "simulated"
SIMULATED_BANK_ALLOWED = True
SIMULATED_BANK_KEY = "test-simulated-bank-key"
# Direct debit: the DEVELOPMENT encryption key (never for production).
SEPA_ENCRYPTION_KEY = SEPA_DEVELOPMENT_KEY  # noqa: F405
