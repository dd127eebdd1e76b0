"""Opening day: N families (RUSH_FAMILIES, default 2,500), each logged in beforehand, book
one scarce holiday week, over HTTP, against gunicorn and PostgreSQL on this machine.

The client is open-loop and light (bench/client.py: one asyncio process, raw HTTP/1.1):
each family's booking is sent at its arrival time whatever the other answers, and its
latency is counted from that arrival to the end of the page the browser lands on (the
booking's redirect followed: the month calendar telling the family where it stands).
Every figure is printed with its ratio to the stack's ceiling (the minimal Django view,
measured by the same client in the same run), because this machine is shared.

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
    RUSH_FAMILIES=500 make bench-rush                # the 500-family line
    RUSH_LOGINS=all make bench-rush                  # every family logs in over HTTP

Settings (environment): RUSH_FAMILIES (2500), RUSH_CAPACITY (40), RUSH_SPREAD (10 s),
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
}
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_CHARS = string.ascii_letters + string.digits


def admin(sql: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# --- CPU of the server's processes (gunicorn workers, PostgreSQL backends) ----------------

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: str) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def server_cpu(master: int) -> tuple[float, float]:
    """CPU seconds so far of the gunicorn workers and of this database's backends."""
    web = pg = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = stat.rsplit(")", 1)[1].split()[1]
        if ppid == str(master):
            web += _cpu_of(entry.name)
        elif cmdline.startswith(b"postgres: ") and f" {DB} ".encode() in cmdline:
            pg += _cpu_of(entry.name)
    return web, pg


class Phase:
    """A phase's figures: the recorder's, plus the server's CPU per request."""

    def __init__(self, master: int):
        self.master = master
        self.before = server_cpu(master)

    def report(self, recorder, *, units: int | None = None) -> dict:
        web, pg = server_cpu(self.master)
        count = units if units is not None else recorder.count
        figures = {
            "label": recorder.label,
            "requests": count,
            "seconds": round(recorder.seconds, 2),
            "rps": round(count / recorder.seconds, 1) if recorder.seconds else 0.0,
            "p50_ms": round(percentile(recorder.latencies, 0.50) * 1000),
            "p95_ms": round(percentile(recorder.latencies, 0.95) * 1000),
            "p99_ms": round(percentile(recorder.latencies, 0.99) * 1000),
            "max_ms": round(max(recorder.latencies, default=0) * 1000),
            "errors": len(recorder.errors),
            "client_cpu_s": round(recorder.cpu_used, 2),
            "web_cpu_ms": round((web - self.before[0]) * 1000 / max(count, 1), 1),
            "db_cpu_ms": round((pg - self.before[1]) * 1000 / max(count, 1), 1),
        }
        if recorder.first_latencies:
            figures["post_p50_ms"] = round(percentile(recorder.first_latencies, 0.5) * 1000)
            figures["post_p99_ms"] = round(percentile(recorder.first_latencies, 0.99) * 1000)
        print(
            f"{figures['label']:<30} {count:>5} in {figures['seconds']:>6.2f} s "
            f"{figures['rps']:>7.1f}/s  p50 {figures['p50_ms']:>6} ms  "
            f"p95 {figures['p95_ms']:>6} ms  p99 {figures['p99_ms']:>6} ms  "
            f"errors {figures['errors']}  client CPU {figures['client_cpu_s']} s  "
            f"server CPU/req {figures['web_cpu_ms']} + {figures['db_cpu_ms']} (PG) ms"
            + (
                f"  [POST alone p50 {figures['post_p50_ms']} p99 {figures['post_p99_ms']} ms]"
                if "post_p99_ms" in figures
                else ""
            )
        )
        for error in recorder.errors[:3]:
            print(f"    error: {error}")
        return figures


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


def booking_request(families: list[Family], activity: int, monday: str):
    loop = asyncio.get_running_loop()

    async def request(index: int) -> float:
        """A browser coming back: a new connection, the POST, then the page it lands on."""
        family = families[index]
        connection = Connection(HOST, PORT)
        try:
            status, response_headers, set_cookies, _body = await connection.request(
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
            if status != 302:
                raise RuntimeError(f"booking {family.email}: {status}")
            jar = dict(family.jar)
            for line in set_cookies:
                name, _sep, value = line.split(";")[0].partition("=")
                jar[name.strip()] = value
            location = response_headers["location"].removeprefix(BASE)
            status, _headers, _cookies, body = await connection.request(
                "GET", location, cookies=jar
            )
            if status != 200 or (
                "est réservée".encode() not in body and b"liste d&#x27;attente" not in body
            ):
                raise RuntimeError(f"landing page {family.email}: {status}")
            return first_done
        finally:
            connection.close()

    return request


def check_rush(activity: int, families: list[Family], order: list[int]) -> dict:
    """Invariants read back from PostgreSQL: capacity, the places to the earliest
    arrivals, waitlist ranks following arrival order."""
    arrival_of = {families[i].child: position for position, i in enumerate(order)}
    with psycopg.connect(DSN) as connection:
        counters = connection.execute(
            "SELECT date, booked, capacity FROM activities_activityday "
            "WHERE activity_id = %s ORDER BY date",
            [activity],
        ).fetchall()
        rows = connection.execute(
            "SELECT child_id, min(status), min(waitlist_position) FROM activities_booking "
            "WHERE activity_id = %s GROUP BY child_id",
            [activity],
        ).fetchall()
        over = connection.execute(
            "SELECT count(*) FROM (SELECT date FROM activities_booking WHERE activity_id = %s "
            "AND status = 'reservee' GROUP BY date HAVING count(*) > %s) AS t",
            [activity, CAPACITY],
        ).fetchone()[0]
    booked = sorted(arrival_of[c] for c, status, _r in rows if status == "reservee")
    waiting = sorted((rank, arrival_of[c]) for c, status, rank in rows if status == "attente")
    inversions = sum(
        1 for (_r1, a1), (_r2, a2) in zip(waiting, waiting[1:], strict=False) if a2 < a1
    )
    # How far back in arrival order a family was served after a later one (in arrivals).
    displacement, latest = 0, -1
    for _rank, position in waiting:
        latest = max(latest, position)
        displacement = max(displacement, latest - position)
    late_places = sum(1 for position in booked if position >= CAPACITY)
    result = {
        "days": [f"{d}: {b}/{c}" for d, b, c in counters],
        "booked": len(booked),
        "waitlisted": len(waiting),
        "over_capacity_days": over,
        "places_to_later_arrivals": late_places,
        "waitlist_inversions": inversions,
        "max_displacement_arrivals": displacement,
        "ranks_distinct": len({r for r, _a in waiting}) == len(waiting),
    }
    print(
        f"    {', '.join(result['days'])}; week booked {len(booked)}, waitlisted "
        f"{len(waiting)}; days over capacity {over}; places given to a later arrival "
        f"than an unplaced one: {late_places}; waitlist pairs out of arrival order: "
        f"{inversions}/{max(len(waiting) - 1, 0)}, the furthest {displacement} arrivals back"
    )
    return result


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


async def run(data: dict, master: int) -> tuple[dict, bool]:
    figures: dict = {}
    families = [Family(f["email"], f["child"], f["session"]) for f in data["families"]]
    monday = data["monday"]

    async def ceiling(label, requests=PING_REQUESTS):
        phase = Phase(master)
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
    phase = Phase(master)
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
        phase = Phase(master)
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
        phase = Phase(master)
        recorder = await open_loop(arrivals, booking_request(families, activity, monday), label)
        figures[key] = phase.report(recorder)
        figures[key]["check"] = check = check_rush(activity, families, order)
        ok = ok and (
            not recorder.errors
            and check["over_capacity_days"] == 0
            and check["booked"] == min(CAPACITY, len(families))
            and check["ranks_distinct"]
        )
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


def main() -> int:
    # Stopped with SIGTERM, still stop gunicorn and drop the database (the finally below).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * FAMILIES + 1024)), hard))
    print(
        f"Opening day: {FAMILIES} families, {CAPACITY} places, gunicorn {WORKERS} workers "
        f"× {THREADS} threads, PostgreSQL {PGHOST}:{PGPORT}/{DB}, {os.cpu_count()} CPU "
        f"cores, cache {os.environ.get('CACHE_URL') or 'local memory'}, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{DB}"')
    server = None
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
        figures, ok = asyncio.run(run(data, server.pid))
        print_ratios(figures)
        if os.environ.get("RUSH_JSON"):
            Path(os.environ["RUSH_JSON"]).write_text(json.dumps(figures, indent=1))
        print("invariants: " + ("held" if ok else "BROKEN"))
        return 0 if ok else 1
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
