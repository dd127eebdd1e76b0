"""E-mail backend of the demo mailbox: keeps messages in the database so that the
whole journey (sign-up link, notifications) works offline in `make run`."""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from espace_citoyen.core.models import DemoMail


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        for message in email_messages:
            DemoMail.objects.create(
                from_email=message.from_email,
                to=", ".join(message.to),
                subject=message.subject,
                body=message.body,
            )
        return len(email_messages)
