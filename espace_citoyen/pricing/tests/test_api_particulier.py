from datetime import date

import pytest

from espace_citoyen.pricing import api_particulier
from espace_citoyen.pricing.tests.fake_api_particulier import TOKEN, FakeApiParticulier


@pytest.fixture
def api(settings):
    with FakeApiParticulier(slow_seconds=3) as fake:
        settings.API_PARTICULIER_URL = fake.url
        settings.API_PARTICULIER_TOKEN = TOKEN
        settings.API_PARTICULIER_TIMEOUT = 1
        yield fake


def identity(name: str = "MARTIN", **changes) -> api_particulier.Identity:
    values = {
        "birth_name": name,
        "first_names": ("Camille", "Marie"),
        "sex": "F",
        "birth_date": date(1988, 3, 14),
        "birth_country": "99100",
        "birth_commune": "51108",
        **changes,
    }
    return api_particulier.Identity(**values)


def test_the_qf_is_read_from_the_documented_v3_answer(api):
    """A 200 gives the QF, its provider and its month."""
    quotient = api_particulier.quotient_familial(identity())
    assert quotient == api_particulier.Quotient(value=812, provider="CNAF", year=2026, month=10)
    assert quotient.provider_label == "CAF"
    msa = api_particulier.quotient_familial(identity("ROUX"))
    assert (msa.value, msa.provider_label) == (150, "MSA")


def test_the_request_follows_the_v3_contract(api, settings):
    """Bearer token, identity parameters in capitals, prenoms[] repeated, COG codes."""
    settings.API_PARTICULIER_RECIPIENT = "21990001600018"
    api_particulier.quotient_familial(identity())
    sent = api.requests[-1]
    assert sent["path"] == "/v3/dss/quotient_familial/identite"
    assert sent["authorization"] == f"Bearer {TOKEN}"
    assert sent["query"] == {
        "recipient": ["21990001600018"],
        "nomNaissance": ["MARTIN"],
        "prenoms[]": ["CAMILLE", "MARIE"],
        "sexeEtatCivil": ["F"],
        "anneeDateNaissance": ["1988"],
        "moisDateNaissance": ["3"],
        "jourDateNaissance": ["14"],
        "codeCogInseePaysNaissance": ["99100"],
        "codeCogInseeCommuneNaissance": ["51108"],
    }


def test_born_abroad_sends_the_country_only(api):
    """Born abroad: the country's COG code, no commune."""
    api_particulier.quotient_familial(identity(birth_country="99127", birth_commune="51108"))
    query = api.requests[-1]["query"]
    assert query["codeCogInseePaysNaissance"] == ["99127"]
    assert "codeCogInseeCommuneNaissance" not in query


@pytest.mark.parametrize(
    ("name", "error", "status", "words"),
    [
        ("INCONNU", api_particulier.NotFound, 404, "Aucun dossier de la CAF ou de la MSA"),
        ("PANNE", api_particulier.Unavailable, 502, "pas possible pour le moment"),
        ("QUOTA", api_particulier.Unavailable, 429, "très sollicité"),
        ("BIZARRE", api_particulier.Unavailable, 200, "pas possible pour le moment"),
        ("ENORME", api_particulier.Unavailable, 200, "pas possible pour le moment"),
        ("SANSLIEU", api_particulier.BadQuery, 422, "Le code COG de la commune de naissance"),
    ],
)
def test_errors_become_messages_for_the_family(api, name, error, status, words):
    """404, 422, 429, 5xx, a broken answer and an absurd figure each give a clear French
    message."""
    with pytest.raises(error) as raised:
        api_particulier.quotient_familial(identity(name))
    assert raised.value.status == status
    assert words in raised.value.message


def test_a_refused_token_is_an_operator_problem(api, settings, caplog):
    """401/403: logged as an error for the operator; the family is told to upload."""
    settings.API_PARTICULIER_TOKEN = "jeton-expire"
    with pytest.raises(api_particulier.Unavailable) as raised:
        api_particulier.quotient_familial(identity())
    assert raised.value.status == 401
    assert "déposez votre attestation" in raised.value.message
    assert any(record.levelname == "ERROR" for record in caplog.records)


def test_a_slow_answer_times_out(api):
    """No answer within API_PARTICULIER_TIMEOUT: « n'a pas répondu à temps »."""
    with pytest.raises(api_particulier.Unavailable) as raised:
        api_particulier.quotient_familial(identity("LENTE"))
    assert "n'a pas répondu à temps" in raised.value.message


def test_an_unreachable_server(settings):
    """Nothing listening: unavailable, no crash."""
    settings.API_PARTICULIER_URL = "http://127.0.0.1:9"
    settings.API_PARTICULIER_TOKEN = TOKEN
    with pytest.raises(api_particulier.Unavailable):
        api_particulier.quotient_familial(identity())


def test_enabled_only_with_a_token(settings):
    """The option exists only when the commune has a token."""
    settings.API_PARTICULIER_TOKEN = ""
    assert not api_particulier.is_enabled()
    settings.API_PARTICULIER_TOKEN = TOKEN
    assert api_particulier.is_enabled()
