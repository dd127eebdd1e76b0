"""Reads on the hot path (the pages every parent opens) in one raw statement each.

Building an ORM query costs more CPU than running it: a `filter().select_related()`
compiles its SQL anew on every request. Here the SQL is written once, in the selector,
and the rows come back through Django's own converters (those the ORM would apply), so
a date is a date, a JSON field is decoded and a datetime is aware, on SQLite as on
PostgreSQL. Keep it for the few reads measured hot (docs/benchmarks.md); the ORM stays
the rule everywhere else."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db import connection


def fetch(sql: str, params=()) -> list[tuple]:
    """The rows of one statement (`%s` placeholders, values passed apart)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The values an id column (BigAutoField) can hold. The ORM finds nothing for an id
# beyond them; a raw statement would hand it to the driver, and SQLite's raises
# OverflowError: check ids that come from a request (a URL's <int:…>) first.
ID_RANGE = range(-(2**63), 2**63)


def moment(value: datetime):
    """An aware datetime as the database compares it with a DateTimeField column."""
    return connection.ops.adapt_datetimefield_value(value)


@dataclass(frozen=True)
class Columns:
    """Some columns of a model under a table alias: `sql` for the SELECT list, `build` to
    turn their part of a row into the model's instance (fields not listed are deferred:
    reading one would run a query, so list every field the page uses)."""

    model: type
    names: tuple[str, ...]
    sql: str
    converters: tuple

    def convert(self, values) -> list:
        converted = list(values)
        for index, expression, functions in self.converters:
            value = converted[index]
            for function in functions:
                value = function(value, expression, connection)
            converted[index] = value
        return converted

    def build(self, values):
        return self.model.from_db(connection.alias, self.names, self.convert(values))

    def __len__(self) -> int:
        return len(self.names)


def columns(model, names: tuple[str, ...] | None = None, alias: str = "") -> Columns:
    """The columns of `names` (attribute names, e.g. "family_id"; all concrete fields when
    None) of `model`, in the model's order, qualified by `alias` (the table's name when
    empty)."""
    return _columns(model, names, alias, connection.vendor)


@lru_cache(maxsize=256)
def _columns(model, names, alias, _vendor) -> Columns:
    fields = model._meta.concrete_fields
    if names is not None:
        unknown = set(names) - {field.attname for field in fields}
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        # In the model's order: Model.from_db places a partial row's values that way.
        fields = [field for field in fields if field.attname in names]
    table = alias or model._meta.db_table
    quote = connection.ops.quote_name
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(table)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(
            connection
        )
        if functions:
            converters.append((index, expression, tuple(functions)))
    return Columns(
        model=model,
        names=tuple(field.attname for field in fields),
        sql=", ".join(f"{quote(table)}.{quote(field.column)}" for field in fields),
        converters=tuple(converters),
    )
