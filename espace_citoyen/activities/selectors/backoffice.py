"""Reads of the agents' screens: activities, days, registers, absences, kitchen
forecast, waitlists."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from espace_citoyen.activities import rules
from espace_citoyen.activities.models import (
    Activity,
    ActivityDay,
    ActivityKind,
    Attendance,
    Booking,
    BookingStatus,
    CalendarException,
    Enrolment,
    EnrolmentStatus,
)
from espace_citoyen.activities.selectors.calendar import (
    activity_range,
    calendar_for,
    exceptions_between,
)
from espace_citoyen.activities.selectors.family import _waitlist_rank
from espace_citoyen.families.models import Document, DocumentKind

# --- back-office -----------------------------------------------------------------------------


def activities_for_year(today: date) -> list[Activity]:
    return list(
        Activity.objects.filter(school_year__end_date__gte=today)
        .select_related("school_year", "school")
        .order_by("school_year__start_date", "school__name", "place_name", "kind")
    )


def activity_get(pk: int) -> Activity | None:
    return Activity.objects.filter(pk=pk).select_related("school_year", "school").first()


def activity_fill(activity: Activity, *, start: date, days: int = 28) -> list[dict]:
    """Operating days from `start` with places taken, capacity and waiting families."""
    end = start + timedelta(days=days - 1)
    calendar = calendar_for(activity, exceptions_between([activity], start, end))
    counters = {
        row.date: row
        for row in ActivityDay.objects.filter(activity=activity, date__range=(start, end))
    }
    waiting = dict(
        Booking.objects.filter(
            activity=activity, date__range=(start, end), status=BookingStatus.WAITLISTED
        )
        .values_list("date")
        .annotate(n=Count("id"))
        .values_list("date", "n")
    )
    lines = []
    day = start
    while day <= end:
        if rules.closed_reason(day, calendar) is None:
            counter = counters.get(day)
            capacity = counter.capacity if counter else activity.capacity
            booked = counter.booked if counter else 0
            lines.append(
                {
                    "day": day,
                    "label": rules.day_label(day),
                    "capacity": capacity,
                    "booked": booked,
                    "free": max(capacity - booked, 0),
                    "waiting": waiting.get(day, 0),
                }
            )
        day += timedelta(days=1)
    return lines


def calendar_exceptions(*, since: date) -> list[CalendarException]:
    """Closures and openings from `since` on, by date."""
    return list(
        CalendarException.objects.filter(date__gte=since)
        .select_related("activity")
        .order_by("date", "id")
    )


def places() -> list[tuple[str, str]]:
    """The places where activities run: (key, label); key is "ecole-<id>" or "lieu-<name>"."""
    seen = {}
    for school_id, school_name, place_name in (
        Activity.objects.filter(active=True)
        .values_list("school_id", "school__name", "place_name")
        .distinct()
    ):
        if school_id:
            seen[f"ecole-{school_id}"] = school_name
        elif place_name:
            seen[f"lieu-{place_name}"] = place_name
    return sorted(seen.items(), key=lambda pair: pair[1])


def activities_at(place_key: str, day: date) -> list[Activity]:
    queryset = Activity.objects.filter(
        active=True,
        school_year__start_date__lte=day,
        school_year__end_date__gte=day - timedelta(days=62),
    ).select_related("school_year", "school")
    if place_key.startswith("ecole-") and place_key[6:].isdigit() and len(place_key) < 25:
        queryset = queryset.filter(school_id=int(place_key[6:]))
    elif place_key.startswith("lieu-"):
        queryset = queryset.filter(school__isnull=True, place_name=place_key[5:])
    else:
        return []
    activities = []
    for activity in queryset.order_by("kind", "name"):
        start, end = activity_range(activity)
        if start <= day <= end:
            activities.append(activity)
    return activities


@dataclass
class RegisterLine:
    child: object
    booking: Booking | None
    attendance: Attendance | None

    @property
    def present(self) -> bool | None:
        return None if self.attendance is None else self.attendance.present


def register(activity: Activity, day: date) -> dict:
    """The register (pointage) of an activity day: booked children, their marks, the
    children present without booking, and the enrolled children one may add. Four
    queries, whatever the number of children."""
    bookings = list(
        Booking.objects.filter(activity=activity, date=day, status=BookingStatus.CONFIRMED)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "child_id")
    )
    attendances = {
        attendance.child_id: attendance
        for attendance in Attendance.objects.filter(activity=activity, date=day).select_related(
            "child"
        )
    }
    booked_ids = {booking.child_id for booking in bookings}
    lines = [
        RegisterLine(
            child=booking.child, booking=booking, attendance=attendances.get(booking.child_id)
        )
        for booking in bookings
    ]
    unbooked = [
        RegisterLine(child=attendance.child, booking=None, attendance=attendance)
        for attendance in attendances.values()
        if attendance.child_id not in booked_ids
    ]
    unbooked.sort(key=lambda line: (line.child.last_name, line.child.first_name))
    listed = booked_ids | {line.child.pk for line in unbooked}
    candidates = [
        enrolment.child
        for enrolment in Enrolment.objects.filter(
            activity=activity, status=EnrolmentStatus.ACCEPTED
        )
        .select_related("child")
        .order_by("child__last_name", "child__first_name")
        if enrolment.child_id not in listed
    ]
    return {
        "lines": lines,
        "unbooked": unbooked,
        "candidates": candidates,
        "present": sum(1 for line in lines + unbooked if line.present),
        "absent": sum(1 for line in lines if line.present is False),
        "unmarked": sum(1 for line in lines if line.present is None),
    }


def absences_to_justify(*, since: date) -> list[dict]:
    """Unjustified absences of booked children since `since`, each with the medical
    certificates the family sent for that child (to pick one). Two queries."""
    absences = list(
        Attendance.objects.filter(
            present=False, justified=False, date__gte=since, booking__isnull=False
        )
        .select_related("child", "activity")
        .order_by("-date", "child__last_name")
    )
    child_ids = {absence.child_id for absence in absences}
    certificates = defaultdict(list)
    for document in (
        Document.objects.filter(child_id__in=child_ids, kind=DocumentKind.MEDICAL_CERTIFICATE)
        .exclude(status="refuse")
        .order_by("-created_at")
    ):
        certificates[document.child_id].append(document)
    return [
        {"attendance": absence, "certificates": certificates.get(absence.child_id, [])}
        for absence in absences
    ]


def forecast(*, start: date, days: int) -> list[dict]:
    """Forecast counts per place and day from confirmed bookings: meals (by diet, and
    how many PAI), morning and evening numbers, Wednesday and holiday centres. One
    query, whatever the number of bookings."""
    end = start + timedelta(days=days - 1)
    rows = (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, date__range=(start, end))
        .values(
            "date",
            "activity__kind",
            "activity__school_id",
            "activity__school__name",
            "activity__place_name",
            "child__diet",
            "child__has_pai",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict[tuple[date, str], dict] = {}
    for row in rows:
        place = row["activity__school__name"] or row["activity__place_name"]
        line = table.setdefault(
            (row["date"], place),
            {
                "day": row["date"],
                "label": rules.day_label(row["date"]),
                "place": place,
                "meals": 0,
                "diets": defaultdict(int),
                "pai": 0,
                "morning": 0,
                "evening": 0,
                "wednesday": 0,
                "holidays": 0,
            },
        )
        kind, count = row["activity__kind"], row["n"]
        if kind == ActivityKind.LUNCH:
            line["meals"] += count
            line["diets"][row["child__diet"]] += count
            if row["child__has_pai"]:
                line["pai"] += count
        elif kind == ActivityKind.MORNING:
            line["morning"] += count
        elif kind == ActivityKind.EVENING:
            line["evening"] += count
        elif kind == ActivityKind.WEDNESDAY:
            line["wednesday"] += count
        elif kind == ActivityKind.HOLIDAYS:
            line["holidays"] += count
    return [table[key] for key in sorted(table)]


def waitlists(*, since: date, limit: int = 500) -> list[Booking]:
    """Waitlisted bookings from `since`, by activity, day and rank."""
    return list(
        Booking.objects.filter(status=BookingStatus.WAITLISTED, date__gte=since)
        .select_related("activity__school", "child", "family")
        .annotate(rank=_waitlist_rank())
        .order_by("date", "activity__name", "waitlist_position")[:limit]
    )


def registers_count(day: date) -> int:
    """How many activities have children booked on `day`: the registers to keep (one
    query), for the back-office home."""
    return (
        Booking.objects.filter(date=day, status=BookingStatus.CONFIRMED)
        .values("activity_id")
        .distinct()
        .count()
    )


def waitlisted_count(*, since: date) -> int:
    """Children waiting for a place from `since` on (one query)."""
    return Booking.objects.filter(status=BookingStatus.WAITLISTED, date__gte=since).count()


def day_counter(activity: Activity, day: date) -> ActivityDay | None:
    return ActivityDay.objects.filter(activity=activity, date=day).first()


def waitlist_rank(booking: Booking) -> int:
    """The booking's rank on its day's waitlist (1 = next to get a place)."""
    return (
        Booking.objects.filter(
            activity_id=booking.activity_id,
            date=booking.date,
            status=BookingStatus.WAITLISTED,
            waitlist_position__lt=booking.waitlist_position,
        ).count()
        + 1
    )
