"""Enrolments: the démarche per child, activity and school year, and its weekly
template of bookings."""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.activities import rules, selectors
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    ActivityKind,
    Booking,
    BookingStatus,
    Enrolment,
    EnrolmentStatus,
)
from espace_citoyen.activities.services._common import _lock_child
from espace_citoyen.activities.services.bookings import _cancel
from espace_citoyen.activities.services.capacity import (
    _ensure_days,
    _lock_days,
    _next_position,
    _take_place,
)
from espace_citoyen.core import dates
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.models import Child, Document, DocumentKind, DocumentStatus, Family

DEMARCHE_ENROLMENT = "activites_inscription"


def _title(activity: Activity) -> str:
    return _("Inscription « %(activity)s » %(year)s") % {
        "activity": activity.name,
        "year": activity.school_year.label,
    }


def _pai_missing(child: Child) -> bool:
    if not child.has_pai:
        return False
    return not Document.objects.filter(
        child=child, kind=DocumentKind.PAI, status=DocumentStatus.ACCEPTED
    ).exists()


def _check_weekdays(activity: Activity, weekdays: list[int]) -> list[int]:
    if not activity.uses_weekly_template:
        return []
    allowed = rules.weekdays_for(activity.kind, activity.weekdays)
    chosen = sorted({int(day) for day in weekdays})
    if not chosen:
        raise ApplicationError(
            _("Choisissez au moins un jour dans la semaine type."), field="weekdays"
        )
    if any(day not in allowed for day in chosen):
        raise ApplicationError(
            _("L'activité a lieu uniquement les jours suivants : %(days)s.")
            % {"days": ", ".join(dates.weekday_name(day) for day in allowed)},
            field="weekdays",
        )
    return chosen


def eligibility_problem(child: Child, activity: Activity) -> str | None:
    from espace_citoyen.schooling.rules import expected_level

    rentree = activity.school_year.start_date
    return rules.eligibility_problem(
        birth_date=child.birth_date,
        level=expected_level(child.birth_date.year, rentree.year),
        levels=activity.eligible_levels,
        min_age=activity.min_age,
        max_age=activity.max_age,
        on=rentree,
    )


@transaction.atomic
def enrolment_request(
    *, family: Family, child: Child, activity: Activity, weekdays: list[int], actor
) -> Enrolment:
    """Enrol a child in an activity for its school year (a démarche). Accepted at once
    when the commune's rules allow it (card validated, no PAI document missing for the
    canteen, and made in the campaign window or with places left); otherwise it waits
    for the périscolaire service. Accepting generates the bookings of the weekly
    template for every operating day."""
    if child.family_id != family.pk:
        raise ApplicationError(_("Cet enfant n'appartient pas à votre carte famille."))
    if not activity.active:
        raise ApplicationError(_("Les inscriptions à cette activité sont fermées."))
    child = _lock_child(child)
    problem = eligibility_problem(child, activity)
    if problem:
        raise ApplicationError(problem, field="activity")
    if Enrolment.objects.filter(
        child=child,
        activity=activity,
        status__in=[EnrolmentStatus.PENDING, EnrolmentStatus.ACCEPTED],
    ).exists():
        raise ApplicationError(
            _("%(child)s est déjà inscrit(e) (ou en attente) à « %(activity)s ».")
            % {"child": child.first_name, "activity": activity.name},
            field="activity",
        )
    chosen = _check_weekdays(activity, weekdays)
    today = timezone.localdate()
    in_campaign = rules.in_window(today, activity.campaign_start, activity.campaign_end)
    reasons = []
    if not family.is_validated:
        reasons.append(_("votre carte famille n'est pas encore validée par le guichet"))
    if activity.kind == ActivityKind.LUNCH and _pai_missing(child):
        reasons.append(
            _("le document du projet d'accueil individualisé (PAI) n'est pas encore validé")
        )
    if chosen and not in_campaign and not reasons:
        # Only a weekly template books days now; without one, the family books days
        # later and a full day then offers the waitlist.
        days = selectors.bookable_days(activity, start=today, weekdays=chosen)
        if ActivityDay.objects.filter(
            activity=activity, date__in=days, booked__gte=F("capacity")
        ).exists():
            reasons.append(_("certains jours demandés sont complets"))
    waiting = ""
    if reasons:
        waiting = _("Votre demande sera examinée par le service périscolaire : %(reasons)s.") % {
            "reasons": " ; ".join(reasons)
        }
    demarche = demarches.demarche_submit(
        type_key=DEMARCHE_ENROLMENT,
        owner=family,
        submitted_by=actor,
        title=_title(activity),
        child_name=child.full_name,
        child_birth_date=child.birth_date,
        place=activity.place,
        message=waiting,
    )
    enrolment = Enrolment(
        demarche=demarche,
        family=family,
        child=child,
        activity=activity,
        weekdays=chosen,
        in_campaign=in_campaign,
        waiting_reason=waiting[:300],
    )
    enrolment.full_clean()
    enrolment.save()
    if not reasons:
        demarches.demarche_accept(
            demarche=demarche,
            agent=None,
            message=_(
                "Inscription acceptée automatiquement : les réservations de votre semaine "
                "type sont faites pour toute l'année scolaire."
            )
            if chosen
            else _("Inscription acceptée automatiquement : vous pouvez réserver les jours."),
        )
        enrolment.refresh_from_db()
    return enrolment


def _apply_template(enrolment: Enrolment, *, start: date, weekdays: list[int], actor) -> int:
    """Book (or waitlist) every bookable operating day from `start` on the template's
    weekdays; returns how many days were added."""
    if not weekdays:
        return 0
    activity = enrolment.activity
    days = selectors.bookable_days(activity, start=start, weekdays=weekdays)
    existing = set(
        Booking.objects.filter(
            child_id=enrolment.child_id,
            activity=activity,
            date__in=days,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        ).values_list("date", flat=True)
    )
    _ensure_days(activity, [day for day in days if day not in existing])
    now = timezone.now()
    bookings = []
    for day in days:
        if day in existing:
            continue
        booking = Booking(
            activity=activity,
            date=day,
            child_id=enrolment.child_id,
            family_id=enrolment.family_id,
            enrolment=enrolment,
            from_template=True,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if _take_place(activity, day):
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
        else:
            booking.status = BookingStatus.WAITLISTED
            booking.waitlist_position = _next_position(activity, day)
        bookings.append(booking)
    Booking.objects.bulk_create(bookings)
    return len(bookings)


def enrolment_accept(*, demarche: Demarche, actor) -> None:
    """Hook of the enrolment démarche: accepting it generates the bookings."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("activity__school_year", "child")
        .get(demarche=demarche)
    )
    _lock_child(enrolment.child)  # the family's own bookings wait for the template's
    enrolment.status = EnrolmentStatus.ACCEPTED
    enrolment.weekdays_from = timezone.localdate()
    enrolment.save(update_fields=["status", "weekdays_from"])
    _apply_template(enrolment, start=timezone.localdate(), weekdays=enrolment.weekdays, actor=actor)


def enrolment_refuse(*, demarche: Demarche, actor) -> None:
    Enrolment.objects.filter(demarche=demarche).update(status=EnrolmentStatus.REFUSED)


def enrolment_cancel(*, demarche: Demarche, actor) -> None:
    Enrolment.objects.filter(demarche=demarche).update(status=EnrolmentStatus.CANCELLED)


@transaction.atomic
def enrolment_template_change(
    *, enrolment: Enrolment, weekdays: list[int], start: date, actor
) -> tuple[int, int]:
    """Change the weekly template from a date on: days of the weekdays dropped are
    cancelled (their places go to the waitlist), days of the weekdays added are booked;
    the weekdays kept do not change. Days whose deadline has passed do not change.
    Returns (added, cancelled)."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("activity__school_year", "child")
        .get(pk=enrolment.pk)
    )
    activity = enrolment.activity
    if enrolment.status != EnrolmentStatus.ACCEPTED:
        raise ApplicationError(_("Cette inscription n'est pas (encore) acceptée."))
    if not activity.uses_weekly_template:
        raise ApplicationError(_("Cette activité n'a pas de semaine type : réservez les jours."))
    chosen = sorted({int(day) for day in weekdays})
    allowed = rules.weekdays_for(activity.kind, activity.weekdays)
    if any(day not in allowed for day in chosen):
        raise ApplicationError(
            _("L'activité a lieu uniquement les jours suivants : %(days)s.")
            % {"days": ", ".join(dates.weekday_name(day) for day in allowed)},
            field="weekdays",
        )
    first = selectors.first_unlocked_day(activity)
    if first is None:
        raise ApplicationError(_("Il n'y a plus de jour modifiable cette année scolaire."))
    if start < first:
        raise ApplicationError(
            _(
                "Les jours avant le %(first)s ne peuvent plus être modifiés (délai de "
                "réservation) : choisissez une date à partir de celle-ci."
            )
            % {"first": rules.day_label(first)},
            field="start",
        )
    _lock_child(enrolment.child)
    bookable = set(selectors.bookable_days(activity, start=start))
    if not bookable:
        raise ApplicationError(
            _(
                "L'activité n'a plus de jour à réserver à partir du %(day)s : choisissez "
                "une date plus proche."
            )
            % {"day": rules.day_label(start)},
            field="start",
        )
    live = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(
            child_id=enrolment.child_id,
            activity=activity,
            date__gte=start,
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        )
        .select_related("activity")
        .order_by("date")
    )
    removed = [
        booking
        for booking in live
        if booking.from_template
        and booking.date.weekday() not in chosen
        and booking.date in bookable
    ]
    # Only the weekdays the template gains are booked: a day of a weekday kept that the
    # family cancelled (an outing, a holiday) stays cancelled.
    gained = [day for day in chosen if day not in enrolment.weekdays]
    booked = {booking.date for booking in live}
    to_add = [day for day in bookable if day.weekday() in gained and day not in booked]
    _lock_days(activity, sorted({booking.date for booking in removed} | set(to_add)))
    for booking in removed:
        _cancel(booking, actor=actor, reason=_("Semaine type modifiée"))
    added = _apply_template(enrolment, start=start, weekdays=gained, actor=actor)
    enrolment.weekdays = chosen
    enrolment.weekdays_from = start
    enrolment.save(update_fields=["weekdays", "weekdays_from"])
    return added, len(removed)
