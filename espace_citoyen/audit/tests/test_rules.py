"""The trail's diff: exactly the values that changed, from what to what."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.audit import rules

values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
snapshots = st.dictionaries(st.sampled_from("abcdef"), values, max_size=6)


@given(snapshots, snapshots)
def test_the_diff_turns_before_into_after(before, after):
    """Applying the recorded changes to `before` gives `after` (a missing value is None),
    and nothing unchanged is recorded."""
    changes = rules.diff(before, after)
    rebuilt = {**before, **{key: new for key, (_old, new) in changes.items()}}
    for key in {*before, *after}:
        assert rebuilt.get(key) == after.get(key)
    assert all(old != new for old, new in changes.values())


def test_values_are_kept_as_json():
    assert rules.plain(date(2026, 11, 30)) == "2026-11-30"
    assert rules.plain(Decimal("7.65")) == "7.65"
    assert rules.plain([date(2026, 1, 1)]) == ["2026-01-01"]
