"""The child's private iCal feed address."""

import secrets

from django.db import transaction
from django.utils import timezone

from espace_citoyen.activities.models import CalendarFeed
from espace_citoyen.families.models import Child


@transaction.atomic
def calendar_feed_renew(*, child: Child) -> CalendarFeed:
    """A new private feed address for the child; the former one stops working."""
    CalendarFeed.objects.filter(child=child, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return CalendarFeed.objects.create(child=child, token=secrets.token_urlsafe(32))


@transaction.atomic
def calendar_feed_revoke(*, child: Child) -> int:
    """Stop the child's feed address without making a new one."""
    return CalendarFeed.objects.filter(child=child, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
