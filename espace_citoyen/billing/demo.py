"""Demo data of billing: the commune's régie, and the demo parent's last three months
(camille.martin@example.org) billed: canteen days eaten, one absence without and one
with a certificate, one evening without booking; the oldest invoice paid at the desk, the
two others to pay (one of them past its due date when the demo runs late in a month).

Dates are relative to today. Idempotent: the family's months already invoiced are
skipped. A month before the canteen's first grid gets a copy of that grid, so the demo
bills on any day of the year."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from espace_citoyen.accounts.models import User
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    ActivityKind,
    Attendance,
    Booking,
    BookingStatus,
)
from espace_citoyen.billing import rules, services
from espace_citoyen.billing.models import BillingRun, Invoice, PaymentMethod
from espace_citoyen.families.selectors import family_for_user
from espace_citoyen.pricing import services as pricing_services
from espace_citoyen.pricing.models import TariffGrid

CITIZEN_EMAIL = "camille.martin@example.org"
MONTHS = 3


def _months(today: date) -> list[date]:
    month = rules.month_start(today)
    months = []
    for _index in range(MONTHS):
        month = rules.month_start(month - timedelta(days=1))
        months.append(month)
    return sorted(months)


def _grid_cover(activity: Activity, month: date, actor) -> bool:
    """Make sure a grid of `activity` covers `month` (copy the earliest one backwards)."""
    end = rules.month_end(month)
    grids = list(TariffGrid.objects.filter(activity=activity).order_by("valid_from"))
    if not grids:
        return False
    if any(
        g.valid_from <= month and (g.valid_until is None or g.valid_until >= end) for g in grids
    ):
        return True
    first = grids[0]
    if first.valid_from <= month:
        return False
    pricing_services.tariff_grid_create(
        activity=activity,
        kind=first.kind,
        valid_from=month,
        valid_until=first.valid_from - timedelta(days=1),
        brackets=[(b.qf_min, b.qf_max, b.price) for b in first.brackets.order_by("qf_min")],
        effort_rate=first.effort_rate,
        floor_price=first.floor_price,
        ceiling_price=first.ceiling_price,
        non_resident_price=first.non_resident_price,
        pai_price=first.pai_price,
        unbooked_surcharge=first.unbooked_surcharge,
        actor=actor,
    )
    return True


def _book(child, activity, day, *, present=True, justified=False, booked=True) -> None:
    if Attendance.objects.filter(child=child, activity=activity, date=day).exists():
        return
    booking = None
    if booked:
        booking = Booking.objects.filter(
            child=child, activity=activity, date=day, status=BookingStatus.CONFIRMED
        ).first()
        if booking is None:
            counter, _created = ActivityDay.objects.get_or_create(
                activity=activity, date=day, defaults={"capacity": activity.capacity}
            )
            if counter.booked >= counter.capacity:
                return
            ActivityDay.objects.filter(pk=counter.pk).update(booked=F("booked") + 1)
            booking = Booking.objects.create(
                activity=activity,
                date=day,
                child=child,
                family_id=child.family_id,
                status=BookingStatus.CONFIRMED,
                confirmed_at=timezone.now(),
            )
    Attendance.objects.create(
        activity=activity,
        date=day,
        child=child,
        booking=booking,
        present=present,
        justified=justified,
        unbooked=not booked,
    )


def _activity(kind: str) -> Activity | None:
    return Activity.objects.filter(kind=kind, school__isnull=False).order_by("pk").first()


def load() -> list[tuple[str, str]]:
    regie_agent = User.objects.filter(email="agent.regie@example.org").first()
    admin = User.objects.filter(email="admin@example.org").first()
    regie = services.regie_default()
    if not regie.desk_hours:
        regie.desk_hours = "du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 17 h"
        regie.phone = regie.phone or "03 00 00 00 00"
        regie.email = regie.email or "regie@example.org"
        regie.save()
    user = User.objects.filter(email=CITIZEN_EMAIL).first()
    family = family_for_user(user) if user else None
    lunch, evening = _activity(ActivityKind.LUNCH), _activity(ActivityKind.EVENING)
    if family is None or lunch is None:
        return []
    today = timezone.localdate()
    children = list(family.children.order_by("birth_date"))
    for index, month in enumerate(_months(today)):
        if Invoice.objects.filter(family=family, month=month).exists():
            continue
        if not _grid_cover(lunch, month, admin):
            continue
        with_evening = evening is not None and _grid_cover(evening, month, admin)
        days = [
            month + timedelta(days=offset)
            for offset in range((rules.month_end(month) - month).days + 1)
            if (month + timedelta(days=offset)).weekday() in (0, 1, 3, 4)
        ]
        for child_index, child in enumerate(children):
            for day_index, day in enumerate(days):
                if child_index == 0 and day_index == 3:
                    _book(child, lunch, day, present=False)  # absent, no certificate
                elif child_index == 0 and day_index == 6:
                    _book(child, lunch, day, present=False, justified=True)
                else:
                    _book(child, lunch, day)
            if with_evening and child_index == 0:
                _book(child, evening, days[1])
                _book(child, evening, days[2], booked=False)  # present without booking
        issued_on = min(rules.month_end(month) + timedelta(days=3 + index), today)
        run = BillingRun.objects.create(regie=regie, month=month, started_by=regie_agent)
        services.billing_run_execute(run_id=run.pk, today=issued_on)
        if index == 0:
            invoice = Invoice.objects.filter(family=family, month=month).first()
            if invoice is not None and invoice.amount_due > Decimal(0):
                services.payment_record(
                    family=family,
                    invoices=[invoice],
                    amount=invoice.amount_due,
                    method=PaymentMethod.CARD_DESK,
                    reference="TPE 000142",
                    received_on=min(issued_on + timedelta(days=6), today),
                    actor=regie_agent,
                    regie=regie,
                )
    return []
