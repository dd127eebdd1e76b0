"""Seed the benchmark database: two holiday centres with few places each (one per rush:
arrivals spread over 10 s, then all at once), N validated families each with an
account, a child enrolled (accepted) in both, and a session: each family has logged in
beforehand, as on opening day (the login phase measures logins separately, with the
production password hasher). Prints a JSON description."""

import json
import os
import sys
from datetime import date, time, timedelta
from importlib import import_module

sys.path.insert(0, os.getcwd())  # the application run by the benchmark (RUSH_APP_DIR)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.contrib.sessions.backends.base import VALID_KEY_CHARS  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from espace_citoyen.accounts.models import User  # noqa: E402
from espace_citoyen.activities import selectors  # noqa: E402
from espace_citoyen.activities.models import (  # noqa: E402
    Activity,
    ActivityKind,
    Enrolment,
    EnrolmentStatus,
    Unit,
)
from espace_citoyen.demarches.models import Demarche  # noqa: E402
from espace_citoyen.families.models import Child, Family, FamilyStatus, Guardian  # noqa: E402
from espace_citoyen.schooling.models import SchoolYear  # noqa: E402

PASSWORD = "Rush-des-vacances-2026"  # noqa: S105 (benchmark accounts, dropped afterwards)


@transaction.atomic
def seed(families: int, capacity: int) -> dict:
    today = timezone.localdate()
    start_year = today.year if today.month >= 9 else today.year - 1
    year, _created = SchoolYear.objects.get_or_create(
        label=f"{start_year}-{start_year + 1}",
        defaults={
            "start_date": date(start_year, 9, 1),
            "end_date": date(start_year + 1, 7, 3),
        },
    )
    centres = [
        Activity.objects.create(
            name=f"Accueil de loisirs des vacances ({label})",
            kind=ActivityKind.HOLIDAYS,
            school_year=year,
            place_name=f"Centre de loisirs {label}",
            capacity=capacity,
            unit=Unit.DAY,
            uses_weekly_template=False,
            deadline_working_days=2,
            deadline_time=time(12, 0),
        )
        for label in ("des Sources", "des Tilleuls")
    ]
    centre = centres[0]
    days = selectors.bookable_days(centre, start=today)
    monday = days[0] - timedelta(days=days[0].weekday())
    week = [d for d in days if d - monday < timedelta(days=7)]
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                email=f"famille{i:05d}@rush.example.org",
                password=password,
                first_name="Camille",
                last_name=f"Rush{i:05d}",
                civility="mme",
            )
            for i in range(families)
        ]
    )
    family_rows = Family.objects.bulk_create(
        [
            Family(
                number=f"F-R{i:06d}",
                status=FamilyStatus.VALIDATED,
                address_line1="1 rue du Rush",
                postal_code="99999",
                city="Saint-Exemple-sur-Marne",
            )
            for i in range(families)
        ]
    )
    Guardian.objects.bulk_create(
        [
            Guardian(family=f, user=u, civility="mme", last_name=u.last_name, first_name="Camille")
            for f, u in zip(family_rows, users, strict=True)
        ]
    )
    children = Child.objects.bulk_create(
        [
            Child(
                family=f,
                last_name=f.number,
                first_name="Enfant",
                sex="F",
                birth_date=date(start_year - 8, 5, 1),
            )
            for f in family_rows
        ]
    )
    family_type = ContentType.objects.get_for_model(Family)
    for n, activity in enumerate(centres):
        demarches = Demarche.objects.bulk_create(
            [
                Demarche(
                    reference=f"D-RUSH{n}-{i:06d}",
                    type="activites_inscription",
                    status="acceptee",
                    owner_type=family_type,
                    owner_id=f.pk,
                    title="Inscription vacances",
                )
                for i, f in enumerate(family_rows)
            ]
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    demarche=d,
                    family=c.family,
                    child=c,
                    activity=activity,
                    status=EnrolmentStatus.ACCEPTED,
                )
                for d, c in zip(demarches, children, strict=True)
            ]
        )
    # The sessions as a login writes them, in the table of the application's session engine
    # (with the account's column where it has one).
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    Session = store.get_model_class()
    account = {"user_id"} & {field.attname for field in Session._meta.concrete_fields}
    expiry = timezone.now() + timedelta(hours=8)
    sessions = [
        Session(
            **dict.fromkeys(account, u.pk),
            session_key=get_random_string(32, VALID_KEY_CHARS),
            session_data=store.encode(
                {
                    SESSION_KEY: str(u.pk),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: u.get_session_auth_hash(),
                    # What a login stores for the layout (accounts.roles.SESSION_AGENT_KEY;
                    # spelled out so that the seed also runs against older code).
                    "_layout_is_agent": False,
                }
            ),
            expire_date=expiry,
        )
        for u in users
    ]
    Session.objects.bulk_create(sessions)
    return {
        "activities": [c.pk for c in centres],
        "activity": centre.pk,
        "capacity": capacity,
        "monday": monday.isoformat(),
        "days": [d.isoformat() for d in week],
        "password": PASSWORD,
        "families": [
            {"email": u.email, "child": c.pk, "session": s.session_key}
            for u, c, s in zip(users, children, sessions, strict=True)
        ],
    }


if __name__ == "__main__":
    print(json.dumps(seed(int(sys.argv[1]), int(sys.argv[2]))))
