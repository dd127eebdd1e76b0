"""The preview of a month's run: what would be issued, totals per service and per site,
the number of families, and the anomalies to look at. Reads only (the engine)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from espace_citoyen.billing import engine, rules
from espace_citoyen.billing.anomalies import Anomaly
from espace_citoyen.billing.units import MonthUnits


@dataclass
class Row:
    label: str
    quantity: int = 0
    amount: Decimal = rules.ZERO


@dataclass
class Preview:
    month: date
    families: int = 0
    invoices: int = 0
    total: Decimal = rules.ZERO
    services: list[Row] = field(default_factory=list)
    sites: list[Row] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    anomaly_counts: dict[str, int] = field(default_factory=dict)
    already_billed: bool = False

    ANOMALY_LABELS = {
        "no_qf": "Familles sans quotient familial, facturées à la tranche la plus élevée",
        "unbooked": "Présences sans réservation (facturées avec la majoration)",
        "no_enrolment": "Enfants facturés sans inscription acceptée",
        "no_grid": "Activités sans grille tarifaire (jours non facturés)",
    }

    @property
    def anomaly_summary(self) -> list[tuple[str, int]]:
        return [
            (label, self.anomaly_counts[code])
            for code, label in self.ANOMALY_LABELS.items()
            if self.anomaly_counts.get(code)
        ]


def run_preview(month: date, *, regie, anomalies_shown: int = 200) -> Preview:
    month = rules.month_start(month)
    preview = Preview(month=month)
    preview.already_billed = engine.invoices_of_month_exist(regie.pk, month)
    catalogue = engine.Catalogue(month)
    services: dict[str, Row] = {}
    sites: dict[str, Row] = {}
    families: set[int] = set()
    anomalies: list[Anomaly] = []
    with MonthUnits(month, rules.month_end(month)) as units:
        for chunk in units.chunks(engine.CHUNK):
            groups = units.groups(chunk)
            for draft in engine.drafts_for(chunk, month, catalogue, anomalies, groups):
                families.add(draft.family_id)
                preview.invoices += 1
                preview.total += draft.total
                for line in draft.lines:
                    label = catalogue.service(line.activity_id)
                    service = services.setdefault(label, Row(label))
                    service.quantity += line.quantity
                    service.amount += line.amount
                    label = catalogue.site(line.activity_id)
                    site = sites.setdefault(label, Row(label))
                    site.quantity += line.quantity
                    site.amount += line.amount
    preview.families = len(families)
    preview.services = sorted(services.values(), key=lambda row: row.label)
    preview.sites = sorted(sites.values(), key=lambda row: row.label)
    counts = Counter()
    by_code_family = defaultdict(set)
    for anomaly in anomalies:
        if anomaly.code == "no_qf":
            by_code_family[anomaly.code].add(anomaly.family_id)
        else:
            counts[anomaly.code] += 1
    for code, family_set in by_code_family.items():
        counts[code] = len(family_set)
    preview.anomaly_counts = dict(counts)
    preview.anomalies = anomalies[:anomalies_shown]
    return preview
