"""The level a birth date gives, the campaign window, places left at a school."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.schooling import rules

RENTREE_2027 = date(2027, 9, 1)


def test_three_in_the_calendar_year_of_the_rentree_is_petite_section():
    """A child born on 31 December 2024 turns 3 in 2027: PS at the 2027 rentrée."""
    assert rules.level_for_birth_date(date(2024, 12, 31), RENTREE_2027) == "PS"


def test_born_on_new_years_day_after_is_a_year_younger():
    """A child born on 1 January 2025 is only 2 in 2027: no level proposed, TPS at most."""
    assert rules.level_for_birth_date(date(2025, 1, 1), RENTREE_2027) is None
    assert rules.allowed_levels(date(2025, 1, 1), RENTREE_2027) == ["TPS"]


def test_born_on_new_years_day_is_the_same_level_as_on_new_years_eve():
    """1 January and 31 December of the same year give the same level (MS for 2023)."""
    assert rules.level_for_birth_date(date(2023, 1, 1), RENTREE_2027) == "MS"
    assert rules.level_for_birth_date(date(2023, 12, 31), RENTREE_2027) == "MS"


def test_cp_at_six_and_cm2_at_ten():
    """6 in the year of the rentrée is CP, 10 is CM2, 11 is collège (no level here)."""
    assert rules.level_for_birth_date(date(2021, 12, 31), RENTREE_2027) == "CP"
    assert rules.level_for_birth_date(date(2022, 1, 1), RENTREE_2027) == "GS"
    assert rules.level_for_birth_date(date(2017, 1, 1), RENTREE_2027) == "CM2"
    assert rules.level_for_birth_date(date(2016, 12, 31), RENTREE_2027) is None


@given(st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)))
def test_the_level_changes_only_at_the_turn_of_a_year(birth_date):
    """Only the calendar year of birth counts: every day of a year gives one level, and
    the next year gives the level before."""
    first_day = date(birth_date.year, 1, 1)
    assert rules.level_for_birth_date(birth_date, RENTREE_2027) == rules.level_for_birth_date(
        first_day, RENTREE_2027
    )
    older = rules.level_for_birth_date(first_day - timedelta(days=1), RENTREE_2027)
    younger = rules.level_for_birth_date(first_day, RENTREE_2027)
    if older and younger:
        assert rules.LEVEL_ORDER.index(older) == rules.LEVEL_ORDER.index(younger) + 1


@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31)))
def test_the_proposed_level_is_always_allowed(birth_date):
    """The level proposed from the birth date is among those the family may ask for."""
    proposed = rules.level_for_birth_date(birth_date, RENTREE_2027)
    if proposed:
        assert proposed in rules.allowed_levels(birth_date, RENTREE_2027)


def test_campaign_window_includes_both_days():
    """The first and the last day of the campaign are open; the days around are not."""
    start, end = date(2026, 11, 2), date(2027, 3, 31)
    assert rules.campaign_is_open(start, start, end)
    assert rules.campaign_is_open(end, start, end)
    assert not rules.campaign_is_open(start - timedelta(days=1), start, end)
    assert not rules.campaign_is_open(end + timedelta(days=1), start, end)
    assert not rules.campaign_is_open(start, None, None)


def test_closed_campaign_message_gives_the_dates():
    """Outside the window the family reads the window's dates."""
    message = rules.campaign_closed_message(
        "2027-2028", date(2027, 4, 2), date(2026, 11, 2), date(2027, 3, 31)
    )
    assert "sont closes" in message
    assert "du 2 novembre 2026 au 31 mars 2027" in message
    message = rules.campaign_closed_message(
        "2027-2028", date(2026, 10, 1), date(2026, 11, 2), date(2027, 3, 31)
    )
    assert "pas encore ouvertes" in message and "2 novembre 2026" in message


def test_the_first_of_the_month_is_written_1er():
    """French writes « 1er mars », not « 1 mars »."""
    message = rules.campaign_closed_message(
        "2027-2028", date(2027, 4, 2), date(2026, 12, 1), date(2027, 3, 1)
    )
    assert "du 1er décembre 2026 au 1er mars 2027" in message


def test_places_left_is_capacity_minus_accepted():
    """Places left: capacity minus accepted pupils, negative when over; unknown without
    a capacity."""
    assert rules.places_left(250, 1) == 249
    assert rules.places_left(20, 22) == -2
    assert rules.places_left(None, 5) is None
