"""Opening day: N families (RUSH_FAMILIES, default 2,500), each logged in beforehand, book
one scarce holiday week, over HTTP, against gunicorn and PostgreSQL on this machine.

The client is open-loop and light (bench/client.py: one asyncio process, raw HTTP/1.1):
each family's booking is sent at its arrival time whatever the other answers, and its
latency is counted from that arrival to the end of the page the browser lands on (the
page telling the family where it stands: with the booking queue, the POST's own answer;
without it, the month calendar its redirect leads to, followed).
Every figure is printed with its ratio to the stack's ceiling (the minimal Django view,
measured by the same client in the same run), because this machine is shared.

Two modes (RUSH_MODE): « queue » (the default) runs the server with BOOKING_QUEUE on and
the booking queue's worker (`manage.py booking_queue`) beside gunicorn, its CPU counted
with the server's: the family lands on « Demande enregistrée » (or the answer, if the
worker was quicker), and each request's time from arrival to decision is read back
from PostgreSQL after the rush (it must be under 10 s for everybody). « sync » books
each week during its request, as without the queue.

Phases:
 1. ceiling: /bench/ping/ (closed loop, RUSH_CONCURRENCY keep-alive connections);
 2. logins with the production password hasher (RUSH_LOGINS families, 100 by default;
    the others keep the session the seed gave them), GET form + POST, all at once;
 3. the pages a parent opens (Mon espace, card home, month calendar), closed loop;
 4. rush 1: the N bookings arrive evenly over RUSH_SPREAD seconds (10) on centre 1;
 5. rush 2: the N bookings arrive at the same instant on centre 2;
 6. the ceiling again; each rush's invariants read back from PostgreSQL: 0 errors,
    0 days over capacity, the places to the earliest arrivals, waitlist ranks in order.

    make bench-rush                                  # 2,500 families, 40 places
    RUSH_MODE=sync make bench-rush                   # each week booked during its POST
    RUSH_FAMILIES=500 make bench-rush                # the 500-family line
    RUSH_LOGINS=all make bench-rush                  # every family logs in over HTTP

Settings (environment): RUSH_MODE (queue or sync), RUSH_FAMILIES (2500), RUSH_CAPACITY
(40), RUSH_SPREAD (10 s), RUSH_DECISION_LIMIT (10 s: the longest wait for a decision),
RUSH_LOGINS (100 or "all"), RUSH_WORKERS (gunicorn workers, 2 × cores + 1),
RUSH_THREADS (threads per worker, 2), RUSH_CONCURRENCY (closed-loop connections, 32),
RUSH_PAGE_REQUESTS (600 per page), RUSH_PING_REQUESTS (3000), RUSH_PORT, RUSH_DB
(bench_rush), RUSH_JSON (write the figures there), CACHE_URL (passed to the server),
PGHOST/PGPORT/PGUSER. The database is created for the run and dropped after it."""

import asyncio
import json
import os
import re
import resource
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import Connection, closed_loop, fetch, open_loop  # noqa: E402
from phases import Phase  # noqa: E402
from readback import check_decisions, check_rush, drained  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The application the server runs (default: this checkout). Point it at an export of an
# older commit to measure before and after with the same client in the same conditions.
APP = Path(os.environ.get("RUSH_APP_DIR", "") or ROOT).resolve()
PYTHON = sys.executable


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


MODE = os.environ.get("RUSH_MODE", "").strip() or "queue"
if MODE not in ("queue", "sync"):
    sys.exit(f"RUSH_MODE is « queue » or « sync », not {MODE!r}")
QUEUED = MODE == "queue"
MODE_LABEL = (
    "booking queue: BOOKING_QUEUE on, its worker beside gunicorn"
    if QUEUED
    else "weeks booked during the request"
)
DECISION_LIMIT = float(os.environ.get("RUSH_DECISION_LIMIT", "") or 10)
FAMILIES = env_int("RUSH_FAMILIES", 2500)
CAPACITY = env_int("RUSH_CAPACITY", 40)
SPREAD = float(os.environ.get("RUSH_SPREAD", "") or 10)
LOGINS = os.environ.get("RUSH_LOGINS", "").strip() or "100"
WORKERS = env_int("RUSH_WORKERS", 2 * (os.cpu_count() or 1) + 1)
THREADS = env_int("RUSH_THREADS", 2)
CONCURRENCY = env_int("RUSH_CONCURRENCY", 32)
PAGE_REQUESTS = env_int("RUSH_PAGE_REQUESTS", 600)
PING_REQUESTS = env_int("RUSH_PING_REQUESTS", 3000)
PORT = env_int("RUSH_PORT", 0) or free_port()
DB = os.environ.get("RUSH_DB", "bench_rush")  # another name to run beside another bench
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = os.environ.get("PGPORT", "5432")
PGUSER = os.environ.get("PGUSER", "postgres")
HOST = "127.0.0.1"
BASE = f"http://{HOST}:{PORT}"
ADMIN_DSN = f"host={PGHOST} port={PGPORT} user={PGUSER} dbname=postgres"
DSN = f"host={PGHOST} port={PGPORT} user={PGUSER} dbname={DB}"

SERVER_ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": f"postgres://{PGUSER}@{PGHOST}:{PGPORT}/{DB}",
    "DATABASE_CONN_MAX_AGE": "60",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    # Direct debit stays on, as in production: its IBAN key, fresh for the run.
    "SEPA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": BASE,
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "ERROR",
    "BOOKING_QUEUE": "1" if QUEUED else "0",
}
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_CHARS = string.ascii_letters + string.digits


def admin(sql: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql)


class Family:
    def __init__(self, email: str, child: int, session: str):
        self.email = email
        self.child = child
        token = "".join(secrets.choice(CSRF_CHARS) for _ in range(32))
        self.jar = {"sessionid": session, "csrftoken": token}


async def login(family: Family, password: str) -> None:
    """The login form, then its POST with the production password hasher."""
    connection = Connection(HOST, PORT)
    try:
        family.jar.pop("sessionid", None)
        status, body, _first = await fetch(connection, "GET", "/compte/connexion/", family.jar)
        token = CSRF_INPUT.search(body).group(1).decode()
        status, body, first = await fetch(
            connection,
            "POST",
            "/compte/connexion/",
            family.jar,
            form={"csrfmiddlewaretoken": token, "username": family.email, "password": password},
            headers={"Referer": f"{BASE}/compte/connexion/"},
        )
        if first != 302 or "sessionid" not in family.jar:
            raise RuntimeError(f"login {family.email}: {first}")
    finally:
        connection.close()


async def ping(connection: Connection, _index: int) -> None:
    status, _headers, _cookies, body = await connection.request("GET", "/bench/ping/")
    if status != 200 or body != b"ok":
        raise RuntimeError(f"ping: {status}")


def page_request(families: list[Family], path_of, expected: bytes):
    async def request(connection: Connection, index: int) -> None:
        family = families[index % len(families)]
        status, body, _first = await fetch(connection, "GET", path_of(family), dict(family.jar))
        if status != 200 or expected not in body:
            raise RuntimeError(f"{path_of(family)}: {status}")

    return request


# The page a family lands on tells where it stands: booked, ranked on the waitlist, or
# (booking queue) the request recorded, its answer on the way.
LANDED = (
    "est réservée".encode(),
    b"liste d&#x27;attente",
    b"liste d'attente",
    "Demande enregistrée".encode(),
)


def booking_request(families: list[Family], activity: int, monday: str):
    loop = asyncio.get_running_loop()

    async def request(index: int) -> float:
        """A browser coming back: a new connection, the POST, and the page it lands on:
        the POST's own answer (the booking queue answers with the request's page), or the
        page its redirect leads to (weeks booked during the request), followed."""
        family = families[index]
        connection = Connection(HOST, PORT)
        try:
            status, response_headers, set_cookies, body = await connection.request(
                "POST",
                f"/carte-famille/activites/enfant/{family.child}/semaine/",
                cookies=family.jar,
                form={
                    "csrfmiddlewaretoken": family.jar["csrftoken"],
                    "activity": activity,
                    "monday": monday,
                },
                headers={"Referer": f"{BASE}/carte-famille/activites/"},
            )
            first_done = loop.time()
            if status == 302:
                jar = dict(family.jar)
                for line in set_cookies:
                    name, _sep, value = line.split(";")[0].partition("=")
                    jar[name.strip()] = value
                location = response_headers["location"].removeprefix(BASE)
                status, _headers, _cookies, body = await connection.request(
                    "GET", location, cookies=jar
                )
            if status != 200 or not any(sign in body for sign in LANDED):
                raise RuntimeError(f"booking and its page {family.email}: {status}")
            return first_done
        finally:
            connection.close()

    return request


def start_worker() -> subprocess.Popen:
    """The booking queue's worker, beside gunicorn, as in production (docs/deploy.md)."""
    return subprocess.Popen([PYTHON, "manage.py", "booking_queue"], cwd=APP, env=SERVER_ENV)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def start_server() -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--worker-class",
            "gthread",
            "--worker-connections",
            str(max(1000, FAMILIES)),
            "--backlog",
            "4096",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=APP,
        env=SERVER_ENV,
    )
    for _attempt in range(150):
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped")
        try:
            with socket.create_connection((HOST, PORT), timeout=1) as sock:
                sock.sendall(f"GET /bench/ping/ HTTP/1.0\r\nHost: {HOST}\r\n\r\n".encode())
                if b" 200 " in sock.recv(100):
                    return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


async def run(data: dict, master: int, worker: int | None) -> tuple[dict, bool]:
    figures: dict = {}
    families = [Family(f["email"], f["child"], f["session"]) for f in data["families"]]
    monday = data["monday"]

    async def ceiling(label, requests=PING_REQUESTS):
        phase = Phase(master, DB, worker)
        recorder = await closed_loop(HOST, PORT, ping, requests, CONCURRENCY, label)
        return phase.report(recorder)

    async def next_to(key):
        """The ceiling measured right before a phase: the machine's load moves."""
        figures.setdefault("adjacent", {})[key] = (await ceiling("  ceiling next to it", 1000))[
            "rps"
        ]

    # Warm every worker (imports, URL resolver, the official calendars read once per
    # process): a server that has been up for more than a few requests has done it.
    warm = page_request(
        families, lambda f: f"/carte-famille/activites/enfant/{f.child}/?mois={monday[:7]}", b""
    )
    await closed_loop(HOST, PORT, warm, WORKERS * THREADS * 8, WORKERS * THREADS, "warm-up")
    figures["ceiling_before"] = await ceiling("ceiling: minimal view")

    sample = families if LOGINS == "all" else families[: min(int(LOGINS), len(families))]
    await next_to("logins")
    phase = Phase(master, DB, worker)
    recorder = await open_loop(
        [0.0] * len(sample),
        lambda i: _timed(login(sample[i], data["password"])),
        "logins (production hasher)",
    )
    figures["logins"] = phase.report(recorder)

    pages = {
        "mon_espace": ("page: Mon espace", lambda f: "/mon-espace/", b"<h1"),
        "card": ("page: card home", lambda f: "/carte-famille/", b"<h1"),
        "calendar": (
            "page: month calendar",
            lambda f: f"/carte-famille/activites/enfant/{f.child}/?mois={monday[:7]}",
            "Réserver la semaine".encode(),
        ),
    }
    for key, (label, path_of, expected) in pages.items():
        await next_to(key)
        phase = Phase(master, DB, worker)
        recorder = await closed_loop(
            HOST, PORT, page_request(families, path_of, expected), PAGE_REQUESTS, CONCURRENCY, label
        )
        figures[key] = phase.report(recorder)

    ok = True
    order = list(range(len(families)))
    for key, label, activity, arrivals in (
        (
            "rush_spread",
            f"rush: arrivals over {SPREAD:g} s",
            data["activities"][0],
            [i * SPREAD / len(families) for i in order],
        ),
        ("rush_instant", "rush: all at once", data["activities"][1], [0.0] * len(families)),
    ):
        await next_to(key)
        phase = Phase(master, DB, worker)
        recorder = await open_loop(arrivals, booking_request(families, activity, monday), label)
        if QUEUED:  # the worker's CPU counts until the last request is decided
            await drained(DSN, activity)
        figures[key] = phase.report(recorder)
        figures[key]["check"] = check = check_rush(DSN, CAPACITY, activity, families, order)
        ok = ok and (
            not recorder.errors
            and check["over_capacity_days"] == 0
            and check["booked"] == min(CAPACITY, len(families))
            and check["ranks_distinct"]
        )
        if QUEUED:
            figures[key]["decisions"] = decisions = check_decisions(
                DSN, DECISION_LIMIT, activity, families, arrivals, recorder.origin_wall
            )
            ok = ok and decisions["each_decided_once"]
            if key == "rush_spread":  # all at once: the time to drain, no target
                ok = ok and decisions["within_limit"]
    figures["ceiling_after"] = await ceiling("ceiling: minimal view (after)")
    return figures, ok


async def _timed(awaitable) -> None:
    await awaitable


def print_ratios(figures: dict) -> None:
    ceiling = max(figures["ceiling_before"]["rps"], figures["ceiling_after"]["rps"])
    figures["ceiling_rps"] = ceiling
    print(
        f"\nratios to the ceiling measured right before each phase (and to the best "
        f"ceiling of the run, {ceiling} req/s):"
    )
    rows = [
        ("logins (production hasher)", "logins"),
        ("Mon espace", "mon_espace"),
        ("card home", "card"),
        ("month calendar", "calendar"),
        (f"booking + landing page, arrivals over {SPREAD:g} s", "rush_spread"),
        ("booking + landing page, all at once", "rush_instant"),
    ]
    for label, key in rows:
        adjacent = figures["adjacent"][key]
        figures[key]["ceiling_rps"] = adjacent
        figures[key]["ratio"] = round(figures[key]["rps"] / adjacent, 4) if adjacent else 0
        figures[key]["ratio_best"] = round(figures[key]["rps"] / ceiling, 4) if ceiling else 0
        print(
            f"  {label:<46} {figures[key]['rps']:>7.1f}/s  {figures[key]['ratio']:6.1%} "
            f"of {adjacent:>7.1f}/s  ({figures[key]['ratio_best']:.1%} of the best)"
        )
    print(
        "  (over the spread the throughput is capped by the arrivals: read its p99; "
        "booking's ratio is the all-at-once rush's)"
    )
    # The same in CPU: the minimal view's server CPU per request over the phase's (the
    # figure the machine's load moves least). Phases count the queue's worker too.
    base = figures["ceiling_before"]
    floor = base["web_cpu_ms"] + base["db_cpu_ms"]
    print("CPU ratios (the minimal view's server CPU per request over the phase's):")
    for label, key in rows:
        phase = figures[key]
        cost = phase["web_cpu_ms"] + phase["db_cpu_ms"] + phase.get("worker_cpu_ms", 0)
        phase["cpu_ratio"] = round(floor / cost, 4) if cost else 0
        print(f"  {label:<46} {cost:>7.1f} ms  {phase['cpu_ratio']:6.1%}")


def main() -> int:
    # Stopped with SIGTERM, still stop gunicorn and drop the database (the finally below).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * FAMILIES + 1024)), hard))
    print(
        f"Opening day ({MODE_LABEL}): "
        f"{FAMILIES} families, {CAPACITY} places, gunicorn {WORKERS} workers "
        f"× {THREADS} threads, PostgreSQL {PGHOST}:{PGPORT}/{DB}, {os.cpu_count()} CPU "
        f"cores, cache {os.environ.get('CACHE_URL') or 'local memory'}, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{DB}"')
    server = worker = None
    try:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=APP,
            env=SERVER_ENV,
            check=True,
        )
        seeded = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "seed.py"), str(FAMILIES), str(CAPACITY)],
            cwd=APP,
            env=SERVER_ENV,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        print(f"Week booked by everyone: {', '.join(data['days'])}")
        server = start_server()
        worker = start_worker() if QUEUED else None
        figures, ok = asyncio.run(run(data, server.pid, worker.pid if worker else None))
        figures["mode"] = MODE
        print_ratios(figures)
        if os.environ.get("RUSH_JSON"):
            Path(os.environ["RUSH_JSON"]).write_text(json.dumps(figures, indent=1))
        print("invariants: " + ("held" if ok else "BROKEN"))
        return 0 if ok else 1
    finally:
        for process in (worker, server):
            if process is not None:
                stop(process)
        admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
