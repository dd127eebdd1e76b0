"""Where a booking's time goes: cProfile of N families booking the week (the real view,
through Django's test client, PostgreSQL) and of the month page each one lands on,
grouped by what the time is spent on. One process, no concurrency: it shows the work
per request, not the queueing (bench/opening.py measures that).

    .venv/bin/python bench/profile_booking.py [families=200]

Before the profile, it times the CPU of each parent page (Mon espace, card home, month
calendar), of the minimal view /bench/ping/ (the ceiling's, behind the same middleware)
and of a booking with its page, without cProfile: `time.process_time` of this process,
the Django side only (PostgreSQL's own CPU is not in it). Pages are measured in
PROFILE_ROUNDS (5) rounds, each page's CPU compared with the minimal view's of its round.

Uses a database `PROFILE_DB` (`bench_profile`), created and dropped. PROFILE_PAGE="month
calendar" (or « Mon espace », « card home ») profiles that page instead of the booking;
PROFILE_TOP sets how many functions the profile lists (18)."""

import cProfile
import json
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
APP = Path(os.environ.get("RUSH_APP_DIR", "") or ROOT).resolve()  # as in bench/opening.py
DB = os.environ.get("PROFILE_DB", "bench_profile")
ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "") or 5)
# PROFILE_PAGE: profile one of the pages (« Mon espace », « card home », « month
# calendar ») instead of the booking with its page.
PROFILED = os.environ.get("PROFILE_PAGE", "")
ADMIN = "host=127.0.0.1 user=postgres dbname=postgres"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    # Direct debit stays on, as in production: its IBAN key, fresh for the run.
    "SEPA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
}
GROUPS = [
    (
        "sessions, user, CSRF, messages",
        ("contrib/sessions", "contrib/auth", "middleware/csrf", "contrib/messages", "axes/"),
    ),
    ("templates", ("django/template", "templatetags")),
    (
        "ORM building (query compiler)",
        (
            "db/models/sql",
            "db/models/query",
            "db/models/base",
            "db/models/fields",
            "db/models/expressions",
            "db/models/lookups",
        ),
    ),
    ("database driver and waits", ("psycopg", "db/backends")),
    (
        "calendar rules",
        ("activities/rules", "schooling/rules", "schooling/enrolment_rules", "core/dates"),
    ),
    ("booking service and selectors", ("activities/services", "activities/selectors")),
]


def group_of(filename: str) -> str:
    for label, needles in GROUPS:
        if any(needle in filename for needle in needles):
            return label
    return "other (URL routing, request, response)"


def main() -> None:
    families = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with psycopg.connect(ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB}"')
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=APP, env=ENV, check=True
        )
        seeded = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "seed.py"), str(families), "40"],
            cwd=APP,
            env=ENV,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        os.environ.update(ENV)
        sys.path.insert(0, str(APP))
        import django

        django.setup()
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        clients = []
        for family in data["families"]:
            client = Client()
            client.cookies["sessionid"] = family["session"]
            clients.append((client, family["child"]))
        # Warm up: the first request of a process reads the official calendars.
        clients[0][0].get(f"/carte-famille/activites/enfant/{clients[0][1]}/")
        month = data["monday"][:7]
        pages = {
            "minimal view (/bench/ping/)": lambda child: "/bench/ping/",
            "Mon espace": lambda child: "/mon-espace/",
            "card home": lambda child: "/carte-famille/",
            "month calendar": lambda child: (
                f"/carte-famille/activites/enfant/{child}/?mois={month}"
            ),
        }
        half = clients[1 : len(clients) // 2]
        for path_of in pages.values():
            for client, child in half[:5]:  # warm up each page's templates
                client.get(path_of(child))
        # Rounds of every page in turn: this machine's load moves from one second to the
        # next, so each page is compared with the minimal view measured in the same round.
        cpu_of = {label: [] for label in pages}
        counted = {label: [] for label in pages}
        for _round in range(ROUNDS):
            for label, path_of in pages.items():
                cpu = time.process_time()
                for client, child in half:
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(path_of(child))
                    assert response.status_code == 200, (label, response.status_code)
                    counted[label].append(len(queries))
                cpu_of[label].append((time.process_time() - cpu) / len(half) * 1000)
        print(
            f"CPU of Django per request, no profiler ({ROUNDS} rounds of {len(half)} requests "
            "each; median; ratio = the minimal view's CPU over the page's, median of rounds):"
        )
        ping = cpu_of["minimal view (/bench/ping/)"]
        for label in pages:
            ratio = statistics.median(p / x for p, x in zip(ping, cpu_of[label], strict=True))
            print(
                f"  {label:<32} {statistics.median(cpu_of[label]):6.2f} ms  "
                f"{min(counted[label])}–{max(counted[label])} statements  ratio {ratio:6.1%}"
            )
        counted = []
        cpu = time.process_time()
        for client, child in half:
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    f"/carte-famille/activites/enfant/{child}/semaine/",
                    {"activity": data["activities"][0], "monday": data["monday"]},
                    follow=True,
                )
            assert response.status_code == 200, response.status_code
            counted.append(len(queries))
        cpu_ms = (time.process_time() - cpu) / len(half) * 1000
        print(
            f"  {'booking POST + month page':<32} {cpu_ms:6.2f} ms  "
            f"{min(counted)}–{max(counted)} statements"
        )
        clients = clients[len(clients) // 2 - 1 :]
        profile = cProfile.Profile()
        statements = []
        started, cpu = time.perf_counter(), time.process_time()
        for client, child in clients[1:]:
            with CaptureQueriesContext(connection) as queries:
                profile.enable()
                if PROFILED in pages:  # a page instead of the booking
                    response = client.get(pages[PROFILED](child))
                else:
                    response = client.post(
                        f"/carte-famille/activites/enfant/{child}/semaine/",
                        {"activity": data["activities"][0], "monday": data["monday"]},
                        follow=True,
                    )
                profile.disable()
            assert response.status_code == 200, response.status_code
            statements.append(len(queries))
        count = len(clients) - 1
        wall = (time.perf_counter() - started) / count * 1000
        cpu_ms = (time.process_time() - cpu) / count * 1000
        client, child = clients[-1]
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/carte-famille/activites/enfant/{child}/?mois={data['monday'][:7]}")
        print("the month page's statements, slowest first (ms):")
        for query in sorted(queries, key=lambda q: -float(q["time"]))[:6]:
            print(f"  {float(query['time']) * 1000:8.1f}  {query['sql'][:160]}")
        reset_queries()
        print(f"{count} bookings followed by their month page, one after another:")
        print(
            f"  {wall:.1f} ms wall, {cpu_ms:.1f} ms CPU of Django per booking + page, "
            f"{min(statements)}–{max(statements)} SQL statements (both requests)"
        )
        stats = pstats.Stats(profile)
        total = sum(row[2] for row in stats.stats.values())
        by_group: dict[str, float] = {}
        for (filename, _line, _name), row in stats.stats.items():
            by_group[group_of(filename)] = by_group.get(group_of(filename), 0) + row[2]
        print("  own time by kind of work (cProfile, so slower than without it):")
        for label, seconds in sorted(by_group.items(), key=lambda item: -item[1]):
            print(f"    {label:<42} {seconds / total:6.1%}")
        print("  top functions by cumulative time:")
        stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_TOP", "") or 18))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
