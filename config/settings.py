"""Espace Citoyen settings: everything that differs between machines comes from the
environment, read here and nowhere else (see .env.example and docs/configuration.md)."""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
# Without DEBUG a real key is required: the system checks (run by migrate, check,
# runserver) and the WSGI entry point refuse to go on without one. Commands that need no
# secret (makemigrations) still run, with a throw-away key.
SECRET_KEY_MISSING = not SECRET_KEY and not DEBUG
if not SECRET_KEY:
    SECRET_KEY = (
        "insecure-development-key-only-for-debug-" + "x" * 24  # noqa: S105
        if DEBUG
        else get_random_secret_key()
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or (
    [SITE_URL] if SITE_URL.startswith("https://") else []
)

INSTALLED_APPS = [
    "espace_citoyen.backoffice.admin_config.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.forms",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "espace_citoyen.core",
    "espace_citoyen.accounts",
    "espace_citoyen.audit",
    "espace_citoyen.portal",
    "espace_citoyen.demarches",
    "espace_citoyen.families",
    "espace_citoyen.schooling",
    "espace_citoyen.activities",
    "espace_citoyen.allocation",
    "espace_citoyen.pricing",
    "espace_citoyen.billing",
    "espace_citoyen.payments",
    "espace_citoyen.sepa",
    "espace_citoyen.backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "espace_citoyen.core.middleware.RejectNulBytesMiddleware",
    # Django's, the account read with the session (accounts.sessions).
    "espace_citoyen.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "espace_citoyen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "espace_citoyen.portal.context_processors.portal",
            ],
            # `{% url %}` reversing each address once per process (core/templatetags).
            "builtins": ["espace_citoyen.core.templatetags.cached_urls"],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL, or an SQLite file under var/ for a zero-setup first run.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'espace_citoyen.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock up front, so a conditional
    # update never races another writer; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif env_bool("DATABASE_PREPARED", default=True):
    # PostgreSQL: parameters bound by the server, and a statement run often on the same
    # connection (DATABASE_CONN_MAX_AGE) prepared once, so PostgreSQL stops parsing and
    # planning it on every request (docs/benchmarks.md: a page's PostgreSQL CPU divided by
    # 2 to 5). DATABASE_PREPARED=0 behind a pooler in transaction mode (docs/deploy.md).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": env_int("DATABASE_PREPARE_THRESHOLD", 5),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, its user read on each request without building a query.
    "espace_citoyen.accounts.backends.UserBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
# ANSSI / CNIL délibération 2022-100: long passwords, common ones refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a "Mot de passe oublié ?" link lasts 24 hours
ACCOUNT_LINK_MAX_AGE = timedelta(hours=48)  # the sign-up link lasts 48 hours

# django-axes: 5 failures per address and IP, then 15 minutes of lockout.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "espace_citoyen.accounts.views.axes_username"
AXES_LOCKOUT_CALLABLE = "espace_citoyen.accounts.views.lockout"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_VERBOSE = False

# Django's database sessions (shared by every web machine), read without building a query.
SESSION_ENGINE = "espace_citoyen.accounts.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 8

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT") or str(VAR_DIR / "static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(VAR_DIR / "media")
PRIVATE_MEDIA_ROOT = env_str("PRIVATE_MEDIA_ROOT") or str(VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Families' documents: no public URL, served only through access-checked views.
    "private": {
        "BACKEND": "espace_citoyen.core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Cache (the commune, the catalogue): CACHE_URL=redis://host:6379/0 shares one Redis (or
# Valkey) between every web process and machine; empty, each process keeps its own.
CACHE_URL = env_str("CACHE_URL")
CACHE_URL_SCHEMES = {"redis", "rediss", "unix"}


def cache_url_problem(url: str) -> str:
    """Why `url` (one address, or a primary and its replicas separated by commas) is not
    a cache address Django's Redis backend can use; empty when it is. The message never
    repeats the address: it may hold the cache's password."""
    for location in url.split(","):
        parts = urlsplit(location.strip())
        if parts.scheme not in CACHE_URL_SCHEMES:
            return (
                "CACHE_URL: each address must begin with redis://, rediss:// or "
                "unix:// (for instance redis://127.0.0.1:6379/1); leave it empty to keep "
                "the cache in each process's memory."
            )
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number)
        except ValueError:
            return "CACHE_URL: the port must be a number (redis://host:6379/1)."
        if parts.scheme != "unix" and not parts.hostname:
            return "CACHE_URL: an address names no host (redis://host:6379/1)."
    return ""


if CACHE_URL and (problem := cache_url_problem(CACHE_URL)):
    raise ImproperlyConfigured(problem)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The layout's header, navigation and footer, rendered once per process for each commune
# version and kind of user (templates/base.html): each entry is a pure function of its
# key, so this memory holds nothing another process or machine would need.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# Mail: SMTP when EMAIL_HOST is set; otherwise, in DEBUG, the demo mailbox keeps every
# message readable at /demo/courriels/ so the journey works offline.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Espace Citoyen <ne-pas-repondre@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
DEMO_MAILBOX = DEBUG and not EMAIL_HOST
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEMO_MAILBOX:
    EMAIL_BACKEND = "espace_citoyen.core.mailbox.MailboxBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Background work through Django's tasks API. No setting: tasks run at once, in the
# request. TASK_BACKEND=database: a queue in the database, run by `manage.py db_worker`.
if env_str("TASK_BACKEND") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Security headers. Cookies are secure and HTTP goes to HTTPS unless DEBUG.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    }
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Product rules that a commune may set differently (domain.md gives the defaults).
ACTIVATION_CODE_VALIDITY_DAYS = 90
ACTIVATION_CODE_MAX_TRIES = 5
ACTIVATION_CODE_LOCK = timedelta(hours=1)
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# A medical certificate received within this delay after the day of absence justifies it.
ACTIVITIES_CERTIFICATE_DELAY_HOURS = env_int("ACTIVITIES_CERTIFICATE_DELAY_HOURS", 72)
# Opening days: the holiday week's booking is recorded at once and decided in arrival
# order by the worker `manage.py booking_queue`, which must then run (docs/deploy.md).
BOOKING_QUEUE = env_bool("BOOKING_QUEUE", default=False)

# API Particulier (quotient familial CAF/MSA): the option appears only with a token.
API_PARTICULIER_TOKEN = env_str("API_PARTICULIER_TOKEN")
API_PARTICULIER_URL = env_str("API_PARTICULIER_URL", "https://particulier.api.gouv.fr").rstrip("/")
API_PARTICULIER_TIMEOUT = env_int("API_PARTICULIER_TIMEOUT", 10)
# The commune's SIRET, sent as `recipient` (the API's v3 asks who the data is for).
API_PARTICULIER_RECIPIENT = env_str("API_PARTICULIER_RECIPIENT")

# Online payment (docs/payments.md). PAYMENT_BACKEND: "payfip_ws" (PayFiP, a commune's
# production), another eopayment backend the portal can verify, or "simulated" (the
# project's simulated bank: the demo and the tests only). Empty: online payment is off.
PAYMENT_BACKEND = env_str("PAYMENT_BACKEND", "simulated" if DEBUG else "")
# The backend's options as a JSON object (eopayment's parameter names), e.g. a secret key.
PAYMENT_OPTIONS = json.loads(env_str("PAYMENT_OPTIONS") or "{}")
PAYFIP_NUMCLI = env_str("PAYFIP_NUMCLI")  # the régie's 6-digit client number (DGFiP)
PAYFIP_SAISIE = env_str("PAYFIP_SAISIE", "T")  # T test, X activation, W production
# HMAC key of the simulated bank's signatures (default: derived from SECRET_KEY).
SIMULATED_BANK_KEY = env_str("SIMULATED_BANK_KEY")
# The simulated bank accepts payments without money: it works only with DEBUG on (and in
# the tests), never from the environment of a production site.
SIMULATED_BANK_ALLOWED = DEBUG
# Where the browser is sent to pay: the form that starts a payment redirects there, so the
# Content-Security-Policy's form-action must allow it (PayFiP's by default).
PAYMENT_SERVICE_ORIGINS = env_list(
    "PAYMENT_SERVICE_ORIGINS",
    "https://www.payfip.gouv.fr" if PAYMENT_BACKEND == "payfip_ws" else "",
)
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += PAYMENT_SERVICE_ORIGINS
# A payment still waiting for the bank's word is asked again after this delay, where the
# backend can be asked (PayFiP); without an answer after PAYMENT_PENDING_MAX_HOURS it is
# closed as abandoned (a later verified notification still records it).
PAYMENT_CHECK_AFTER_MINUTES = env_int("PAYMENT_CHECK_AFTER_MINUTES", 20)
PAYMENT_PENDING_MAX_HOURS = env_int("PAYMENT_PENDING_MAX_HOURS", 48)

# SEPA direct debit (docs/sepa.md). IBANs are encrypted at rest with SEPA_ENCRYPTION_KEY
# (a Fernet key); the app refuses to start without one while SEPA_ENABLED. DEBUG falls
# back to a DEVELOPMENT key written here, never for production (a deploy check says so).
SEPA_ENABLED = env_bool("SEPA_ENABLED", True)
SEPA_DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk="
SEPA_ENCRYPTION_KEY = env_str("SEPA_ENCRYPTION_KEY", SEPA_DEVELOPMENT_KEY if DEBUG else "")
# The pain.008 version the commune's bank asks for: pain.008.001.02 or pain.008.001.08.
SEPA_PAIN_VERSION = env_str("SEPA_PAIN_VERSION", "pain.008.001.02")
