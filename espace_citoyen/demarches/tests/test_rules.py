from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.demarches.rules import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Status,
    can_move,
    family_is_told,
)


def test_decisions_are_final():
    """Accepted, refused and cancelled démarches never move again."""
    assert FINAL_STATUSES == {Status.ACCEPTED, Status.REFUSED, Status.CANCELLED}


@given(st.sampled_from(list(Status)), st.sampled_from(list(Status)))
def test_no_status_moves_to_itself_or_back_to_draft(current, target):
    if current == target or target == Status.DRAFT:
        assert not can_move(current, target)


def test_every_open_status_can_be_decided():
    for status in OPEN_STATUSES:
        assert can_move(status, Status.ACCEPTED) and can_move(status, Status.REFUSED)


def test_the_family_is_told_of_every_status_but_draft():
    assert not family_is_told(Status.DRAFT)
    assert all(family_is_told(status) for status in TRANSITIONS if status != Status.DRAFT)
