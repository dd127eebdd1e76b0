"""The demo commune's schooling data: a map covering the demo families, loaded twice
without duplicates."""

from io import StringIO

from django.core.management import call_command

from espace_citoyen.families.models import Family
from espace_citoyen.schooling import selectors
from espace_citoyen.schooling.models import Derogation, Enrolment, School, SchoolYear, SectorRule


def test_demo_loads_twice_and_covers_every_demo_family(db):
    """Every demo family of the commune has its sector schools; the neighbour village's
    family is outside; running the demo again duplicates nothing."""
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    assert SchoolYear.objects.count() == 2
    assert School.objects.count() == 5
    assert SectorRule.objects.count() == 34
    assert Enrolment.objects.count() == 3
    assert Derogation.objects.count() == 2
    for family in Family.objects.all():
        sector = selectors.sector_for_family(family)
        if family.postal_code == "99999":
            assert set(sector.schools) == {"maternelle", "elementaire"}, family.address_line1
        else:
            assert sector.outside
    streets = {rule.street for rule in SectorRule.objects.all()}
    assert {
        "rue des Écoles",
        "avenue de la République",
        "rue Victor Hugo",
        "place de la Mairie",
        "chemin des Vignes",
    } <= streets
