"""Factories for tests: families are built through the same shapes the services use."""

from datetime import date

import factory

from espace_citoyen.families.models import Child, Family, FamilyStatus, Guardian
from espace_citoyen.families.services import family_refresh_search_text


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"F-{n + 900000:06d}")
    status = FamilyStatus.VALIDATED
    address_line1 = "12 rue des Écoles"
    postal_code = "99999"
    city = "Saint-Exemple-sur-Marne"

    @factory.post_generation
    def refresh_search(obj, create, extracted, **kwargs):
        if create:
            family_refresh_search_text(obj)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    family = factory.SubFactory(FamilyFactory)
    civility = "mme"
    last_name = "Martin"
    first_name = factory.Sequence(lambda n: f"Camille{n}")
    email = factory.Sequence(lambda n: f"responsable{n}@example.org")
    phone_mobile = "06 12 34 56 78"
    is_payer = True


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    last_name = "Martin"
    first_name = factory.Sequence(lambda n: f"Enfant{n}")
    sex = "F"
    birth_date = date(2019, 5, 14)


def family_create(*, user=None, children: int = 1, **family_fields) -> Family:
    """A validated family whose first guardian is `user` (if given), with `children`."""
    family = FamilyFactory(**family_fields)
    names = (
        {"last_name": user.last_name, "first_name": user.first_name, "email": user.email}
        if user
        else {}
    )
    GuardianFactory(family=family, user=user, **names)
    for index in range(children):
        ChildFactory(family=family, birth_date=date(2015 + index % 8, 1 + index % 12, 10))
    family_refresh_search_text(family)
    return family
