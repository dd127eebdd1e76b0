"""The monthly billing benchmark: a commune of BENCH_CHILDREN (10,000) children with a
school year of bookings and attendance (about 2 million rows) on PostgreSQL; issue one
month, then the other nine. Prints rows/s, seconds and the peak memory (RSS) of the
process that bills, for 1,000 and for 10,000 children, and the time of a raw SQL
aggregate of the same rows in the same run (the floor a run cannot beat: reading them).

    make bench-billing
    BENCH_CHILDREN=2000 make bench-billing

Settings (environment): BENCH_CHILDREN (10000), BENCH_SMALL (1000), BENCH_DB
(bench_billing), PGHOST/PGPORT/PGUSER (127.0.0.1, 5432, postgres). The databases are
created for the run and dropped after it."""

import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILDREN = int(os.environ.get("BENCH_CHILDREN") or 10000)
SMALL = int(os.environ.get("BENCH_SMALL") or 1000)
DB = os.environ.get("BENCH_DB", "bench_billing")
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = os.environ.get("PGPORT", "5432")
PGUSER = os.environ.get("PGUSER", "postgres")
MONTHS = [date(2026, 9, 1) + timedelta(days=31 * i) for i in range(10)]
MONTHS = [m.replace(day=1) for m in MONTHS]  # September 2026 … June 2027
SCHOOLS = 12
SEPA_KEY = os.environ.get("SEPA_ENCRYPTION_KEY") or Fernet.generate_key().decode()


def db_url(name: str) -> str:
    return f"postgres://{PGUSER}@{PGHOST}:{PGPORT}/{name}"


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(db_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def django_env(name: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": db_url(name),
        "DJANGO_SETTINGS_MODULE": "bench.settings_billing",
        "DEBUG": "0",
        "SECRET_KEY": "bench-billing-not-secret",
        # Direct debit on, as in a commune using it: the run pre-notifies through its hook.
        "SEPA_ENCRYPTION_KEY": SEPA_KEY,
        "ALLOWED_HOSTS": "localhost",
    }


# --- inside a Django process ------------------------------------------------------------------


def setup_django():
    import django

    django.setup()


def seed(children_count: int) -> dict:
    """Families of 1 to 3 children, canteen on 2 to 4 days a week for each child, evening
    care for one child in three; a register line for every booked day (5 % absent, half of
    them with a certificate) and a few presences without booking. COPY for the big tables."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from espace_citoyen.activities.models import Activity, ActivityKind, Enrolment, Unit
    from espace_citoyen.billing.services import regie_default
    from espace_citoyen.demarches.models import Demarche
    from espace_citoyen.families.models import Child, Family, FamilyStatus, Guardian
    from espace_citoyen.portal.models import Commune
    from espace_citoyen.pricing import rules as pricing_rules
    from espace_citoyen.pricing import services as pricing_services
    from espace_citoyen.pricing.models import DeclarationMethod, FamilyQuotient
    from espace_citoyen.schooling.models import School, SchoolYear

    rng = random.Random(42)
    with transaction.atomic():
        Commune.objects.filter(pk=1).update(postal_codes="99999")
        regie_default()
        year = SchoolYear.objects.create(
            label="2026-2027", start_date=date(2026, 9, 1), end_date=date(2027, 7, 3)
        )
        canteens, evenings = [], []
        for index in range(SCHOOLS):
            school = School.objects.create(
                name=f"École {index + 1}", kind="elementaire", levels=["CP", "CE1"]
            )
            for kind, bucket in ((ActivityKind.LUNCH, canteens), (ActivityKind.EVENING, evenings)):
                label = "Restauration" if kind == ActivityKind.LUNCH else "Accueil du soir"
                activity = Activity.objects.create(
                    name=f"{label} {index + 1}",
                    kind=kind,
                    school_year=year,
                    school=school,
                    capacity=2000,
                    unit=Unit.SESSION,
                )
                bucket.append(activity)
                if kind == ActivityKind.LUNCH:
                    pricing_services.tariff_grid_create(
                        activity=activity,
                        kind=pricing_rules.BRACKETS,
                        valid_from=date(2026, 9, 1),
                        brackets=[
                            (0, 234, D("0.13")),
                            (235, 384, D("0.85")),
                            (385, 548, D("1.62")),
                            (549, 959, D("2.28")),
                            (960, 1370, D("3.62")),
                            (1371, None, D("4.61")),
                        ],
                        non_resident_price=D("7.50"),
                        pai_price=D("1.00"),
                        unbooked_surcharge=D("1.50"),
                    )
                else:
                    pricing_services.tariff_grid_create(
                        activity=activity,
                        kind=pricing_rules.EFFORT_RATE,
                        valid_from=date(2026, 9, 1),
                        effort_rate=D("0.36"),
                        floor_price=D("2.60"),
                        ceiling_price=D("4.50"),
                        non_resident_price=D("6.00"),
                        unbooked_surcharge=D("1.00"),
                    )
        families, kids = [], []
        made = 0
        while made < children_count:
            size = min(rng.choice((1, 1, 2, 2, 2, 3)), children_count - made)
            number = len(families) + 1
            families.append(
                Family(
                    number=f"F-{number:06d}",
                    status=FamilyStatus.VALIDATED,
                    address_line1=f"{number} rue du Banc",
                    postal_code="99999" if number % 20 else "51000",
                    city="Saint-Exemple",
                    address_validated_on=date(2026, 1, 1),
                )
            )
            made += size
            kids.append(size)
        Family.objects.bulk_create(families, batch_size=2000)
        Guardian.objects.bulk_create(
            [
                Guardian(
                    family=family,
                    civility="mme",
                    last_name=f"Nom{family.pk}",
                    first_name="Claude",
                    email=f"parent{family.pk}@example.org",
                    is_payer=True,
                )
                for family in families
            ],
            batch_size=2000,
        )
        children = []
        for family, size in zip(families, kids, strict=True):
            for index in range(size):
                children.append(
                    Child(
                        family=family,
                        last_name=f"Nom{family.pk}",
                        first_name=f"Enfant{index + 1}",
                        sex="F",
                        birth_date=date(2016 + index, 5, 1),
                        has_pai=rng.random() < 0.02,
                    )
                )
        Child.objects.bulk_create(children, batch_size=2000)
        FamilyQuotient.objects.bulk_create(
            [
                FamilyQuotient(
                    family=family,
                    qf=rng.randint(150, 2500),
                    method=DeclarationMethod.CAF,
                    starts_on=date(2026, 9, 1),
                )
                for family in families
                if rng.random() < 0.9
            ],
            batch_size=2000,
        )
        family_type = ContentType.objects.get_for_model(Family)
        plans = []
        for child in children:
            school = rng.randrange(SCHOOLS)
            days = sorted(rng.sample((0, 1, 3, 4), rng.choice((1, 2, 3, 4))))
            plans.append((child, canteens[school], days))
            if rng.random() < 0.33:
                plans.append((child, evenings[school], sorted(rng.sample((0, 1, 3, 4), 2))))
        demarches = Demarche.objects.bulk_create(
            [
                Demarche(
                    reference=f"B-{index:07d}",
                    type="inscription_activite",
                    status="acceptee",
                    owner_type=family_type,
                    owner_id=child.family_id,
                    title=f"Inscription {activity.name}",
                )
                for index, (child, activity, _days) in enumerate(plans)
            ],
            batch_size=2000,
        )
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    demarche=demarche,
                    family_id=child.family_id,
                    child=child,
                    activity=activity,
                    weekdays=days,
                    status="acceptee",
                )
                for demarche, (child, activity, days) in zip(demarches, plans, strict=True)
            ],
            batch_size=2000,
        )
        school_days = [
            day
            for day in (date(2026, 9, 1) + timedelta(days=i) for i in range(303))
            if day.weekday() in (0, 1, 3, 4) and day.month not in (7, 8)
        ]
        with connection.cursor() as cursor:
            raw = cursor.connection
            bookings = attendance = 0
            with raw.cursor().copy(
                "COPY activities_booking (activity_id, date, child_id, family_id, status, "
                "from_template, created_at, promoted, cancel_reason) FROM STDIN"
            ) as copy:
                for child, activity, days in plans:
                    for day in school_days:
                        if day.weekday() in days:
                            copy.write_row(
                                (
                                    activity.pk,
                                    day,
                                    child.pk,
                                    child.family_id,
                                    "reservee",
                                    True,
                                    "2026-08-20 10:00+02",
                                    False,
                                    "",
                                )
                            )
                            bookings += 1
            cursor.execute("ANALYZE activities_booking")
            cursor.execute(
                "SELECT id, activity_id, date, child_id FROM activities_booking ORDER BY id"
            )
            booked = cursor.fetchall()
            with raw.cursor().copy(
                "COPY activities_attendance (activity_id, date, child_id, booking_id, present, "
                "unbooked, justified, recorded_at) FROM STDIN"
            ) as copy:
                for booking_id, activity_id, day, child_id in booked:
                    draw = rng.random()
                    present = draw >= 0.05
                    copy.write_row(
                        (
                            activity_id,
                            day,
                            child_id,
                            booking_id,
                            present,
                            False,
                            (not present) and draw < 0.025,
                            "2026-08-20 10:00+02",
                        )
                    )
                    attendance += 1
                for child, activity, days in plans:
                    free = [d for d in school_days if d.weekday() not in days]
                    if rng.random() < 0.2 and len(free) >= 2:
                        for day in rng.sample(free, 2):
                            copy.write_row(
                                (
                                    activity.pk,
                                    day,
                                    child.pk,
                                    None,
                                    True,
                                    True,
                                    False,
                                    "2026-08-20 10:00+02",
                                )
                            )
                            attendance += 1
            del booked
            cursor.execute("ANALYZE")
    return {
        "children": len(children),
        "families": len(families),
        "bookings": bookings,
        "attendance": attendance,
    }


RAW_AGGREGATE = """
SELECT count(*), sum(n) FROM (
  SELECT b.family_id, b.child_id, b.activity_id, coalesce(a.present, true) AS present, count(*) AS n
  FROM activities_booking b
  LEFT JOIN activities_attendance a
    ON a.activity_id = b.activity_id AND a.date = b.date AND a.child_id = b.child_id
  WHERE b.status = 'reservee' AND b.date BETWEEN %(start)s AND %(end)s
    AND NOT coalesce(a.justified, false)
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT c.family_id, a.child_id, a.activity_id, true, count(*)
  FROM activities_attendance a JOIN families_child c ON c.id = a.child_id
  WHERE a.unbooked AND a.present AND a.date BETWEEN %(start)s AND %(end)s
  GROUP BY 1, 2, 3, 4
) lines
"""


def measure(months: list[date]) -> dict:
    """Time the raw aggregate of `months`, then bill them (first month alone, then the
    rest); returns the figures, with this process's peak RSS."""
    from django.db import connection

    from espace_citoyen.billing import rules
    from espace_citoyen.billing.models import BillingRun, Invoice
    from espace_citoyen.billing.services import billing_run_execute, regie_default

    regie = regie_default()
    rows_by_month = {}
    with connection.cursor() as cursor:
        for month in months:
            cursor.execute(
                "SELECT (SELECT count(*) FROM activities_booking"
                " WHERE date BETWEEN %(s)s AND %(e)s)"
                " + (SELECT count(*) FROM activities_attendance"
                " WHERE date BETWEEN %(s)s AND %(e)s)",
                {"s": month, "e": rules.month_end(month)},
            )
            rows_by_month[month] = cursor.fetchone()[0]
        started = time.perf_counter()
        for month in months:
            cursor.execute(RAW_AGGREGATE, {"start": month, "end": rules.month_end(month)})
            cursor.fetchall()
        raw_seconds = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(RAW_AGGREGATE, {"start": months[0], "end": rules.month_end(months[0])})
        cursor.fetchall()
        raw_first = time.perf_counter() - started

    def bill(month):
        run = BillingRun.objects.create(regie=regie, month=month)
        return billing_run_execute(run_id=run.pk, today=rules.next_month(month) + timedelta(days=2))

    started = time.perf_counter()
    first = bill(months[0])
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rest = [bill(month) for month in months[1:]]
    rest_seconds = time.perf_counter() - started
    assert first.status == "terminee" and all(run.status == "terminee" for run in rest)
    # The same month again bills nothing (and says how long checking that takes).
    started = time.perf_counter()
    again = bill(months[0])
    again_seconds = time.perf_counter() - started
    child_months = Invoice.objects.raw(
        "SELECT 1 AS id, count(DISTINCT (l.child_id, i.month)) AS n FROM billing_invoiceline l "
        "JOIN billing_invoice i ON i.id = l.invoice_id"
    )[0].n
    return {
        "rows_first": rows_by_month[months[0]],
        "rows_all": sum(rows_by_month.values()),
        "raw_first_s": raw_first,
        "raw_all_s": raw_seconds,
        "first_s": first_seconds,
        "first_invoices": first.invoices_count,
        "rest_s": rest_seconds,
        "rest_invoices": sum(run.invoices_count for run in rest),
        "again_invoices": again.invoices_count,
        "again_s": again_seconds,
        "child_months": child_months,
        "lines": Invoice.objects.filter().values("lines").count(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_main(action: str, arg: int) -> None:
    setup_django()
    if action == "seed":
        print(json.dumps(seed(arg)))
    elif action == "profile":
        import cProfile
        import pstats

        cProfile.runctx("measure(MONTHS[:2])", globals(), locals(), "/tmp/billing.prof")
        pstats.Stats("/tmp/billing.prof").sort_stats("cumulative").print_stats(45)
    else:
        print(json.dumps(measure(MONTHS)))


# --- the driver ---------------------------------------------------------------------------


def run_child(name: str, action: str, arg: int = 0) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, action, str(arg)],
        env=django_env(name),
        cwd=ROOT,
        check=False,
        stdout=subprocess.PIPE,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"{action} a échoué (code {result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def scale(children: int) -> dict:
    name = f"{DB}_{children}"
    admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            env=django_env(name),
            cwd=ROOT,
            check=True,
        )
        started = time.perf_counter()
        seeded = run_child(name, "seed", children)
        seeded["seed_s"] = time.perf_counter() - started
        print(f"  {children} enfants : {json.dumps(seeded)}", flush=True)
        figures = run_child(name, "measure")
        return {**seeded, **figures}
    finally:
        if not os.environ.get("BENCH_KEEP"):
            admin_sql(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> int:
    print(f"Facturation : {SMALL} puis {CHILDREN} enfants, 10 mois (septembre à juin)", flush=True)
    results = {size: scale(size) for size in (SMALL, CHILDREN)}
    print()
    header = (
        "| enfants | lignes lues (année) | 1er mois | lignes/s | 9 autres mois | "
        "enfants-mois | SQL brut (année) | ratio | mémoire max |"
    )
    print(header)
    print("|" + "---|" * 9)
    ok = True
    for size, r in results.items():
        total_s = r["first_s"] + r["rest_s"]
        ratio = total_s / r["raw_all_s"] if r["raw_all_s"] else float("inf")
        print(
            f"| {size:,} | {r['rows_all']:,} | "
            f"{r['first_s']:.1f} s ({r['first_invoices']:,} factures) | "
            f"{r['rows_all'] / total_s:,.0f} | "
            f"{r['rest_s']:.1f} s ({r['rest_invoices']:,} factures) | "
            f"{r['child_months']:,} en {total_s:.1f} s | {r['raw_all_s']:.1f} s | {ratio:.1f}× | "
            f"{r['peak_rss_mb']:.0f} Mo |".replace(",", " ")
        )
        ok = ok and r["again_invoices"] == 0
        print(
            f"  relancer le 1er mois : {r['again_invoices']} facture en {r['again_s']:.1f} s ; "
            f"SQL brut du 1er mois {r['raw_first_s']:.2f} s"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1:
        child_main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    else:
        sys.exit(main())
