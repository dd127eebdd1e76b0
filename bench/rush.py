"""The holiday rush: N families (RUSH_FAMILIES, default 500) log in, then all book the
same scarce holiday week at the same second, over HTTP, against gunicorn and PostgreSQL
on this machine. Prints requests per second, latency percentiles, errors, and places
booked against the capacity; then the same server's figure for a minimal Django view,
so the ratio to the stack's ceiling is in the same run. Before the rush each family opens
its child's month calendar (GET), as a parent does to find the week's button.

    make bench-rush                       # 500 families, 40 places
    RUSH_FAMILIES=200 RUSH_CAPACITY=20 make bench-rush

Settings (environment): RUSH_FAMILIES, RUSH_CAPACITY (40), RUSH_WORKERS (gunicorn
workers, 2 × cores + 1), RUSH_THREADS (threads per worker, 2), RUSH_PORT (a free port),
RUSH_PING_REQUESTS (3000), RUSH_DB (bench_rush), PGHOST/PGPORT/PGUSER (127.0.0.1, 5432,
postgres). The database is created for the run and dropped after it."""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


FAMILIES = env_int("RUSH_FAMILIES", 500)
CAPACITY = env_int("RUSH_CAPACITY", 40)
WORKERS = env_int("RUSH_WORKERS", 2 * (os.cpu_count() or 1) + 1)
THREADS = env_int("RUSH_THREADS", 2)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = env_int("RUSH_PORT", 0) or free_port()
PING_REQUESTS = env_int("RUSH_PING_REQUESTS", 3000)
DB = os.environ.get("RUSH_DB", "bench_rush")
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = os.environ.get("PGPORT", "5432")
PGUSER = os.environ.get("PGUSER", "postgres")
BASE = f"http://127.0.0.1:{PORT}"
ADMIN_DSN = f"host={PGHOST} port={PGPORT} user={PGUSER} dbname=postgres"
DATABASE_URL = f"postgres://{PGUSER}@{PGHOST}:{PGPORT}/{DB}"

SERVER_ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "DATABASE_CONN_MAX_AGE": "60",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": BASE,
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "ERROR",
}


def admin(sql: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def summary(label: str, latencies: list[float], errors: int, seconds: float) -> dict:
    count = len(latencies) + errors
    figures = {
        "requests": count,
        "seconds": round(seconds, 3),
        "rps": round(count / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": errors,
    }
    print(
        f"{label:<28} {figures['requests']:>6} req in {figures['seconds']:>7.2f} s  "
        f"{figures['rps']:>8.1f} req/s  p50 {figures['p50_ms']:>7.1f} ms  "
        f"p95 {figures['p95_ms']:>7.1f} ms  p99 {figures['p99_ms']:>7.1f} ms  "
        f"errors {errors}"
    )
    return figures


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Family:
    def __init__(self, email: str, child: int):
        self.email = email
        self.child = child
        self.session = requests.Session()

    def login(self, password: str) -> float:
        start = time.perf_counter()
        page = self.session.get(f"{BASE}/compte/connexion/", timeout=60)
        token = CSRF_INPUT.search(page.text).group(1)
        response = self.session.post(
            f"{BASE}/compte/connexion/",
            data={"csrfmiddlewaretoken": token, "username": self.email, "password": password},
            headers={"Referer": f"{BASE}/compte/connexion/"},
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 302 or "sessionid" not in self.session.cookies:
            raise RuntimeError(f"login {self.email}: {response.status_code}")
        return time.perf_counter() - start

    def open_calendar(self, monday: str) -> float:
        """The child's month calendar, where the parent finds « Réserver la semaine »."""
        start = time.perf_counter()
        response = self.session.get(
            f"{BASE}/carte-famille/activites/enfant/{self.child}/?mois={monday[:7]}",
            timeout=60,
        )
        if response.status_code != 200 or "Réserver la semaine" not in response.text:
            raise RuntimeError(f"calendar {self.email}: {response.status_code}")
        return time.perf_counter() - start

    def book_week(self, activity: int, monday: str) -> float:
        start = time.perf_counter()
        response = self.session.post(
            f"{BASE}/carte-famille/activites/enfant/{self.child}/semaine/",
            data={
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
                "activity": activity,
                "monday": monday,
            },
            headers={"Referer": f"{BASE}/carte-famille/activites/"},
            allow_redirects=False,
            timeout=120,
        )
        if response.status_code != 302:
            raise RuntimeError(f"booking {self.email}: {response.status_code}")
        return time.perf_counter() - start


def run_concurrently(tasks, threads: int, *, barrier: bool = False):
    """Run callables on `threads` threads (all released at once with barrier=True);
    returns (latencies, errors, wall seconds)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    gate = threading.Barrier(min(len(tasks), threads)) if barrier else None

    def one(task):
        if gate is not None:
            try:
                gate.wait(timeout=60)
            except threading.BrokenBarrierError:
                pass  # the last, smaller batch of a run larger than the thread pool
        try:
            latency = task()
        except Exception as error:  # noqa: BLE001 (counted as an error of the run)
            with lock:
                errors.append(repr(error))
            return
        with lock:
            latencies.append(latency)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, tasks))
    return latencies, errors, time.perf_counter() - start


LOCAL = threading.local()


def ping_task():
    def task():
        session = getattr(LOCAL, "session", None)
        if session is None:
            session = LOCAL.session = requests.Session()
        start = time.perf_counter()
        response = session.get(f"{BASE}/bench/ping/", timeout=30)
        if response.status_code != 200:
            raise RuntimeError(response.status_code)
        return time.perf_counter() - start

    return task


def main() -> int:
    print(
        f"Holiday rush: {FAMILIES} families, {CAPACITY} places, gunicorn {WORKERS} workers "
        f"× {THREADS} threads, PostgreSQL {PGHOST}:{PGPORT}/{DB}, {os.cpu_count()} CPU cores"
    )
    admin(f'DROP DATABASE IF EXISTS "{DB}"')
    admin(f'CREATE DATABASE "{DB}"')
    server = None
    try:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=SERVER_ENV,
            check=True,
        )
        seeded = subprocess.run(
            [PYTHON, "bench/seed.py", str(FAMILIES), str(CAPACITY)],
            cwd=ROOT,
            env=SERVER_ENV,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        print(f"Week booked by everyone: {', '.join(data['days'])}")
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(WORKERS),
                "--threads",
                str(THREADS),
                "--worker-class",
                "gthread",
                "--backlog",
                "2048",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=SERVER_ENV,
        )
        for _attempt in range(100):
            if server.poll() is not None:
                raise RuntimeError("gunicorn stopped")
            try:
                if requests.get(f"{BASE}/bench/ping/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")

        families = [Family(f["email"], f["child"]) for f in data["families"]]
        client_threads = min(FAMILIES, 500)
        latencies, errors, seconds = run_concurrently(
            [lambda f=f: f.login(data["password"]) for f in families], min(FAMILIES, 64)
        )
        summary("login (GET + POST)", latencies, len(errors), seconds)
        logged = [f for f in families if "sessionid" in f.session.cookies]
        # Each parent opens the child's calendar first, as a browser would to find the
        # week's button; this also means the rush does not measure each worker's first
        # reading of the official calendars (school and public holidays, ~0.2 s).
        latencies, errors, seconds = run_concurrently(
            [lambda f=f: f.open_calendar(data["monday"]) for f in logged], min(FAMILIES, 64)
        )
        summary("calendar page (GET)", latencies, len(errors), seconds)
        for family in logged:
            # Idle keep-alive connections are closed by gunicorn after a few seconds; a
            # browser coming back opens a new one: so do the families (cookies are kept).
            family.session.close()

        latencies, errors, seconds = run_concurrently(
            [lambda f=f: f.book_week(data["activity"], data["monday"]) for f in logged],
            client_threads,
            barrier=True,
        )
        rush = summary("rush: book the week (POST)", latencies, len(errors), seconds)
        for error in errors[:5]:
            print(f"  error: {error}")
        rush_errors = len(errors)

        with psycopg.connect(
            f"host={PGHOST} port={PGPORT} user={PGUSER} dbname={DB}"
        ) as connection:
            counters = connection.execute(
                "SELECT date, booked, capacity FROM activities_activityday "
                "WHERE activity_id = %s ORDER BY date",
                [data["activity"]],
            ).fetchall()
            statuses = dict(
                connection.execute(
                    "SELECT status, count(DISTINCT child_id) FROM activities_booking "
                    "WHERE activity_id = %s GROUP BY status",
                    [data["activity"]],
                ).fetchall()
            )
            over = connection.execute(
                "SELECT count(*) FROM (SELECT date FROM activities_booking WHERE activity_id = %s "
                "AND status = 'reservee' GROUP BY date HAVING count(*) > %s) AS t",
                [data["activity"], CAPACITY],
            ).fetchone()[0]
        for day, booked, capacity in counters:
            print(f"  {day}: {booked} booked / {capacity} places")
        print(
            f"families with the week: {statuses.get('reservee', 0)}, on the waitlist: "
            f"{statuses.get('attente', 0)}; days over capacity: {over}"
        )

        latencies, errors, seconds = run_concurrently(
            [ping_task() for _ in range(PING_REQUESTS)], 32
        )
        ping = summary("minimal Django view (GET)", latencies, len(errors), seconds)
        if ping["rps"]:
            print(
                f"booking rush at {rush['rps'] / ping['rps']:.1%} of the stack's ceiling "
                f"({rush['rps']} / {ping['rps']} req/s)"
            )
        ok = (
            not rush_errors
            and over == 0
            and statuses.get("reservee", 0) == min(CAPACITY, len(logged))
            and all(booked <= capacity for _day, booked, capacity in counters)
        )
        print("capacity invariant: " + ("held" if ok else "BROKEN"))
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
