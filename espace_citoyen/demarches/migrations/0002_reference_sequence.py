"""Démarche references come from a PostgreSQL sequence (unique, not gapless): no row lock
held until commit, so families enrolling at the same moment do not wait for each other."""

from django.db import migrations

from espace_citoyen.core.db import sequence_create


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_counter"),
        ("demarches", "0001_initial"),
    ]

    operations = [sequence_create("demarche")]
