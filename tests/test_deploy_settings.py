"""Several web machines behind a load balancer: the settings that must not keep in one
process's memory what another machine needs. The settings module is loaded in a fresh
interpreter with a production environment, as gunicorn would."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
django.setup()
from django.conf import settings
from importlib import import_module
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from axes.handlers.proxy import AxesProxyHandler
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "location": settings.CACHES["default"].get("LOCATION", ""),
    "session": settings.SESSION_ENGINE,
    "session_in_db": issubclass(
        import_module(settings.SESSION_ENGINE).SessionStore, DatabaseSessionStore
    ),
    "fragments": settings.CACHES["fragments"]["BACKEND"],
    "axes": type(AxesProxyHandler.get_implementation()).__name__,
    "media": settings.MEDIA_ROOT,
    "private": settings.STORAGES["private"]["OPTIONS"]["location"],
}))
"""


def settings_with(**environment) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="citoyen.example.org",
        **environment,
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cache_url_gives_djangos_redis_cache_shared_by_every_machine(tmp_path):
    found = settings_with(
        CACHE_URL="redis://cache.internal:6379/0",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["location"] == "redis://cache.internal:6379/0"
    # Sessions and login lockouts live in the database, shared by every machine.
    assert found["session"] == "espace_citoyen.accounts.sessions"
    assert found["session_in_db"] is True  # Django's database engine, read raw
    assert found["axes"] == "AxesDatabaseHandler"
    # The fragments stay in each process: each is a pure function of its key.
    assert found["fragments"] == "django.core.cache.backends.locmem.LocMemCache"
    # Uploads go where the shared storage is mounted.
    assert found["media"] == str(tmp_path / "media")
    assert found["private"] == str(tmp_path / "private")


def test_without_cache_url_each_process_keeps_its_own_cache():
    assert settings_with()["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_an_edit_of_the_commune_shows_on_another_machine_through_redis():
    """Two processes (two machines) on the same Redis: what one clears, the other sees."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    script = (
        f"KEY = 'deploy-test-{os.getpid()}'\n"
        + """
import django, sys
django.setup()
from django.core.cache import cache
if sys.argv[1] == "set":
    cache.set(KEY, "valeur de la machine A", 30)
else:
    print(cache.get(KEY))
    cache.delete(KEY)
"""
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "CACHE_URL": "redis://127.0.0.1:6379/15",
    }
    for step in ("set", "get"):
        result = subprocess.run(
            [sys.executable, "-c", script, step], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "valeur de la machine A"


@pytest.mark.parametrize(
    ("cache_url", "message"),
    [
        ("cache.internal:6379", "must begin with redis://, rediss:// or unix://"),
        ("memcached://:s3cret@cache.internal:11211", "must begin with redis://"),
        ("redis://cache.internal:port/0", "the port must be a number"),
        ("redis://:6379/0", "names no host"),
    ],
)
def test_a_mistyped_cache_url_stops_the_start_with_a_clear_message(cache_url, message):
    """Not a 500 at the first page that reads the cache: the process does not start, and
    says why, without repeating the address (it may hold the cache's password)."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", CACHE_URL=cache_url)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
    assert "s3cret" not in result.stderr


def test_a_primary_and_its_replicas_are_accepted():
    found = settings_with(CACHE_URL="redis://primary:6379/0,redis://replica:6379/0")
    assert found["location"] == "redis://primary:6379/0,redis://replica:6379/0"
