"""The cached booking windows (selectors.booking_window) are forgotten as soon as what
they hold changes: an activity, its holiday closings, a calendar exception (one for
every activity forgets them all)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from espace_citoyen.activities import selectors
from espace_citoyen.activities.models import Activity, CalendarException, HolidayClosing


@receiver(post_save, sender=Activity, dispatch_uid="activities.window.activity_saved")
@receiver(post_delete, sender=Activity, dispatch_uid="activities.window.activity_deleted")
def forget_activity_window(sender, instance: Activity, **kwargs) -> None:
    selectors.booking_window_clear([instance.pk])


@receiver(post_save, sender=HolidayClosing, dispatch_uid="activities.window.closing_saved")
@receiver(post_delete, sender=HolidayClosing, dispatch_uid="activities.window.closing_deleted")
@receiver(post_save, sender=CalendarException, dispatch_uid="activities.window.exception_saved")
@receiver(post_delete, sender=CalendarException, dispatch_uid="activities.window.exception_deleted")
def forget_windows(sender, instance, **kwargs) -> None:
    activity_id = instance.activity_id
    selectors.booking_window_clear(None if activity_id is None else [activity_id])
