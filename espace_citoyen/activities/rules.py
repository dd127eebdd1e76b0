"""Pure rules of activities (no ORM): the operating calendar, booking deadlines,
eligibility and the state of a day as a parent sees it.

The official calendars come from libraries (`vacances-scolaires-france` for the school
holidays of a zone, `holidays` for public holidays): data, not hand-typed dates."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
import icalendar
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from vacances_scolaires_france import SchoolHolidayDates

from espace_citoyen.core import dates

# The kinds, by value (models.ActivityKind): kept as strings so these rules stay pure.
MORNING, LUNCH, EVENING, WEDNESDAY, HOLIDAYS = (
    "matin",
    "restauration",
    "soir",
    "mercredi",
    "vacances",
)
PERISCOLAIRE = frozenset({MORNING, LUNCH, EVENING})

# The four-day school week most communes keep (Monday, Tuesday, Thursday, Friday):
# périscolaire runs on school days, the Wednesday centre on Wednesdays in school
# periods, the holiday centre on weekdays of the school holidays.
WEEKDAYS_BY_KIND = {
    MORNING: (0, 1, 3, 4),
    LUNCH: (0, 1, 3, 4),
    EVENING: (0, 1, 3, 4),
    WEDNESDAY: (2,),
    HOLIDAYS: (0, 1, 2, 3, 4),
}


def weekdays_for(kind: str, configured: Iterable[int] | None = None) -> tuple[int, ...]:
    """The weekdays an activity runs: its own setting, else its kind's usual days."""
    chosen = tuple(sorted({int(d) for d in configured or () if 0 <= int(d) <= 6}))
    return chosen or WEEKDAYS_BY_KIND.get(kind, (0, 1, 3, 4))


day_label = dates.day_label

# The years a date typed or posted may fall in: the official calendars and the deadline
# arithmetic (days before, weeks after) stay far from date.min and date.max.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def plausible(day: date) -> bool:
    """Whether a date given by a user is one the calendars can answer about."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def moment_label(moment: datetime) -> str:
    """« jeudi 26 novembre 2026 à 12 h 00 »."""
    return f"{day_label(moment.date())} à {moment.hour} h {moment.minute:02d}"


# --- official calendars ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _school_holiday_dates():
    return SchoolHolidayDates()


@lru_cache(maxsize=64)
def school_holidays(zone: str, start: date, end: date) -> Mapping[date, str]:
    """Days of the school holidays of `zone` between start and end (both included),
    with the period's name (« Vacances de la Toussaint », « Pont de l'Ascension »)."""
    source = _school_holiday_dates()
    days: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        if year < source.min_year or year > source.max_year:
            continue
        for day, info in source.holidays_for_year_and_zone(year, zone.upper()).items():
            if start <= day <= end:
                days[day] = info["nom_vacances"]
    return days


@lru_cache(maxsize=64)
def public_holidays(start: date, end: date) -> Mapping[date, str]:
    """French public holidays between start and end (both included), named in French."""
    calendar = holidays.France(years=range(start.year, end.year + 1), language="fr")
    return {day: name for day, name in calendar.items() if start <= day <= end}


def warm_up(today: date) -> None:
    """Load the official calendars now rather than on a family's first month page: the
    school holidays' data file and the public holidays' tables cost about half a second
    of CPU once per process (docs/benchmarks.md, fifth pass). The web server's entry
    point (config/wsgi.py) calls it as each process starts."""
    _school_holiday_dates()
    public_holidays(date(today.year, 1, 1), date(today.year, 12, 31))


# --- the operating calendar ------------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """Everything that decides whether an activity runs on a day."""

    start: date
    end: date
    weekdays: tuple[int, ...]
    on_holidays: bool  # the holiday centre runs on holiday days, the others outside them
    school_holidays: Mapping[date, str] = field(default_factory=dict)
    public_holidays: Mapping[date, str] = field(default_factory=dict)
    closures: Mapping[date, str] = field(default_factory=dict)
    openings: frozenset[date] = frozenset()


def closed_reason(day: date, calendar: Calendar) -> str | None:
    """Why the activity does not run on `day`, or None when it runs (an operating day)."""
    if day in calendar.closures:
        return _("Fermeture : %(reason)s") % {"reason": calendar.closures[day]}
    if not calendar.start <= day <= calendar.end:
        return _("En dehors de l'année scolaire")
    if day in calendar.openings:
        return None
    if day in calendar.public_holidays:
        return _("Jour férié : %(name)s") % {"name": calendar.public_holidays[day]}
    if day.weekday() not in calendar.weekdays:
        return _("L'activité n'a pas lieu le %(weekday)s") % {
            "weekday": dates.weekday_name(day.weekday())
        }
    holiday = calendar.school_holidays.get(day)
    if calendar.on_holidays and holiday is None:
        return _("Période scolaire : l'accueil de loisirs ouvre pendant les vacances")
    if not calendar.on_holidays and holiday is not None:
        return holiday
    return None


def operating_days(
    calendar: Calendar, *, start: date | None = None, end: date | None = None
) -> list[date]:
    """The days the activity runs: the weekdays of the school year outside (or, for the
    holiday centre, inside) the zone's school holidays, without public holidays, minus
    the agents' closures, plus their openings; optionally only from `start` to `end`."""
    days = []
    day = max(calendar.start, start) if start else calendar.start
    last = min(calendar.end, end) if end else calendar.end
    while day <= last:
        if closed_reason(day, calendar) is None:
            days.append(day)
        day += timedelta(days=1)
    return days


# --- deadlines -------------------------------------------------------------------------------


def is_working_day(day: date, holidays: Mapping[date, str] | frozenset | set) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and day not in holidays


def working_days_before(day: date, count: int, holidays) -> date:
    """The working day `count` working days before `day` (count 0: `day` itself)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def booking_deadline(
    day: date,
    *,
    working_days: int,
    at: time,
    holidays,
    closes_on: date | None = None,
) -> datetime:
    """The last moment (local, naive) to book or cancel `day`: N working days before at
    HH:MM (J-2 at noon: a Monday closes the Thursday before at 12:00; weekends and public
    holidays are not counted). A holiday period closes on its own date, at HH:MM."""
    if closes_on is not None:
        return datetime.combine(closes_on, at)
    return datetime.combine(working_days_before(day, working_days, holidays), at)


def deadline_passed(deadline: datetime, now: datetime) -> bool:
    """Bookings close at the deadline itself (at 12:00 sharp it is too late)."""
    return now >= deadline


# --- eligibility -----------------------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def eligibility_problem(
    *,
    birth_date: date,
    level: str | None,
    levels: Iterable[str],
    min_age: int | None,
    max_age: int | None,
    on: date,
) -> str | None:
    """Why a child may not join the activity, or None. `level` is the child's expected
    level that school year; ages are counted on `on` (the rentrée)."""
    levels = list(levels or [])
    if levels and level not in levels:
        if level is None:
            return _("Cette activité est réservée aux niveaux %(levels)s.") % {
                "levels": ", ".join(levels)
            }
        return _(
            "Cette activité est réservée aux niveaux %(levels)s ; votre enfant sera en "
            "%(level)s cette année scolaire."
        ) % {"levels": ", ".join(levels), "level": level}
    age = age_on(birth_date, on)
    if min_age is not None and age < min_age:
        return _("Cette activité accueille les enfants à partir de %(age)s ans.") % {"age": min_age}
    if max_age is not None and age > max_age:
        return _("Cette activité accueille les enfants jusqu'à %(age)s ans.") % {"age": max_age}
    return None


def in_window(day: date, start: date | None, end: date | None) -> bool:
    """Whether `day` lies in the campaign window (both ends included)."""
    return start is not None and end is not None and start <= day <= end


def attendance_day_problem(day: date, today: date) -> str | None:
    """Presence is recorded on the day or after it, never ahead (billing reads it)."""
    if day > today:
        return _(
            "Le pointage du %(day)s se fera ce jour-là : on ne peut pas noter la présence "
            "d'un jour à venir."
        ) % {"day": day_label(day)}
    return None


def certificate_in_time(*, absent_on: date, received_at: datetime, delay_hours: int) -> bool:
    """A medical certificate justifies an absence when it arrives at most `delay_hours`
    after the end of the day of absence (local, naive datetimes)."""
    end_of_day = datetime.combine(absent_on + timedelta(days=1), time(0, 0))
    return received_at <= end_of_day + timedelta(hours=delay_hours)


# --- a day as the parent sees it -------------------------------------------------------------

BOOKED, WAITLISTED, FREE, FULL, CLOSED, LOCKED, ON_REQUEST = (
    "booked",
    "waitlisted",
    "free",
    "full",
    "closed",
    "locked",
    "on_request",
)


@dataclass(frozen=True)
class DayState:
    code: str  # booked, waitlisted, free, full, closed, locked, on_request
    label: str
    reason: str = ""
    action: str = ""  # "add", "cancel" or ""
    action_label: str = ""


def day_state(
    *,
    closed: str | None,
    booking_status: str | None,
    position: int | None,
    deadline: datetime,
    now: datetime | None,
    free_places: int,
    by_week: bool = False,
    locked: bool | None = None,
) -> DayState:
    """The state shown in the month calendar, with the reason and the action offered.

    booking_status is "confirmed", "waitlisted" or None. An activity booked by the week
    (by_week) offers no single day: its weeks are booked, and cancelled, whole. `locked`:
    whether the deadline has passed, when the caller knows it (else `now` decides)."""
    if closed is not None:
        return DayState(CLOSED, _("Fermé"), closed)
    if locked is None:
        locked = deadline_passed(deadline, now)
    locked_reason = (
        _("Délai dépassé : les modifications étaient possibles jusqu'au %(when)s.")
        % {"when": moment_label(deadline)}
        if locked
        else ""
    )
    if booking_status == "confirmed":
        if locked:
            return DayState(LOCKED, _("Réservé"), locked_reason)
        cancel = _("Annuler la semaine") if by_week else _("Annuler")
        return DayState(BOOKED, _("Réservé"), "", "cancel", cancel)
    if booking_status == "waitlisted":
        label = _("Liste d'attente, rang %(position)s") % {"position": position}
        if locked:
            return DayState(LOCKED, label, locked_reason)
        leave = (
            _("Quitter la liste d'attente pour la semaine")
            if by_week
            else _("Quitter la liste d'attente")
        )
        return DayState(WAITLISTED, label, "", "cancel", leave)
    if locked:
        return DayState(LOCKED, _("Non réservé"), locked_reason)
    add = "" if by_week else "add"
    if free_places <= 0:
        return DayState(
            FULL,
            _("Complet"),
            _("Toutes les places sont prises."),
            add,
            "" if by_week else _("S'inscrire sur la liste d'attente"),
        )
    return DayState(
        FREE,
        _("Libre"),
        ngettext("%(count)s place disponible", "%(count)s places disponibles", free_places)
        % {"count": free_places},
        add,
        "" if by_week else _("Réserver"),
    )


def month_weekdays(year: int, month: int) -> list[date]:
    """Monday to Friday of a month, in order."""
    day = date(year, month, 1)
    days = []
    while day.month == month:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week of `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    day: date
    summary: str
    location: str = ""
    description: str = ""


def ics_calendar(*, name: str, events: Iterable[IcsEvent], stamp: datetime) -> str:
    """An iCalendar text (RFC 5545) of all-day events, built by the icalendar library
    (escaping, line folding, CRLF)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Espace Citoyen//Activites//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical().decode()
