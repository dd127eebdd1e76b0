"""The school service's changes of reference data are in the audit trail (issue 13,
point 10): the campaign window and the carte scolaire."""

from datetime import date

from espace_citoyen.accounts.roles import Role
from espace_citoyen.audit.models import AuditEntry
from espace_citoyen.schooling import services
from espace_citoyen.schooling.tests.test_sector_map import GOOD_FILE


def test_the_campaign_window_is_recorded_before_and_after(agent, year):
    staff = agent(Role.SCOLAIRE)
    before = [year.campaign_start.isoformat(), year.campaign_end.isoformat()]
    services.school_year_campaign_set(
        school_year=year, start=date(2026, 12, 1), end=date(2027, 2, 28), actor=staff
    )
    entry = AuditEntry.objects.get(area="schooling", actor=staff)
    assert (entry.actor, entry.entity, entry.entity_label) == (
        staff,
        "campagne d'inscription",
        "2027-2028",
    )
    assert entry.changes == {
        "campaign_start": [before[0], "2026-12-01"],
        "campaign_end": [before[1], "2027-02-28"],
    }
    assert entry.subject == year


def test_an_import_of_the_carte_scolaire_is_recorded(agent, schools):
    staff = agent(Role.SCOLAIRE)
    services.sector_map_import(content=GOOD_FILE, filename="carte.csv", actor=staff)
    entry = AuditEntry.objects.get(area="schooling", action="import", actor=staff)
    assert entry.actor == staff and entry.entity_label == "carte.csv"
    assert entry.changes["règles"][1] == 2
