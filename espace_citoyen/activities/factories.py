"""Helpers for tests: a school year, activities, enrolments made the way services make
them (an accepted démarche with its enrolment)."""

from datetime import date, time

from espace_citoyen.activities.models import Activity, ActivityKind, Enrolment, EnrolmentStatus
from espace_citoyen.activities.services import DEMARCHE_ENROLMENT
from espace_citoyen.demarches.services import demarche_submit
from espace_citoyen.schooling.models import School, SchoolYear


def school_year_get(label: str = "2026-2027") -> SchoolYear:
    start_year = int(label[:4])
    year, _created = SchoolYear.objects.get_or_create(
        label=label,
        defaults={"start_date": date(start_year, 9, 1), "end_date": date(start_year + 1, 7, 3)},
    )
    return year


def school_get(name: str = "École élémentaire Jean-Jaurès", kind: str = "elementaire") -> School:
    school, _created = School.objects.get_or_create(
        name=name, defaults={"kind": kind, "levels": ["CP", "CE1", "CE2", "CM1", "CM2"]}
    )
    return school


def activity_create(
    *, kind: str = ActivityKind.LUNCH, capacity: int = 10, name: str = "", **fields
) -> Activity:
    defaults = {
        "name": name or f"Activité {kind} {Activity.objects.count() + 1}",
        "kind": kind,
        "school_year": fields.pop("school_year", None) or school_year_get(),
        "capacity": capacity,
        "deadline_working_days": 2,
        "deadline_time": time(12, 0),
    }
    if kind in (ActivityKind.WEDNESDAY, ActivityKind.HOLIDAYS):
        defaults["place_name"] = "Centre de loisirs des Sources"
        defaults["uses_weekly_template"] = kind == ActivityKind.WEDNESDAY
    elif "school" not in fields:
        defaults["school"] = school_get()
    defaults.update(fields)
    activity = Activity(**defaults)
    activity.full_clean()
    activity.save()
    return activity


def enrolment_make(child, activity: Activity, *, weekdays=(), status=EnrolmentStatus.ACCEPTED):
    """An enrolment with its démarche, without generating bookings."""
    demarche = demarche_submit(
        type_key=DEMARCHE_ENROLMENT,
        owner=child.family,
        submitted_by=None,
        title=f"Inscription {activity.name}",
        child_name=child.full_name,
    )
    return Enrolment.objects.create(
        demarche=demarche,
        family=child.family,
        child=child,
        activity=activity,
        weekdays=list(weekdays),
        status=status,
    )
