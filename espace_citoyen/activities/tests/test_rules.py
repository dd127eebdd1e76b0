"""Pure rules: the operating calendar, the booking deadlines, eligibility, day states."""

from datetime import date, datetime, time, timedelta

import icalendar
from hypothesis import assume, given
from hypothesis import strategies as st

from espace_citoyen.activities import rules

PUBLIC = rules.public_holidays(date(2024, 1, 1), date(2030, 12, 31))


def test_monday_closes_the_thursday_before_at_noon():
    """J-2 at noon: a Monday closes the Thursday before at 12:00 (weekend not counted)."""
    deadline = rules.booking_deadline(
        date(2026, 11, 30), working_days=2, at=time(12, 0), holidays=PUBLIC
    )
    assert deadline == datetime(2026, 11, 26, 12, 0)


def test_a_public_holiday_is_not_a_working_day():
    """Friday 13 November 2026 at J-2 closes on Tuesday 10 (11 November is skipped)."""
    deadline = rules.booking_deadline(
        date(2026, 11, 13), working_days=2, at=time(12, 0), holidays=PUBLIC
    )
    assert deadline == datetime(2026, 11, 10, 12, 0)


def test_a_holiday_period_closes_on_its_own_date():
    """A holiday period's closing date wins over the working-days rule."""
    deadline = rules.booking_deadline(
        date(2026, 12, 21),
        working_days=2,
        at=time(12, 0),
        holidays=PUBLIC,
        closes_on=date(2026, 12, 4),
    )
    assert deadline == datetime(2026, 12, 4, 12, 0)


def test_the_deadline_itself_is_too_late():
    """At 12:00 sharp the day is locked; at 11:59 it is still open."""
    deadline = datetime(2026, 11, 26, 12, 0)
    assert rules.deadline_passed(deadline, datetime(2026, 11, 26, 12, 0))
    assert not rules.deadline_passed(deadline, datetime(2026, 11, 26, 11, 59))


@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)),
    count=st.integers(min_value=0, max_value=15),
    hour=st.integers(min_value=0, max_value=23),
)
def test_deadline_is_exactly_n_working_days_before(day, count, hour):
    """The deadline falls on a working day (or the day itself for J-0) with exactly N
    working days from it (included) to the day (excluded), weekends and public
    holidays never counted, at the activity's hour."""
    deadline = rules.booking_deadline(day, working_days=count, at=time(hour, 0), holidays=PUBLIC)
    assert deadline.time() == time(hour, 0)
    assert deadline.date() <= day
    if count == 0:
        assert deadline.date() == day
        return
    assert rules.is_working_day(deadline.date(), PUBLIC)
    between = [deadline.date() + timedelta(days=i) for i in range((day - deadline.date()).days)]
    assert sum(rules.is_working_day(d, PUBLIC) for d in between) == count


@given(day=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)))
def test_j2_at_noon_on_a_monday_is_the_thursday_before_unless_a_holiday_intervenes(day):
    """A Monday's J-2 is the Thursday before when Thursday and Friday are working days,
    and earlier otherwise."""
    monday = day - timedelta(days=day.weekday())
    deadline = rules.booking_deadline(monday, working_days=2, at=time(12, 0), holidays=PUBLIC)
    thursday, friday = monday - timedelta(days=4), monday - timedelta(days=3)
    if thursday not in PUBLIC and friday not in PUBLIC:
        assert deadline == datetime.combine(thursday, time(12, 0))
    else:
        assert deadline.date() < thursday


@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)),
    count=st.integers(min_value=1, max_value=10),
)
def test_later_days_never_close_earlier(day, count):
    """Deadlines never go backwards: a later day closes at the same time or later."""
    first = rules.booking_deadline(day, working_days=count, at=time(12), holidays=PUBLIC)
    second = rules.booking_deadline(
        day + timedelta(days=1), working_days=count, at=time(12), holidays=PUBLIC
    )
    assert second >= first


def _year_b(kind: str, closures=None, openings=()) -> rules.Calendar:
    start, end = date(2026, 9, 1), date(2027, 7, 3)
    return rules.Calendar(
        start=start,
        end=end,
        weekdays=rules.weekdays_for(kind),
        on_holidays=kind == rules.HOLIDAYS,
        school_holidays=rules.school_holidays("B", start, end),
        public_holidays=rules.public_holidays(start, end),
        closures=closures or {},
        openings=frozenset(openings),
    )


# The official calendar of 2026-2027, zone B (arrêté of the school calendar), typed by
# hand so that the library's data is checked against it.
OFFICIAL_HOLIDAYS_B = [
    (date(2026, 10, 17), date(2026, 11, 1)),  # Toussaint
    (date(2026, 12, 19), date(2027, 1, 3)),  # Noël
    (date(2027, 2, 20), date(2027, 3, 7)),  # hiver, zone B
    (date(2027, 4, 17), date(2027, 5, 2)),  # printemps, zone B
    (date(2027, 5, 6), date(2027, 5, 9)),  # pont de l'Ascension
]


def test_a_full_school_year_in_zone_b_has_the_right_number_of_school_days():
    """2026-2027 in zone B: 139 school days on a four-day week (Monday, Tuesday, Thursday,
    Friday) from the rentrée on 1 September to the summer holidays on 3 July, and 35
    Wednesdays in school periods, as counted from the official holiday dates."""
    expected = []
    day = date(2026, 9, 1)
    public = rules.public_holidays(date(2026, 9, 1), date(2027, 7, 3))
    while day < date(2027, 7, 3):
        in_holidays = any(a <= day <= b for a, b in OFFICIAL_HOLIDAYS_B)
        if not in_holidays and day not in public and day.weekday() in (0, 1, 3, 4):
            expected.append(day)
        day += timedelta(days=1)
    days = rules.operating_days(_year_b(rules.LUNCH))
    assert days == expected
    assert len(days) == 139
    assert len(rules.operating_days(_year_b(rules.WEDNESDAY))) == 35
    assert days[0] == date(2026, 9, 1) and days[-1] == date(2027, 7, 2)


def test_holiday_centre_runs_on_holiday_weekdays_only():
    """The holiday centre opens on the weekdays of the school holidays, never on a public
    holiday (Christmas Day) nor in school periods."""
    calendar = _year_b(rules.HOLIDAYS)
    days = set(rules.operating_days(calendar))
    assert date(2026, 10, 19) in days  # Toussaint, Monday
    assert date(2026, 12, 25) not in days  # Noël, public holiday
    assert date(2026, 11, 30) not in days  # a school day
    assert rules.closed_reason(date(2026, 11, 30), calendar).startswith("Période scolaire")


def test_agents_closures_and_openings_change_the_calendar():
    """A closure removes a school day (with its reason); an opening adds a day."""
    calendar = _year_b(
        rules.LUNCH, closures={date(2026, 12, 3): "grève"}, openings=[date(2026, 11, 11)]
    )
    days = rules.operating_days(calendar)
    assert date(2026, 12, 3) not in days
    assert rules.closed_reason(date(2026, 12, 3), calendar) == "Fermeture : grève"
    assert date(2026, 11, 11) in days
    assert rules.closed_reason(date(2026, 11, 12), calendar) is None
    assert "Toussaint" in rules.closed_reason(date(2026, 10, 20), calendar)


def test_eligibility_by_level_and_age():
    """A CP-only activity refuses a CM1 child and says why; ages are checked too."""
    problem = rules.eligibility_problem(
        birth_date=date(2017, 5, 1),
        level="CM1",
        levels=["CP"],
        min_age=None,
        max_age=None,
        on=date(2026, 9, 1),
    )
    assert "réservée aux niveaux CP" in problem and "CM1" in problem
    assert (
        rules.eligibility_problem(
            birth_date=date(2024, 5, 1),
            level=None,
            levels=[],
            min_age=3,
            max_age=11,
            on=date(2026, 9, 1),
        )
        == "Cette activité accueille les enfants à partir de 3 ans."
    )
    assert (
        rules.eligibility_problem(
            birth_date=date(2020, 5, 1),
            level="CP",
            levels=["CP", "CE1"],
            min_age=3,
            max_age=11,
            on=date(2026, 9, 1),
        )
        is None
    )


def test_day_states():
    """Booked and open gives cancel; free gives book; full gives the waitlist; after the
    deadline the day is locked with the deadline in the reason; closed says why; a day
    of an activity booked by the week offers no single-day booking."""
    deadline = datetime(2026, 11, 26, 12, 0)
    before, after = datetime(2026, 11, 26, 11, 0), datetime(2026, 11, 26, 13, 0)
    common = {"position": None, "deadline": deadline}
    assert (
        rules.day_state(
            closed=None, booking_status="confirmed", now=before, free_places=0, **common
        ).action
        == "cancel"
    )
    assert (
        rules.day_state(closed=None, booking_status=None, now=before, free_places=3, **common).code
        == "free"
    )
    full = rules.day_state(closed=None, booking_status=None, now=before, free_places=0, **common)
    assert full.code == "full" and full.action_label == "S'inscrire sur la liste d'attente"
    locked = rules.day_state(
        closed=None, booking_status="confirmed", now=after, free_places=3, **common
    )
    assert locked.code == "locked" and locked.action == ""
    assert "jeudi 26 novembre 2026 à 12 h 00" in locked.reason
    closed = rules.day_state(
        closed="Jour férié : Armistice", booking_status=None, now=before, free_places=3, **common
    )
    assert closed.code == "closed" and closed.reason == "Jour férié : Armistice"
    waiting = rules.day_state(
        closed=None,
        booking_status="waitlisted",
        now=before,
        free_places=0,
        position=2,
        deadline=deadline,
    )
    assert waiting.label == "Liste d'attente, rang 2"
    one = rules.day_state(closed=None, booking_status=None, now=before, free_places=1, **common)
    assert one.reason == "1 place disponible" and one.action_label == "Réserver"
    weekly = rules.day_state(
        closed=None, booking_status=None, now=before, free_places=3, by_week=True, **common
    )
    assert weekly.code == "free" and weekly.action == ""


def test_certificate_delay():
    """A certificate within 72 hours after the end of the day of absence justifies it."""
    absent = date(2026, 11, 23)
    assert rules.certificate_in_time(
        absent_on=absent, received_at=datetime(2026, 11, 26, 23, 59), delay_hours=72
    )
    assert not rules.certificate_in_time(
        absent_on=absent, received_at=datetime(2026, 11, 27, 0, 1), delay_hours=72
    )


@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=300))
def test_ics_reads_back_and_folds_lines_at_75_octets(text):
    """A calendar application reads back every event; no line exceeds 75 octets."""
    # icalendar reads a literal « \N » as the iCalendar line break, on purpose.
    assume("\\N" not in text)
    ics = rules.ics_calendar(
        name="Agenda",
        events=[rules.IcsEvent(uid="x@y", day=date(2026, 12, 1), summary=text)],
        stamp=datetime(2026, 11, 26, 10, 0),
    )
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["SUMMARY"]) == text
    assert event.decoded("DTSTART") == date(2026, 12, 1)


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    delta=st.integers(-400, 400),
)
def test_presence_is_recorded_on_the_day_or_after_never_ahead(day, delta):
    today = day + timedelta(days=delta)
    problem = rules.attendance_day_problem(day, today)
    assert (problem is None) == (day <= today)


def test_the_web_entry_point_loads_the_official_calendars_as_the_process_starts():
    """config/wsgi.py warms the calendars up: the first family's month page does not pay
    for reading the school holidays' data file and the public holidays' tables."""
    import importlib

    import config.wsgi

    rules._school_holiday_dates.cache_clear()
    rules.public_holidays.cache_clear()
    importlib.reload(config.wsgi)
    assert rules._school_holiday_dates.cache_info().currsize == 1
    assert rules.public_holidays.cache_info().currsize == 1
    assert callable(config.wsgi.application)
    year = date.today().year
    assert rules.public_holidays(date(year, 1, 1), date(year, 12, 31))[date(year, 12, 25)] == "Noël"
