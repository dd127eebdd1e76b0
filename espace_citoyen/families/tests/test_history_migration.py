"""The history recorded before health entries were tagged gets tagged by the migration."""

from importlib import import_module

import pytest
from django.apps import apps

from espace_citoyen.families.factories import family_create
from espace_citoyen.families.models import FamilyChange

pytestmark = pytest.mark.django_db

migration = import_module("espace_citoyen.families.migrations.0003_family_change_sensitive")


def test_old_entries_are_tagged_and_mixed_ones_split():
    family = family_create()
    mixed = FamilyChange.objects.create(
        family=family,
        entity="enfant",
        entity_label="Léa",
        changes={"first_name": ["Lea", "Léa"], "allergies": ["", "Arachide"]},
    )
    pai = FamilyChange.objects.create(
        family=family,
        entity="justificatif",
        entity_label="Projet d'accueil individualisé (PAI) (pai.pdf)",
        action="ajout",
        changes={"document": [None, "Projet d'accueil individualisé (PAI) (pai.pdf)"]},
    )
    address = FamilyChange.objects.create(
        family=family,
        entity="justificatif",
        entity_label="Justificatif de domicile (facture.pdf)",
        changes={"statut": ["À vérifier", "Accepté"]},
    )
    migration.tag_health_changes(apps, None)
    mixed.refresh_from_db()
    assert mixed.changes == {"first_name": ["Lea", "Léa"]} and not mixed.sensitive
    health = FamilyChange.objects.get(sensitive=True, entity="enfant")
    assert health.changes == {"allergies": ["", "Arachide"]} and health.at == mixed.at
    assert FamilyChange.objects.get(pk=pai.pk).sensitive
    assert not FamilyChange.objects.get(pk=address.pk).sensitive
