"""Factories for tests: the demo commune's schools, school years and carte scolaire,
built through the same services agents use."""

from datetime import date

import factory

from espace_citoyen.portal.models import Commune
from espace_citoyen.schooling import demo
from espace_citoyen.schooling.models import School, SchoolYear


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("label",)

    label = "2027-2028"
    start_date = date(2027, 9, 1)
    end_date = date(2028, 7, 8)
    campaign_start = date(2026, 11, 2)
    campaign_end = date(2027, 3, 31)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"École primaire numéro {n}")
    kind = "primaire"
    address = "1 place de la Mairie, 99999 Saint-Exemple-sur-Marne"
    levels = ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"]
    capacity = 100


def commune_create():
    """The demo commune (its postal code and name decide what is « in the commune »)."""
    commune, _created = Commune.objects.update_or_create(
        pk=1,
        defaults={
            "name": "Saint-Exemple-sur-Marne",
            "postal_codes": "99999",
            "address": "1 place de la Mairie\n99999 Saint-Exemple-sur-Marne",
        },
    )
    return commune


def schooling_setup() -> dict:
    """The demo's school years, schools and carte scolaire, and the commune. Returns
    {"years": {label: SchoolYear}, "schools": {short name: School}}."""
    commune_create()
    demo.load_reference()
    schools = {school.name: school for school in School.objects.all()}
    return {
        "years": {year.label: year for year in SchoolYear.objects.all()},
        "schools": {
            "tilleuls": schools["École maternelle des Tilleuls"],
            "coquelicots": schools["École maternelle Les Coquelicots"],
            "jaures": schools["École élémentaire Jean-Jaurès"],
            "curie": schools["École élémentaire Marie-Curie"],
            "centre": schools["École primaire du Centre"],
        },
    }
