"""Demo data of activities: a school year of périscolaire at two schools, Wednesdays
and holidays at the Centre de loisirs des Sources, with realistic capacities and the
next two holiday weeks still open nearly full and full (so waitlists can be tried).
Dates follow today (core.demo_dates). Idempotent."""

from datetime import date, time, timedelta

from espace_citoyen.accounts.models import User
from espace_citoyen.activities import rules
from espace_citoyen.activities.models import (
    Activity,
    ActivityKind,
    Booking,
    Enrolment,
    EnrolmentStatus,
    HolidayClosing,
    Unit,
)
from espace_citoyen.activities.services import (
    booking_add_week,
    eligibility_problem,
    enrolment_request,
)
from espace_citoyen.core import dates, demo_dates
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.families.models import Child, Family, FamilyStatus, Guardian
from espace_citoyen.families.selectors import family_for_user
from espace_citoyen.families.services import family_refresh_search_text
from espace_citoyen.schooling.models import School, SchoolYear
from espace_citoyen.schooling.rules import ELEMENTAIRE_LEVELS, MATERNELLE_LEVELS

# The activities' enrolment campaign: June to the beginning of July before the rentrée.
CAMPAIGN = (date(2026, 6, 1), date(2026, 7, 10))
# Summer bookings close week by week; other periods close as a whole.
LONG_PERIOD_DAYS = 21
ELEMENTARY = "École élémentaire Jean-Jaurès"
NURSERY = "École maternelle des Tilleuls"
CENTRE = "Centre de loisirs des Sources"

DEMO_CHILDREN = [
    # (first name, last name, birth date in the reference year, see core.demo_dates):
    # families of the demo's scarce places
    ("Lina", "Bernard", date(2017, 3, 2)),
    ("Noah", "Petit", date(2018, 6, 11)),
    ("Jade", "Robert", date(2019, 1, 23)),
    ("Louis", "Richard", date(2016, 9, 5)),
    ("Emma", "Durand", date(2020, 4, 17)),
    ("Gabriel", "Dubois", date(2017, 11, 30)),
    ("Alice", "Moreau", date(2018, 2, 14)),
    ("Léo", "Laurent", date(2019, 8, 8)),
    ("Chloé", "Simon", date(2016, 12, 12)),
    ("Raphaël", "Michel", date(2020, 10, 3)),
    ("Rose", "Lefebvre", date(2017, 5, 21)),
    ("Arthur", "Leroy", date(2018, 7, 1)),
    ("Inès", "Roux", date(2019, 3, 29)),
    ("Jules", "David", date(2016, 4, 4)),
    ("Mia", "Bertrand", date(2021, 2, 9)),
    ("Adam", "Morel", date(2017, 8, 19)),
    ("Léa", "Fournier", date(2018, 10, 10)),
    ("Hugo", "Girard", date(2019, 12, 1)),
    ("Lou", "Bonnet", date(2016, 6, 25)),
    ("Tom", "Dupont", date(2020, 1, 15)),
    ("Zoé", "Lambert", date(2017, 2, 27)),
    ("Nathan", "Fontaine", date(2018, 4, 13)),
    ("Manon", "Rousseau", date(2019, 5, 6)),
    ("Ethan", "Vincent", date(2016, 10, 18)),
]


def _school_year() -> SchoolYear:
    label, start, end = demo_dates.school_year()
    year, _created = SchoolYear.objects.get_or_create(
        label=label, defaults={"start_date": start, "end_date": end}
    )
    return year


def _school(name: str, kind: str, levels: list[str], address: str) -> School:
    school, _created = School.objects.get_or_create(
        name=name, defaults={"kind": kind, "levels": levels, "address": address}
    )
    return school


def _activity(year: SchoolYear, name: str, **fields) -> Activity:
    activity = Activity.objects.filter(school_year=year, name=name).first()
    if activity is None:
        activity = Activity(school_year=year, name=name, **fields)
        activity.full_clean()
        activity.save()
    return activity


def _holiday_periods(zone: str, start: date, end: date) -> list[tuple[str, date, date]]:
    """(name, first weekday, last weekday) of each school holiday period."""
    days = rules.school_holidays(zone, start, end)
    periods: list[list] = []
    for day in sorted(days):
        if periods and (day - periods[-1][2]).days == 1 and days[day] == periods[-1][0]:
            periods[-1][2] = day
        else:
            periods.append([days[day], day, day])
    result = []
    for name, first, last in periods:
        while first.weekday() >= 5:
            first += timedelta(days=1)
        while last.weekday() >= 5:
            last -= timedelta(days=1)
        if first <= last and (last - first).days >= 3:
            result.append((name, first, last))
    return result


def _activities() -> dict[str, Activity]:
    year = _school_year()
    jaures = _school(ELEMENTARY, "elementaire", ELEMENTAIRE_LEVELS, "4 rue Jean-Jaurès")
    tilleuls = _school(NURSERY, "maternelle", MATERNELLE_LEVELS, "2 allée des Tilleuls")
    campaign = (demo_dates.shifted(CAMPAIGN[0]), demo_dates.shifted(CAMPAIGN[1]))
    common = {
        "campaign_start": campaign[0],
        "campaign_end": campaign[1],
        "deadline_working_days": 2,
        "deadline_time": time(12, 0),
    }
    made = {
        "jj_morning": _activity(
            year,
            "Accueil du matin Jean-Jaurès",
            kind=ActivityKind.MORNING,
            school=jaures,
            eligible_levels=ELEMENTAIRE_LEVELS,
            capacity=40,
            unit=Unit.SESSION,
            **common,
        ),
        "jj_lunch": _activity(
            year,
            "Restauration scolaire Jean-Jaurès",
            kind=ActivityKind.LUNCH,
            school=jaures,
            eligible_levels=ELEMENTAIRE_LEVELS,
            capacity=180,
            unit=Unit.SESSION,
            **common,
        ),
        "jj_evening": _activity(
            year,
            "Étude surveillée Jean-Jaurès",
            kind=ActivityKind.EVENING,
            school=jaures,
            eligible_levels=ELEMENTAIRE_LEVELS,
            capacity=14,
            unit=Unit.SESSION,
            **common,
        ),
        "ti_morning": _activity(
            year,
            "Accueil du matin des Tilleuls",
            kind=ActivityKind.MORNING,
            school=tilleuls,
            eligible_levels=MATERNELLE_LEVELS,
            capacity=20,
            unit=Unit.SESSION,
            **common,
        ),
        "ti_lunch": _activity(
            year,
            "Restauration scolaire des Tilleuls",
            kind=ActivityKind.LUNCH,
            school=tilleuls,
            eligible_levels=MATERNELLE_LEVELS,
            capacity=90,
            unit=Unit.SESSION,
            **common,
        ),
        "ti_evening": _activity(
            year,
            "Accueil du soir des Tilleuls",
            kind=ActivityKind.EVENING,
            school=tilleuls,
            eligible_levels=MATERNELLE_LEVELS,
            capacity=30,
            unit=Unit.SESSION,
            **common,
        ),
        "wednesday": _activity(
            year,
            "Mercredis au centre de loisirs",
            kind=ActivityKind.WEDNESDAY,
            place_name=CENTRE,
            min_age=3,
            max_age=11,
            capacity=26,
            unit=Unit.DAY,
            deadline_working_days=5,
            deadline_time=time(12, 0),
            campaign_start=campaign[0],
            campaign_end=campaign[1],
        ),
        "holidays": _activity(
            year,
            "Accueil de loisirs des vacances",
            kind=ActivityKind.HOLIDAYS,
            place_name=CENTRE,
            min_age=3,
            max_age=11,
            capacity=24,
            unit=Unit.DAY,
            uses_weekly_template=False,
            deadline_working_days=10,
            deadline_time=time(12, 0),
        ),
    }
    holidays = made["holidays"]
    if not holidays.holiday_closings.exists():
        summer_end = date(year.end_date.year, 8, 31)
        for name, first, last in _holiday_periods("B", year.start_date, summer_end):
            for label, week_first, week_last in _booking_periods(name, first, last):
                HolidayClosing.objects.create(
                    activity=holidays,
                    label=label,
                    first_day=week_first,
                    last_day=week_last,
                    closes_on=week_first - timedelta(days=17),
                )
    return made


def _booking_periods(name: str, first: date, last: date) -> list[tuple[str, date, date]]:
    """A holiday period as one booking period, or week by week when it is long (the
    summer), so that some of it is still open whatever the day."""
    if (last - first).days < LONG_PERIOD_DAYS:
        return [(name, first, last)]
    periods = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        week_first, week_last = max(first, monday), min(last, monday + timedelta(days=4))
        if week_first <= week_last:
            label = f"{name}, semaine du {dates.french_date(week_first)}"
            periods.append((label, week_first, week_last))
        monday += timedelta(days=7)
    return periods


def _demo_families() -> list:
    """Families without accounts, whose children fill the scarce places."""
    children = []
    for index, (first_name, last_name, birth_date) in enumerate(DEMO_CHILDREN, start=1):
        number = f"F-D{index:05d}"
        family, created = Family.objects.get_or_create(
            number=number,
            defaults={
                "status": FamilyStatus.VALIDATED,
                "address_line1": f"{index} rue des Lilas",
                "postal_code": "99999",
                "city": "Saint-Exemple-sur-Marne",
            },
        )
        if created:
            Guardian.objects.create(
                family=family,
                civility="mme",
                last_name=last_name,
                first_name="Claude",
                email=f"famille.{index}@example.org",
                is_payer=True,
            )
            Child.objects.create(
                family=family,
                last_name=last_name,
                first_name=first_name,
                sex="F" if index % 2 else "M",
                birth_date=demo_dates.shifted(birth_date),
                diet=["standard", "standard", "sans_porc", "sans_viande"][index % 4],
                has_pai=index % 9 == 0,
            )
            family_refresh_search_text(family)
        children.append(family.children.first())
    return children


def _enrol(child, activity, weekdays) -> None:
    if eligibility_problem(child, activity):
        return
    if Enrolment.objects.filter(
        child=child,
        activity=activity,
        status__in=[EnrolmentStatus.PENDING, EnrolmentStatus.ACCEPTED],
    ).exists():
        return
    enrolment_request(
        family=child.family, child=child, activity=activity, weekdays=weekdays, actor=None
    )


def load() -> list[tuple[str, str]]:
    """Create the activities and fill some of them; returns no login."""
    made = _activities()
    children = _demo_families()
    for child in children:
        _enrol(child, made["jj_lunch"], [0, 1, 3, 4])
        _enrol(child, made["ti_lunch"], [0, 1, 3, 4])
        _enrol(child, made["jj_evening"], [0, 1, 3, 4])
        _enrol(child, made["wednesday"], [2])
        _enrol(child, made["holidays"], [])
    # The next two holiday weeks still open: the first nearly full, the second full.
    holidays = made["holidays"]
    weeks = _open_holiday_weeks(holidays)[:2]
    if weeks:
        for week_index, monday in enumerate(weeks):
            wanted = 22 if week_index == 0 else len(children)
            for child in children[:wanted]:
                if Booking.objects.filter(child=child, activity=holidays, date=monday).exists():
                    continue
                if not Enrolment.objects.filter(
                    child=child, activity=holidays, status=EnrolmentStatus.ACCEPTED
                ).exists():
                    continue
                try:
                    booking_add_week(child=child, activity=holidays, monday=monday, actor=None)
                except ApplicationError:  # the week is closed when the demo runs later
                    continue
    _camille(made)
    return []


def _open_holiday_weeks(holidays: Activity) -> list[date]:
    """Mondays of the holiday weeks whose bookings are still open, in order."""
    today = demo_dates.today()
    mondays = []
    for closing in holidays.holiday_closings.filter(closes_on__gt=today).order_by("first_day"):
        monday = closing.first_day - timedelta(days=closing.first_day.weekday())
        while monday <= closing.last_day:
            if monday not in mondays:
                mondays.append(monday)
            monday += timedelta(days=7)
    return mondays


def _camille(made: dict[str, Activity]) -> None:
    """If the demo parent has a family card, enrol her children in their canteen."""
    user = User.objects.filter(email="camille.martin@example.org").first()
    family = family_for_user(user) if user else None
    if family is None:
        return
    for child in family.children.all():
        _enrol(child, made["jj_lunch"], [0, 1, 3, 4])
        _enrol(child, made["ti_lunch"], [0, 1, 3, 4])
