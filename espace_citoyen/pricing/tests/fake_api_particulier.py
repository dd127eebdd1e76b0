"""A local HTTP server that answers like API Particulier v3 (quotient familial CAF &
MSA by identity), with the documented payloads: the connector is tested over real HTTP.

The answer depends on the birth name asked for: MARTIN → QF 812 (CNAF), ROUX → QF 150
(MSA), INCONNU → 404, PANNE → 502, LENTE → no answer before the timeout, QUOTA → 429,
BIZARRE → a 200 that is not JSON, ENORME → a 200 with an absurd QF, SANSLIEU → 422. A
wrong token gets 401.

The 200, 404, 429 and 502 bodies are those of the documented staging cases of
/v3/dss/quotient_familial/identite; the 401 and 422 bodies use the same documented
error envelope (code, title, detail, source, meta). The connector only relies on the
HTTP status and on `detail`."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "jeton-de-test"  # noqa: S105

ALLOCATAIRE = {
    "nom_naissance": "MARTIN",
    "nom_usage": None,
    "prenoms": "CAMILLE",
    "date_naissance": "1988-03-14",
    "sexe": "F",
}
ADDRESS = {
    "destinataire": "Madame MARTIN CAMILLE",
    "complement_information": None,
    "complement_information_geographique": None,
    "numero_libelle_voie": "12 RUE DES ECOLES",
    "lieu_dit": None,
    "code_postal_ville": "99999 SAINT-EXEMPLE-SUR-MARNE",
    "pays": "FRANCE",
}


def success(value: int, provider: str) -> dict:
    return {
        "data": {
            "allocataires": [ALLOCATAIRE],
            "enfants": [
                {
                    "nom_naissance": "MARTIN",
                    "nom_usage": None,
                    "prenoms": "LEA",
                    "date_naissance": "2017-05-14",
                    "sexe": "F",
                }
            ],
            "adresse": ADDRESS,
            "quotient_familial": {
                "fournisseur": provider,
                "valeur": value,
                "annee": 2026,
                "mois": 10,
                "annee_calcul": 2026,
                "mois_calcul": 9,
            },
        },
        "links": {},
        "meta": {},
    }


def error(code: str, title: str, detail: str, provider: str | None = "CNAV") -> dict:
    return {
        "errors": [
            {
                "code": code,
                "title": title,
                "detail": detail,
                "source": None,
                "meta": {"provider": provider} if provider else {},
            }
        ]
    }


NOT_FOUND = error(
    "37003",
    "Dossier allocataire absent CNAV",
    "Le dossier allocataire n'a pas été trouvé auprès de la CNAV.",
)
UNAUTHORIZED = error(
    "00101", "Interdit d'accès", "Votre jeton n'est pas valide ou n'est pas renseigné.", None
)
BAD_GATEWAY = error(
    "37999",
    "Erreur inconnue du fournisseur de données",
    "La réponse retournée par le fournisseur de données est invalide et inconnue de notre "
    "service. L'équipe technique a été notifiée de cette erreur pour investigation.",
)
TOO_MANY = error("00429", "Trop de requêtes", "Vous avez effectué trop de requêtes", None)
UNPROCESSABLE = error(
    "00210",
    "Entité non traitable",
    "Le code COG de la commune de naissance est obligatoire pour une personne née en France.",
    None,
)


class FakeApiParticulier:
    def __init__(self, *, slow_seconds: float = 3.0):
        self.requests: list[dict] = []
        self.slow_seconds = slow_seconds
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def do_GET(self):
                url = urlparse(self.path)
                query = parse_qs(url.query)
                fake.requests.append(
                    {
                        "path": url.path,
                        "query": query,
                        "authorization": self.headers.get("Authorization"),
                    }
                )
                if url.path != "/v3/dss/quotient_familial/identite":
                    return self._send(404, error("00404", "Introuvable", "Route inconnue", None))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._send(401, UNAUTHORIZED)
                name = (query.get("nomNaissance") or [""])[0]
                if name == "MARTIN":
                    return self._send(200, success(812, "CNAF"))
                if name == "ROUX":
                    return self._send(200, success(150, "MSA"))
                if name == "ENORME":
                    return self._send(200, success(10**10, "CNAF"))
                if name == "PANNE":
                    return self._send(502, BAD_GATEWAY)
                if name == "QUOTA":
                    return self._send(429, TOO_MANY)
                if name == "SANSLIEU":
                    return self._send(422, UNPROCESSABLE)
                if name == "LENTE":
                    time.sleep(fake.slow_seconds)
                    return self._send(200, success(812, "CNAF"))
                if name == "BIZARRE":
                    body = b"<html>maintenance</html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return None
                return self._send(404, NOT_FOUND)

            def _send(self, status: int, payload: dict):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
