"""Settings of the billing benchmark: the real settings; tasks are queued nowhere (the
« facture disponible » e-mails are background work, not the run being measured)."""

from config.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
