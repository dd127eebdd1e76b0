"""The demo commune on any day: loaded on two days far apart (a January and a July, three
and a half years apart), it shows an open enrolment campaign, days still bookable and a
holiday week ahead with its waitlist."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from espace_citoyen.accounts.models import User
from espace_citoyen.activities import selectors
from espace_citoyen.activities.models import Activity, ActivityDay
from espace_citoyen.core import demo_dates
from espace_citoyen.core.testing import page_text
from espace_citoyen.families.models import Child
from espace_citoyen.pricing.models import TariffGrid
from espace_citoyen.schooling.models import SchoolYear


@pytest.mark.parametrize(
    ("now", "school_year"),
    [
        ("2025-01-15 09:00 +01:00", "2024-2025"),
        ("2028-07-20 09:00 +02:00", "2027-2028"),
    ],
)
def test_the_demo_shows_an_open_campaign_bookable_days_and_a_holiday_week(
    client, db, now, school_year
):
    with time_machine.travel(now, tick=False):
        call_command("demo", stdout=StringIO())
        call_command("demo", stdout=StringIO())  # idempotent on any day
        today = timezone.localdate()
        assert demo_dates.school_year()[0] == school_year
        assert SchoolYear.objects.count() == 2

        # The next school year's enrolment campaign is open, as the parent sees it.
        next_year = demo_dates.school_year(1)[0]
        client.force_login(User.objects.get(email="camille.martin@example.org"))
        text = page_text(client.get(reverse("schooling:enrol")))
        assert f"{next_year} : inscriptions ouvertes" in text

        # The demo's children keep their ages: Léa Martin is 5 at the rentrée.
        lea = Child.objects.get(first_name="Léa", last_name="Martin")
        rentree = SchoolYear.objects.get(label=school_year).start_date
        assert (rentree - lea.birth_date).days // 365 == 5

        # Days still bookable within a month, and a holiday week ahead, full, whose
        # waitlist can be tried.
        activities = Activity.objects.filter(school_year__label=school_year)
        # Eight first-come activities, and two in fair allocation (window open, published).
        assert activities.count() == 10
        soon = today + timedelta(days=30)
        assert any(
            selectors.bookable_days(activity, start=today, end=soon) for activity in activities
        )
        holidays = activities.get(name="Accueil de loisirs des vacances")
        ahead = selectors.bookable_days(holidays, start=today)
        assert ahead and ahead[0] - today < timedelta(days=60)
        full = ActivityDay.objects.filter(activity=holidays, date__gt=today, booked=24)
        assert full.exists()
        assert set(full.values_list("date", flat=True)) <= set(ahead)

        # Prices for the year under way.
        assert TariffGrid.objects.filter(valid_from=date(int(school_year[:4]), 9, 1)).exists()
