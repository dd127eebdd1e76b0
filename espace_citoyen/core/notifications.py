"""Mail adapter: render a message from templates, queue it once the transaction commits.

Every e-mail of the product goes through `notify()`: the subject and body are rendered
now (so the queued task carries plain strings), and the task is enqueued only if the
surrounding transaction commits, so nobody gets a mail about something that was rolled
back."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from espace_citoyen.core.site import site_context
from espace_citoyen.core.tasks import send_email


def render_mail(template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """Render `<template>_subject.txt` and `<template>_body.txt` with the site context."""
    full_context = {**site_context(), "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template}_subject.txt", full_context)
    subject = " ".join(subject.split())
    body = render_to_string(f"{template}_body.txt", full_context).strip() + "\n"
    return subject, body


def notify(template: str, *, to: str | Iterable[str], context: Mapping[str, Any]) -> None:
    """Queue the e-mail `template` to `to`, sent once the current transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    subject, body = render_mail(template, context)
    transaction.on_commit(
        lambda: send_email.enqueue(to=recipients, subject=subject, body=body),
        robust=False,
    )
