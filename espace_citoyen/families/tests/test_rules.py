from datetime import date

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.families import rules


def test_a_code_has_at_least_40_bits():
    """10 symbols from a 32-letter alphabet: 50 bits of randomness."""
    assert len(rules.CODE_ALPHABET) == 32
    assert rules.CODE_LENGTH * 5 >= 40
    codes = {rules.code_generate() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(rules.code_is_well_formed(code) for code in codes)


def test_a_code_is_shown_grouped():
    assert rules.code_display("K7QM3XPA9D") == "K7QM-3XPA-9D"


@given(st.text(alphabet=rules.CODE_ALPHABET, min_size=10, max_size=10), st.data())
def test_typing_is_tolerant(code, data):
    """Lower case, spaces, dashes and look-alike letters give back the same code."""
    typed = rules.code_display(code)
    if data.draw(st.booleans()):
        typed = typed.lower()
    typed = typed.replace("-", data.draw(st.sampled_from(["-", " ", "", " - "])))
    typed = typed.replace("0", data.draw(st.sampled_from(["0", "O", "o"])))
    typed = typed.replace("1", data.draw(st.sampled_from(["1", "I", "l"])))
    assert rules.code_normalise(f"  {typed} ") == code


def test_the_hash_depends_on_the_key_and_hides_the_code():
    digest = rules.code_hash("K7QM3XPA9D", key="a")
    assert "K7QM" not in digest
    assert digest != rules.code_hash("K7QM3XPA9D", key="b")
    assert digest == rules.code_hash("K7QM3XPA9D", key="a")


def test_diff_lists_changed_fields_only():
    assert rules.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.dates(min_value=date(2030, 12, 31), max_value=date(2050, 12, 31)),
)
def test_age_is_the_number_of_birthdays_passed(birth, day):
    assert rules.age_on(birth, day) == relativedelta(day, birth).years


def test_birth_date_problems():
    today = date(2026, 11, 26)
    assert rules.child_birth_date_problem(date(2026, 11, 27), today).startswith(
        "La date de naissance"
    )
    assert "18 ans" in rules.child_birth_date_problem(date(2008, 11, 26), today)
    assert rules.child_birth_date_problem(date(2008, 11, 27), today) is None
    assert rules.child_birth_date_problem(today, today) is None
