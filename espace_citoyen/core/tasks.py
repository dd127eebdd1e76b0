"""Background tasks of the socle: sending mail."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str, reply_to: list[str] | None = None) -> int:
    """Send one plain-text e-mail through the configured backend (SMTP in production)."""
    message = EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to or None)
    return message.send()
