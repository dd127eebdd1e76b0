"""What the month's preview points out while the engine prices it: a family without QF
(billed at the highest price), presences without booking, days billed without an
accepted enrolment, days without a grid (not billed). Texts only: a run, which shows
none of them, does not write them (`engine.drafts_for` with no list)."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from espace_citoyen.billing import rules


@dataclass(frozen=True)
class Anomaly:
    code: str  # no_qf, unbooked, no_enrolment, no_grid
    family_id: int
    text: str


def no_grid(
    anomalies: list[Anomaly],
    noted: set,
    *,
    family_id: int,
    activity_id: int,
    service: str,
    day: date,
) -> None:
    """A day without a grid for the activity: not billed (once per family and activity)."""
    if ("no_grid", activity_id) in noted:
        return
    noted.add(("no_grid", activity_id))
    anomalies.append(
        Anomaly(
            "no_grid",
            family_id,
            _("%(service)s : aucune grille tarifaire le %(day)s, jour non facturé.")
            % {"service": service, "day": f"{day:%d/%m/%Y}"},
        )
    )


def piece_anomalies(
    anomalies: list[Anomaly],
    noted: set,
    *,
    family_id: int,
    family_number: str,
    no_qf: bool,
    child_id: int,
    child_name: str,
    activity_id: int,
    activity_name: str,
    enrolled: bool,
    kind: str,
    days: list[date],
) -> None:
    """What a priced run of days says: no QF (once per family), each presence without
    booking, no accepted enrolment (once per child and activity)."""
    if no_qf and "no_qf" not in noted:
        noted.add("no_qf")
        anomalies.append(
            Anomaly(
                "no_qf",
                family_id,
                _("Famille %(family)s sans quotient familial : tarif le plus élevé.")
                % {"family": family_number},
            )
        )
    if kind == rules.UNBOOKED:
        anomalies.extend(
            Anomaly(
                "unbooked",
                family_id,
                _("%(child)s : présence sans réservation le %(day)s (%(service)s).")
                % {"child": child_name, "day": f"{day:%d/%m/%Y}", "service": activity_name},
            )
            for day in days
        )
    pair = (child_id, activity_id)
    if not enrolled and pair not in noted:
        noted.add(pair)
        anomalies.append(
            Anomaly(
                "no_enrolment",
                family_id,
                _("%(child)s : facturé sans inscription acceptée à %(service)s.")
                % {"child": child_name, "service": activity_name},
            )
        )
