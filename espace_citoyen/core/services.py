"""The socle's writes: numbered sequences."""

from django.db import IntegrityError, transaction
from django.db.models import F

from espace_citoyen.core.models import Counter


@transaction.atomic
def counter_next(*, name: str, year: int = 0) -> int:
    """The next number of the sequence (name, year): 1, 2, 3… unique and gapless.

    The increment is one UPDATE under the row lock, so concurrent callers queue up; it
    belongs to the caller's transaction, so a rolled-back caller gives its number back."""
    updated = Counter.objects.filter(name=name, year=year).update(value=F("value") + 1)
    if not updated:
        try:
            with transaction.atomic():
                Counter.objects.create(name=name, year=year, value=1)
                return 1
        except IntegrityError:
            Counter.objects.filter(name=name, year=year).update(value=F("value") + 1)
    return Counter.objects.get(name=name, year=year).value
