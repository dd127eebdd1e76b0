"""Demo data of pricing: a bracket grid (the Paris canteen scale) and taux d'effort
grids for the demo activities of the school year under way (2026-2027 in the reference
year of core.demo_dates), revalued on 1 January; families at
several QF levels, one non-resident family, and one declaration waiting for the régie.

Idempotent: grids are created only for activities without any, QF only for families
without any record. Families come from the families demo; absent ones are skipped."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from espace_citoyen.accounts.models import User
from espace_citoyen.activities.models import Activity, ActivityKind, Unit
from espace_citoyen.core import demo_dates
from espace_citoyen.families import services as family_services
from espace_citoyen.families.models import Family, FamilyStatus, Guardian
from espace_citoyen.portal.selectors import commune_get
from espace_citoyen.pricing import rules, services
from espace_citoyen.pricing.models import FamilyQuotient, IncomeDeclaration, TariffGrid
from espace_citoyen.schooling.models import SchoolYear

# Written for the reference year, moved to the demo year by demo_dates.shifted().
FIRST_PERIOD = (date(2026, 9, 1), date(2026, 12, 31))
SECOND_START = date(2027, 1, 1)
REVALUATION = Decimal("1.02")  # +2 % on 1 January

# Paris canteen scale (domain.md), with the higher brackets of the same scale.
CANTEEN_BRACKETS = [
    (0, 234, "0.13"),
    (235, 384, "0.85"),
    (385, 548, "1.62"),
    (549, 959, "2.28"),
    (960, 1370, "3.62"),
    (1371, 1900, "4.61"),
    (1901, 2500, "5.10"),
    (2501, 3333, "6.07"),
    (3334, None, "7.00"),
]
# kind -> (grid kind, figures); taux d'effort: rate %, floor, ceiling.
GRIDS = {
    ActivityKind.LUNCH: {
        "kind": rules.BRACKETS,
        "brackets": CANTEEN_BRACKETS,
        "non_resident_price": "7.50",
        "pai_price": "1.00",
        "unbooked_surcharge": "1.50",
    },
    ActivityKind.EVENING: {
        "kind": rules.EFFORT_RATE,
        "effort_rate": "0.36",
        "floor_price": "2.60",
        "ceiling_price": "4.50",
        "non_resident_price": "5.20",
        "unbooked_surcharge": "1.00",
    },
    ActivityKind.MORNING: {
        "kind": rules.EFFORT_RATE,
        "effort_rate": "0.20",
        "floor_price": "1.00",
        "ceiling_price": "2.50",
        "non_resident_price": "3.00",
        "unbooked_surcharge": "1.00",
    },
    ActivityKind.WEDNESDAY: {
        "kind": rules.EFFORT_RATE,
        "effort_rate": "1.20",
        "floor_price": "5.00",
        "ceiling_price": "18.00",
        "non_resident_price": "22.00",
        "unbooked_surcharge": "3.00",
    },
    ActivityKind.HOLIDAYS: {
        "kind": rules.EFFORT_RATE,
        "effort_rate": "1.20",
        "floor_price": "5.00",
        "ceiling_price": "18.00",
        "non_resident_price": "22.00",
        "unbooked_surcharge": "3.00",
    },
}
FALLBACK_ACTIVITIES = [
    ("Restauration scolaire — École élémentaire Jean-Jaurès", ActivityKind.LUNCH),
    ("Accueil du soir — École élémentaire Jean-Jaurès", ActivityKind.EVENING),
]
QF_LEVELS = [812, 310, 1450, 2600, 520]
CITIZEN_EMAIL = "camille.martin@example.org"
NON_RESIDENT = {
    "email": "nadia.roux@example.org",
    "address": {
        "address_line1": "8 rue de la Marne",
        "address_line2": "",
        "postal_code": "51000",
        "city": "Châlons-en-Champagne",
    },
}


def load() -> list[tuple[str, str]]:
    regie = User.objects.filter(email="agent.regie@example.org").first()
    admin = User.objects.filter(email="admin@example.org").first()
    for activity in _activities():
        _grids_for(activity, actor=admin)
    _non_resident_family()
    _family_quotients(actor=regie)
    return []


def _activities() -> list[Activity]:
    label, start, end = demo_dates.school_year()
    school_year, _created = SchoolYear.objects.get_or_create(
        label=label, defaults={"start_date": start, "end_date": end}
    )
    activities = list(Activity.objects.filter(school_year=school_year, kind__in=list(GRIDS)))
    if not activities:
        for name, kind in FALLBACK_ACTIVITIES:
            activity, _created = Activity.objects.get_or_create(
                name=name,
                school_year=school_year,
                defaults={"kind": kind, "capacity": 120, "unit": Unit.SESSION},
            )
            activities.append(activity)
    return activities


def _revalued(value: str | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value) * REVALUATION).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _grids_for(activity: Activity, *, actor) -> None:
    if TariffGrid.objects.filter(activity=activity).exists():
        return
    figures = GRIDS[activity.kind]
    for valid_from, valid_until, revalue in [
        (demo_dates.shifted(FIRST_PERIOD[0]), demo_dates.shifted(FIRST_PERIOD[1]), False),
        (demo_dates.shifted(SECOND_START), None, True),
    ]:
        prices = {
            key: (_revalued(figures[key]) if revalue else Decimal(figures[key]))
            if key in figures
            else None
            for key in ("floor_price", "ceiling_price", "non_resident_price", "pai_price")
        }
        services.tariff_grid_create(
            activity=activity,
            kind=figures["kind"],
            valid_from=valid_from,
            valid_until=valid_until,
            brackets=[
                (qf_min, qf_max, _revalued(price) if revalue else Decimal(price))
                for qf_min, qf_max, price in figures.get("brackets", [])
            ],
            effort_rate=Decimal(figures["effort_rate"]) if "effort_rate" in figures else None,
            unbooked_surcharge=Decimal(figures["unbooked_surcharge"]),
            actor=actor,
            **prices,
        )


def _non_resident_family() -> None:
    """One family living outside the commune (created at the desk if none exists)."""
    codes = rules.postal_codes(commune_get().postal_codes)
    if not codes:
        return
    if Family.objects.exclude(postal_code__in=codes).exists():
        return
    if Guardian.objects.filter(email=NON_RESIDENT["email"]).exists():
        return
    guichet = User.objects.filter(email="agent.guichet@example.org").first()
    family_services.family_create_at_desk(
        agent=guichet,
        data=family_services.FamilyInput(
            address=NON_RESIDENT["address"],
            guardians=[
                {
                    "civility": "mme",
                    "last_name": "Roux",
                    "first_name": "Nadia",
                    "email": NON_RESIDENT["email"],
                    "phone_mobile": "06 98 76 54 32",
                    "is_payer": True,
                }
            ],
            children=[
                {
                    "last_name": "Roux",
                    "first_name": "Lina",
                    "sex": "F",
                    "birth_date": demo_dates.shifted(date(2018, 4, 9)),
                }
            ],
            authorised_persons=[],
        ),
    )


def _family_quotients(*, actor) -> None:
    """QF periods since the rentrée for the demo families (not the demo parent, who can
    make the declaration herself), and one declaration waiting for the régie."""
    families = list(
        Family.objects.filter(status=FamilyStatus.VALIDATED)
        .exclude(guardians__user__email=CITIZEN_EMAIL)
        .order_by("number")
    )
    known = set(FamilyQuotient.objects.values_list("family_id", flat=True)) | set(
        IncomeDeclaration.objects.values_list("family_id", flat=True)
    )
    todo = [family for family in families if family.pk not in known]
    if not todo:
        return
    if len(todo) > 1:
        _pending_declaration(todo.pop(1))
    for family, qf in zip(todo, QF_LEVELS, strict=False):
        services.quotient_record(
            family=family, qf=qf, starts_on=demo_dates.shifted(FIRST_PERIOD[0]), actor=actor
        )


def _pending_declaration(family: Family) -> None:
    guardian = family.guardians.select_related("user").first()
    # Filed online by the parent, or at the desk by the guichet for a parent without account.
    user = guardian.user if guardian and guardian.user else None
    user = user or User.objects.filter(email="agent.guichet@example.org").first()
    year = demo_dates.today().year
    services.declaration_submit_tax(
        family=family,
        actor=user,
        income=Decimal("29232"),
        parts=Decimal("3"),
        year=year - 1,
        notice=SimpleUploadedFile(
            f"avis-imposition-{year}.pdf",
            demo_pdf(
                [
                    f"Avis d'imposition {year} sur les revenus {year - 1} (demonstration)",
                    "Revenu fiscal de reference : 29 232 euros",
                    "Nombre de parts : 3",
                ]
            ),
            content_type="application/pdf",
        ),
    )


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with `lines` of text (demo documents), made by WeasyPrint."""
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return HTML(string=f"<!DOCTYPE html><html lang='fr'><body>{body}</body></html>").write_pdf()
