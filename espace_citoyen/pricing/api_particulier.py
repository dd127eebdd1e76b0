"""API Particulier adapter: the quotient familial CAF & MSA, by the allocataire's identity
(v3, GET /v3/dss/quotient_familial/identite, bearer token).

Used only when the commune has a token (settings.API_PARTICULIER_TOKEN) and the family
agreed. Only the QF, its provider and its month are kept: the list of allocataires,
children and the address that the API also returns are not stored.

Every failure is an ApiParticulierError carrying a French message for the family; the
family can always fall back to uploading the attestation."""

import logging
from dataclasses import dataclass
from datetime import date

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from espace_citoyen.pricing.rules import QF_AGENT_MAX

logger = logging.getLogger(__name__)

ENDPOINT = "/v3/dss/quotient_familial/identite"
FRANCE = "99100"  # COG code of France as a country of birth


def is_enabled() -> bool:
    """The option is offered only when the commune has an API Particulier token."""
    return bool(settings.API_PARTICULIER_TOKEN)


@dataclass(frozen=True)
class Identity:
    birth_name: str
    first_names: tuple[str, ...]
    sex: str  # "F" or "M", as on the civil status
    birth_date: date | None
    birth_country: str = FRANCE  # COG code, 5 digits
    birth_commune: str = ""  # COG code, required when born in France
    usage_name: str = ""


@dataclass(frozen=True)
class Quotient:
    value: int
    provider: str  # "CNAF" or "MSA"
    year: int
    month: int

    @property
    def provider_label(self) -> str:
        return "MSA" if self.provider.upper() == "MSA" else "CAF"


class ApiParticulierError(Exception):
    """A failure, with a message the family can read."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class NotFound(ApiParticulierError):
    """No CAF or MSA file matches the identity."""


class Unavailable(ApiParticulierError):
    """The service is down, slow, or refused us: try later or upload the attestation."""


class BadQuery(ApiParticulierError):
    """The identity given cannot be searched (a missing or badly formed field)."""


def _params(identity: Identity, year: int | None, month: int | None) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    recipient = settings.API_PARTICULIER_RECIPIENT
    if recipient:
        params.append(("recipient", recipient))
    params.append(("nomNaissance", identity.birth_name.strip().upper()))
    if identity.usage_name.strip():
        params.append(("nomUsage", identity.usage_name.strip().upper()))
    for first_name in identity.first_names:
        if first_name.strip():
            params.append(("prenoms[]", first_name.strip().upper()))
    params.append(("sexeEtatCivil", identity.sex))
    if identity.birth_date:
        params += [
            ("anneeDateNaissance", str(identity.birth_date.year)),
            ("moisDateNaissance", str(identity.birth_date.month)),
            ("jourDateNaissance", str(identity.birth_date.day)),
        ]
    params.append(("codeCogInseePaysNaissance", identity.birth_country))
    if identity.birth_country == FRANCE and identity.birth_commune:
        params.append(("codeCogInseeCommuneNaissance", identity.birth_commune))
    if year and month:
        params += [("annee", str(year)), ("mois", str(month))]
    return params


def _error_detail(response) -> str:
    try:
        errors = response.json().get("errors") or []
        return str(errors[0].get("detail") or errors[0].get("title") or "")
    except (ValueError, AttributeError, IndexError, TypeError):
        return ""


def _unavailable() -> str:
    return _(
        "La consultation de votre quotient familial auprès de la CAF ou de la MSA n'est pas "
        "possible pour le moment. Réessayez plus tard, ou déposez votre attestation."
    )


def quotient_familial(
    identity: Identity, *, year: int | None = None, month: int | None = None
) -> Quotient:
    """The QF of the allocataire `identity` (of `year`/`month`, or the latest one)."""
    url = settings.API_PARTICULIER_URL + ENDPOINT
    try:
        response = requests.get(
            url,
            params=_params(identity, year, month),
            headers={
                "Authorization": f"Bearer {settings.API_PARTICULIER_TOKEN}",
                "Accept": "application/json",
            },
            timeout=settings.API_PARTICULIER_TIMEOUT,
        )
    except requests.Timeout:
        logger.warning("API Particulier: timeout after %ss", settings.API_PARTICULIER_TIMEOUT)
        raise Unavailable(
            _(
                "La CAF ou la MSA n'a pas répondu à temps. Réessayez dans quelques minutes, "
                "ou déposez votre attestation."
            )
        ) from None
    except requests.RequestException as error:
        logger.warning("API Particulier: %s", error.__class__.__name__)
        raise Unavailable(_unavailable()) from None

    status = response.status_code
    if status == 200:
        return _parse(response)
    detail = _error_detail(response)
    if status == 404:
        raise NotFound(
            _(
                "Aucun dossier de la CAF ou de la MSA ne correspond à ces informations. "
                "Vérifiez votre nom de naissance, vos prénoms, votre date et votre lieu de "
                "naissance, ou déposez votre attestation."
            ),
            status=status,
        )
    if status in (400, 422):
        logger.info("API Particulier: query refused (%s): %s", status, detail)
        raise BadQuery(
            _("Ces informations ne permettent pas la recherche : %(detail)s")
            % {"detail": detail or _("vérifiez-les.")},
            status=status,
        )
    if status in (401, 403):
        # The commune's token is missing, expired or lacks the scope: an operator's
        # problem, logged as an error; the family is told to upload the attestation.
        logger.error("API Particulier: access refused (%s): %s", status, detail)
        raise Unavailable(_unavailable(), status=status)
    if status == 429:
        raise Unavailable(
            _(
                "Le service de consultation est très sollicité. Réessayez dans une minute, "
                "ou déposez votre attestation."
            ),
            status=status,
        )
    logger.error("API Particulier: error %s: %s", status, detail)
    raise Unavailable(_unavailable(), status=status)


def _parse(response) -> Quotient:
    try:
        data = response.json()["data"]["quotient_familial"]
        value = data["valeur"]
        quotient = Quotient(
            value=int(value),
            provider=str(data.get("fournisseur") or ""),
            year=int(data["annee"]),
            month=int(data["mois"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        logger.error("API Particulier: unexpected response shape (%s)", error)
        raise Unavailable(_unavailable(), status=200) from None
    if not 0 <= quotient.value <= QF_AGENT_MAX or not 1 <= quotient.month <= 12:
        logger.error("API Particulier: implausible figures in the response")
        raise Unavailable(_unavailable(), status=200)
    return quotient
