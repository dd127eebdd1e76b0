import pytest

from espace_citoyen.portal.models import Teleservice
from espace_citoyen.portal.selectors import teleservice_list

pytestmark = pytest.mark.django_db


def test_the_cached_catalogue_follows_each_edit_and_removal():
    teleservice_list()  # fills the cache
    entry = Teleservice.objects.create(
        title="Piscine municipale", slug="piscine", summary="Horaires", target="/piscine/"
    )
    assert "Piscine municipale" in [item.title for item in teleservice_list()]
    entry.title = "Piscine Jean-Bouin"
    entry.save()
    assert "Piscine Jean-Bouin" in [item.title for item in teleservice_list()]
    entry.delete()
    assert "Piscine Jean-Bouin" not in [item.title for item in teleservice_list()]
