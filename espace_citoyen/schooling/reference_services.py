"""The school service's reference data: the enrolment campaign window of a school year
and the carte scolaire (replaced whole by a CSV import, read back as the same rows).
Every change is on the audit trail, under the schooling area."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from espace_citoyen.accounts.actors import Actor
from espace_citoyen.audit.rules import snapshot
from espace_citoyen.audit.services import audit_record
from espace_citoyen.core import dates
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.text import fold
from espace_citoyen.schooling import rules, selectors
from espace_citoyen.schooling.models import School, SchoolYear, SectorImport, SectorRule

AREA = "schooling"

# --- reference data -----------------------------------------------------------------------


@transaction.atomic
def school_year_campaign_set(
    *, school_year: SchoolYear, start: date | None, end: date | None, actor: Actor
) -> SchoolYear:
    """Set (or clear) the enrolment campaign window of a school year."""
    school_year = SchoolYear.objects.select_for_update().get(pk=school_year.pk)
    before = snapshot(school_year, ["campaign_start", "campaign_end"])
    school_year.campaign_start, school_year.campaign_end = start, end
    if start and end and end < start:
        raise ApplicationError(
            _("La fin de la campagne doit être après son début."), field="campaign_end"
        )
    if (start is None) != (end is None):
        raise ApplicationError(
            _("Indiquez les deux dates de la campagne, ou aucune pour la fermer."),
            field="campaign_start" if start is None else "campaign_end",
        )
    if end and end > school_year.end_date:
        raise ApplicationError(
            _("La campagne doit se terminer avant la fin de l'année scolaire (%(end)s).")
            % {"end": dates.french_date(school_year.end_date)},
            field="campaign_end",
        )
    school_year.full_clean()
    school_year.save(update_fields=["campaign_start", "campaign_end"])
    audit_record(
        actor=actor,
        area=AREA,
        entity="campagne d'inscription",
        label=school_year.label,
        before=before,
        after=snapshot(school_year, ["campaign_start", "campaign_end"]),
        subject=school_year,
    )
    return school_year


# --- the carte scolaire -------------------------------------------------------------------


class SectorImportRejected(ApplicationError):
    """The file has errors: nothing was imported. `report.errors` lists them by line."""

    def __init__(self, report: rules.CsvReport):
        super().__init__(
            ngettext(
                "Le fichier contient %(n)d erreur : rien n'a été importé.",
                "Le fichier contient %(n)d erreurs : rien n'a été importé.",
                len(report.errors),
            )
            % {"n": len(report.errors)},
            field="file",
        )
        self.report = report


@transaction.atomic
def sector_map_import(*, content: bytes, filename: str, actor: Actor) -> rules.CsvReport:
    """Replace the whole carte scolaire with the rules of a CSV file (voie; parité; du
    numéro; au numéro; école). If any line is wrong, nothing is saved and
    SectorImportRejected carries the report of every error, line by line."""
    schools = {fold(" ".join(school.name.split())): school for school in School.objects.all()}
    report = rules.parse_sector_csv(
        rules.decode_csv(content),
        {key: (str(school.pk), school.kind) for key, school in schools.items()},
    )
    if not report.ok:
        raise SectorImportRejected(report)
    previous, _deleted = SectorRule.objects.all().delete()
    SectorRule.objects.bulk_create(
        [
            SectorRule(
                street=line.street,
                street_key=line.key,
                parity=line.range.parity,
                number_from=line.range.start,
                number_to=line.range.end,
                school_id=int(line.school),
            )
            for line in report.lines
        ]
    )
    SectorImport.objects.create(by=actor, filename=filename[:255], rule_count=len(report.lines))
    audit_record(
        actor=actor,
        area=AREA,
        entity="carte scolaire",
        label=filename,
        before={"règles": previous},
        after={"règles": len(report.lines)},
        action="import",
    )
    return report


def sector_map_rows() -> list[list]:
    """The carte scolaire as rows of the CSV file the import reads."""
    rows = selectors.sector_rules()
    return rules.sector_csv_rows(
        [selectors._as_line(rule) for rule in rows],
        {str(rule.school_id): rule.school.name for rule in rows},
    )
