import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]
# The browser tests' flag must not leak into a production-like check.
BASE_ENV = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_check_deploy_is_clean_with_debug_off():
    """With DEBUG off and a real secret, `manage.py check --deploy` reports nothing."""
    env = {
        **BASE_ENV,
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 12,
        "ALLOWED_HOSTS": "citoyen.example.org",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SEPA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_a_secret_key_and_debug_off_nothing_serves():
    """No SECRET_KEY with DEBUG off: the system checks warn (and `check --deploy
    --fail-level WARNING` fails), the WSGI entry point refuses to serve; makemigrations,
    which needs no secret, still runs."""
    env = {**BASE_ENV, "DEBUG": "0", "SECRET_KEY": "", "DJANGO_SETTINGS_MODULE": "config.settings"}

    def run(*args):
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    check = run("manage.py", "check", "--fail-level", "WARNING")
    assert check.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in check.stderr
    wsgi = run("-c", "import config.wsgi")
    assert wsgi.returncode != 0
    assert "SECRET_KEY must be set" in wsgi.stderr
    assert run("manage.py", "makemigrations", "--check", "--dry-run").returncode == 0


def test_a_nul_character_gets_a_400_not_a_500(client, db):
    """URLs, query strings and forms carrying a NUL character are refused politely."""
    for response in (
        client.get("/carte-famille/demarches/D-2026%00/"),
        client.get("/recherche/", {"q": "inscr\x00iption"}),
        client.post("/compte/creer/", {"last_name": "Nul\x00"}),
    ):
        assert response.status_code == 400
        assert "Requête incorrecte" in response.content.decode()
