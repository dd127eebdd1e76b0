import os
import socket
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from espace_citoyen.core.notifications import notify

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


def _settings_value(name: str, **env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"EMAIL_HOST", "TASK_BACKEND"}}
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_mail_goes_through_smtp_when_email_host_is_set():
    backend = _settings_value("EMAIL_BACKEND", DEBUG="1", EMAIL_HOST="smtp.example.org")
    assert backend == "django.core.mail.backends.smtp.EmailBackend"


def test_mail_is_kept_in_the_demo_mailbox_in_debug_without_email_host():
    assert (
        _settings_value("EMAIL_BACKEND", DEBUG="1") == "espace_citoyen.core.mailbox.MailboxBackend"
    )


def test_no_demo_mailbox_with_debug_off():
    """Production settings (DEBUG off, no SMTP server named) never keep mail in the demo
    mailbox, whose page shows everyone's mail."""
    assert _settings_value("DEMO_MAILBOX", DEBUG="0") == "False"
    assert (
        _settings_value("EMAIL_BACKEND", DEBUG="0") != "espace_citoyen.core.mailbox.MailboxBackend"
    )


def test_production_settings_name_a_database_queue():
    backend = _settings_value("TASKS['default']['BACKEND']", DEBUG="1", TASK_BACKEND="database")
    assert backend == "django_tasks_db.DatabaseBackend"
    assert "ImmediateBackend" in _settings_value("TASKS['default']['BACKEND']", DEBUG="1")


def test_notify_sends_through_a_real_smtp_server(settings, django_capture_on_commit_callbacks):
    """With SMTP settings, a notification reaches the SMTP server once the transaction commits."""
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                notify(
                    "accounts/mail/password_reset",
                    to="lea@example.org",
                    context={
                        "user": {"formal_name": "Madame Léa Durand", "email": "lea@example.org"},
                        "link": "http://x/l/",
                    },
                )
                assert received == []  # nothing leaves before the commit
    finally:
        controller.stop()
    assert len(received) == 1
    assert received[0]["To"] == "lea@example.org"
    assert "Bonjour Madame Léa Durand" in received[0].get_content()


def test_nothing_is_sent_when_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify("accounts/mail/password_reset", to="x@example.org", context={"link": "l"})
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert mailoutbox == []


@pytest.mark.transactional
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_with_the_database_queue_the_worker_sends_the_mail(
    mailoutbox, django_capture_on_commit_callbacks
):
    """TASK_BACKEND=database: the mail waits in the queue until `db_worker` runs."""
    with transaction.atomic():
        notify("accounts/mail/password_reset", to="queue@example.org", context={"link": "l"})
    assert mailoutbox == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m.to for m in mailoutbox] == [["queue@example.org"]]
