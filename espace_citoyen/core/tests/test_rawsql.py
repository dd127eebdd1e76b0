"""Raw reads give the same objects as the ORM: every type through Django's converters,
partial rows in the model's order, on SQLite as on PostgreSQL."""

from datetime import time

import pytest

from espace_citoyen.activities.factories import activity_create
from espace_citoyen.activities.models import Activity
from espace_citoyen.core import rawsql
from espace_citoyen.families.factories import family_create
from espace_citoyen.families.models import Child

pytestmark = pytest.mark.django_db


def test_whole_rows_read_as_the_orm_reads_them():
    activity = activity_create(
        name="Accueil du soir",
        eligible_levels=["CP", "CE1"],
        weekdays=[0, 3],
        deadline_time=time(10, 30),
    )
    cols = rawsql.columns(Activity, alias="a")
    (row,) = rawsql.fetch(
        f"SELECT {cols.sql} FROM activities_activity a WHERE a.id = %s", [activity.pk]
    )
    raw = cols.build(row)
    orm = Activity.objects.get(pk=activity.pk)
    for field in Activity._meta.concrete_fields:
        assert getattr(raw, field.attname) == getattr(orm, field.attname), field.name
    assert raw.eligible_levels == ["CP", "CE1"] and raw.deadline_time == time(10, 30)
    assert raw._state.adding is False


def test_partial_rows_keep_each_value_in_its_field_whatever_the_order_asked():
    family = family_create(children=1)
    child = family.children.get()
    cols = rawsql.columns(Child, ("last_name", "birth_date", "id", "first_name"), alias="c")
    (row,) = rawsql.fetch(f"SELECT {cols.sql} FROM families_child c WHERE c.id = %s", [child.pk])
    raw = cols.build(row)
    assert (raw.pk, raw.first_name, raw.last_name, raw.birth_date) == (
        child.pk,
        child.first_name,
        child.last_name,
        child.birth_date,
    )


def test_a_column_the_model_lacks_is_refused():
    with pytest.raises(ValueError, match="no column"):
        rawsql.columns(Child, ("id", "shoe_size"))
