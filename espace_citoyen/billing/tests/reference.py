"""The billing run's reference: the straightforward rule of issue 9, day by day, as the
run first did it. Only the regression test uses it, to show that the run's set-based fast
path (`engine.drafts_for`) gives exactly the same invoices on random data."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from espace_citoyen.activities.models import (
    Attendance,
    Booking,
    BookingStatus,
    Enrolment,
    EnrolmentStatus,
)
from espace_citoyen.billing import engine, rules
from espace_citoyen.billing.anomalies import Anomaly
from espace_citoyen.families.models import Child, Family, Guardian
from espace_citoyen.pricing import rules as pricing_rules
from espace_citoyen.pricing.models import FamilyQuotient


def _payers(family_ids: Sequence[int]) -> dict[int, tuple[str, list[str]]]:
    """(the payer's formal name, every guardian's e-mail) by family, from the models."""
    by_family: dict[int, list[Guardian]] = defaultdict(list)
    for guardian in Guardian.objects.filter(family_id__in=family_ids):
        by_family[guardian.family_id].append(guardian)
    result = {}
    for family_id, guardians in by_family.items():
        guardians.sort(key=lambda g: (not g.is_payer, g.position, g.pk))
        emails = sorted({g.email for g in guardians if g.email})
        result[family_id] = (guardians[0].formal_name, emails)
    return result


def _qf_on(records: list[FamilyQuotient], day: date) -> int | None:
    for record in records:
        if record.starts_on <= day and (record.ends_before is None or day < record.ends_before):
            return record.qf
    return None


def reference_drafts(
    family_ids: Sequence[int],
    month: date,
    catalogue: engine.Catalogue,
    anomalies: list[Anomaly],
) -> Iterator[engine.FamilyDraft]:
    """The straightforward rule, day by day: every booking and register line read as a
    row, each unit priced on its own. The run's fast path must give exactly this."""
    start, end = month, rules.month_end(month)
    families = {
        f.pk: f
        for f in Family.objects.filter(pk__in=family_ids).only(
            "number",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "address_validated_on",
        )
    }
    children = {
        c.pk: c
        for c in Child.objects.filter(family_id__in=family_ids).only(
            "family_id", "first_name", "last_name", "has_pai", "birth_date"
        )
    }
    payers = _payers(family_ids)
    quotients: dict[int, list[FamilyQuotient]] = defaultdict(list)
    for record in (
        FamilyQuotient.objects.filter(family_id__in=family_ids, starts_on__lte=end)
        .filter(Q(ends_before__isnull=True) | Q(ends_before__gt=start))
        .only("family_id", "qf", "starts_on", "ends_before")
    ):
        quotients[record.family_id].append(record)
    enrolled = set(
        Enrolment.objects.filter(
            family_id__in=family_ids, status=EnrolmentStatus.ACCEPTED
        ).values_list("child_id", "activity_id")
    )
    # By child and date (the bookings' index); the register by activity and date (its
    # unique index), both without a join.
    child_ids = list(children)
    booked: dict[tuple[int, int, date], int] = {}
    for child_id, activity_id, day, family_id in Booking.objects.filter(
        child_id__in=child_ids, date__range=(start, end), status=BookingStatus.CONFIRMED
    ).values_list("child_id", "activity_id", "date", "family_id"):
        booked[(child_id, activity_id, day)] = family_id
    attendance = {
        (child_id, activity_id, day): (present, justified)
        for child_id, activity_id, day, present, justified in Attendance.objects.filter(
            activity_id__in=list(catalogue.activities),
            date__range=(start, end),
            child_id__in=child_ids,
        ).values_list("child_id", "activity_id", "date", "present", "justified")
    }
    already = engine.billed_days(family_ids, month)

    units: dict[int, list[rules.Unit]] = defaultdict(list)
    for key, family_id in booked.items():
        present, justified = attendance.get(key, (None, False))
        kind = rules.billable_kind(booked=True, present=present, justified=justified)
        if kind and key not in already:
            units[family_id].append(rules.Unit(key[0], key[1], key[2], kind))
    for key, (present, _justified) in attendance.items():
        if present and key not in booked and key not in already:
            child = children.get(key[0])
            if child is None:
                continue
            units[child.family_id].append(rules.Unit(key[0], key[1], key[2], rules.UNBOOKED))

    for family_id in sorted(units):
        family = families[family_id]
        payer_name, emails = payers.get(family_id, (family.number, []))
        resident = pricing_rules.is_resident(
            postal_code=family.postal_code,
            address_validated=family.address_validated_on is not None,
            commune_codes=catalogue.postal_codes,
        )
        records = quotients.get(family_id, [])
        noted: set = set()
        priced: list[tuple[rules.Unit, rules.LinePrice]] = []
        for unit in units[family_id]:
            found = catalogue.grid_on(unit.activity_id, unit.day)
            if found is None:
                if ("no_grid", unit.activity_id) not in noted:
                    noted.add(("no_grid", unit.activity_id))
                    anomalies.append(
                        Anomaly(
                            "no_grid",
                            family_id,
                            _("%(service)s : aucune grille tarifaire le %(day)s, jour non facturé.")
                            % {
                                "service": catalogue.service(unit.activity_id),
                                "day": f"{unit.day:%d/%m/%Y}",
                            },
                        )
                    )
                continue
            child = children[unit.child_id]
            qf = _qf_on(records, unit.day)
            if qf is None and resident and "no_qf" not in noted:
                noted.add("no_qf")
                anomalies.append(
                    Anomaly(
                        "no_qf",
                        family_id,
                        _("Famille %(family)s sans quotient familial : tarif le plus élevé.")
                        % {"family": family.number},
                    )
                )
            if unit.kind == rules.UNBOOKED:
                anomalies.append(
                    Anomaly(
                        "unbooked",
                        family_id,
                        _("%(child)s : présence sans réservation le %(day)s (%(service)s).")
                        % {
                            "child": child.full_name,
                            "day": f"{unit.day:%d/%m/%Y}",
                            "service": catalogue.activities[unit.activity_id].name,
                        },
                    )
                )
            pair = (unit.child_id, unit.activity_id)
            if pair not in enrolled and pair not in noted:
                noted.add(pair)
                anomalies.append(
                    Anomaly(
                        "no_enrolment",
                        family_id,
                        _("%(child)s : facturé sans inscription acceptée à %(service)s.")
                        % {
                            "child": child.full_name,
                            "service": catalogue.activities[unit.activity_id].name,
                        },
                    )
                )
            grid, rule = found
            price = catalogue.price(
                grid,
                rule,
                qf,
                resident=resident,
                pai=child.has_pai,
                unbooked=unit.kind == rules.UNBOOKED,
            )
            priced.append((unit, price))
        prices = dict(priced)
        lines = rules.build_lines(
            prices,
            prices.__getitem__,
            child_order=lambda child_id: (children[child_id].birth_date, child_id),
            activity_order=catalogue.activity_order,
        )
        if not lines:
            continue
        yield engine.FamilyDraft(
            family_id=family_id,
            family_number=family.number,
            payer_name=payer_name,
            payer_address="\n".join(family.address_lines),
            emails=emails,
            lines=lines,
            child_names={line.child_id: children[line.child_id].full_name for line in lines},
        )
