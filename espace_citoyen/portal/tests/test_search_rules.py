from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.portal.rules import SearchEntry, contrast_ratio, match_score, terms

CARTE = SearchEntry(
    title="Carte famille / Inscriptions",
    keywords="inscription, inscrire, carte famille, école, cantine",
    summary="Inscrivez vos enfants à l'école et au périscolaire.",
)
OTHER = SearchEntry(
    title="Stationnement", keywords="parking, voiture", summary="Cartes de stationnement résident."
)


def test_the_seed_words_find_carte_famille():
    """inscription, Inscriptions, INSCRIPTION, inscrire, famille, carte famille all match."""
    for query in [
        "inscription",
        "Inscriptions",
        "INSCRIPTION",
        "inscrire",
        "famille",
        "carte famille",
    ]:
        assert match_score(query, CARTE) > 0, query


def test_accents_and_case_do_not_matter():
    assert match_score("ECOLE", CARTE) > 0
    assert match_score("écôle", CARTE) > 0
    assert match_score("Périscolaire", CARTE) > 0


def test_every_word_must_be_found():
    assert match_score("carte piscine", CARTE) == 0
    assert match_score("famille", OTHER) == 0


def test_stop_words_alone_find_nothing():
    assert terms("de la des") == []
    assert match_score("de la", CARTE) == 0


def test_title_counts_more_than_summary():
    assert match_score("carte", CARTE) > match_score("cartes", OTHER)


@given(st.text(max_size=60))
def test_any_query_gives_a_score_and_never_fails(query):
    assert match_score(query, CARTE) >= 0


@given(st.sampled_from(["inscription", "famille", "carte famille", "cantine", "école"]))
def test_case_never_changes_the_result(query):
    assert match_score(query.upper(), CARTE) == match_score(query, CARTE) > 0


def test_contrast_of_white_on_the_default_blue_is_aa():
    assert contrast_ratio("#1f4e79", "#ffffff") >= 4.5
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert contrast_ratio("#ffff00", "#ffffff") < 4.5
