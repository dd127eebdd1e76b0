"""The RGAA audit grid and the statement read from it: the statement never says more
than the audit found, and without an audit the status is « non conforme »."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text, visible_text
from espace_citoyen.portal import rgaa
from espace_citoyen.portal.models import AccessibilityAudit, Commune

GRID = settings.BASE_DIR / "docs" / "accessibility" / "audit.json"


def test_rgaa_4_1_has_106_criteria_in_13_topics():
    assert len(rgaa.CRITERIA) == 106 and len(set(rgaa.CRITERIA)) == 106
    assert rgaa.CRITERIA[0] == "1.1" and rgaa.CRITERIA[-1] == "13.12"


@given(st.integers(0, 106), st.integers(0, 106))
def test_the_rate_never_says_more_than_the_audit(conform, not_conform):
    rate = rgaa.conformity_rate(conform, not_conform)
    if conform + not_conform == 0:
        assert rate is None and rgaa.status_for(rate) == rgaa.STATUS_NONE
        return
    exact = Decimal(100 * conform) / (conform + not_conform)
    assert rate <= exact < rate + Decimal("0.1")  # rounded down to a tenth
    status = rgaa.status_for(rate)
    if not_conform == 0:
        assert status == rgaa.STATUS_FULL
    elif exact >= 50:
        assert status == rgaa.STATUS_PARTIAL  # 99.99 % is not « totalement »
    else:
        assert status == rgaa.STATUS_NONE


def test_the_statuses_are_the_communes():
    from espace_citoyen.portal.models import AccessibilityStatus

    assert {rgaa.STATUS_NONE, rgaa.STATUS_PARTIAL, rgaa.STATUS_FULL} == set(
        AccessibilityStatus.values
    )


def test_the_published_grid_is_complete():
    """docs/accessibility/audit.json assesses every criterion, each with reason and test."""
    grid = json.loads(GRID.read_text())
    assert rgaa.grid_errors(grid) == []
    assert len(grid["sample"]) >= 15


def test_an_incomplete_grid_says_what_is_missing():
    grid = json.loads(GRID.read_text())
    grid["criteria"] = [c for c in grid["criteria"] if c["id"] != "11.13"]
    grid["criteria"][0] = {**grid["criteria"][0], "result": "OK", "test": ""}
    errors = " ".join(rgaa.grid_errors(grid))
    assert "Critères manquants : 11.13." in errors
    assert "Critère 1.1 : le résultat doit être C, NC ou NA." in errors
    assert "Critère 1.1 : il manque « test »." in errors


@pytest.mark.django_db
def test_a_fresh_install_is_non_conforme_until_audited():
    client = Client()
    page = visible_text(client.get(reverse("portal:accessibility")))
    assert Commune.objects.get().accessibility_status == "non"
    assert (
        "est non conforme avec le référentiel général d'amélioration de l'accessibilité "
        "(RGAA), version 4.1, car il n'a pas encore fait l'objet d'un audit de conformité"
    ) in page
    assert "% des critères" not in page
    assert "Accessibilité : non conforme" in visible_text(client.get("/"))
    for section in [
        "État de conformité",
        "Contenus non accessibles",
        "Établissement de cette déclaration d'accessibilité",
        "Retour d'information et contact",
        "Voies de recours",
        "Schéma pluriannuel de mise en accessibilité",
        "Plan d'action de l'année en cours",
    ]:
        assert section in page, section


@pytest.mark.django_db
def test_the_statement_reads_its_figures_from_the_grid():
    """After `manage.py accessibility_audit`, the figures are the grid's, no more."""
    out = StringIO()
    call_command("accessibility_audit", stdout=out)
    grid = json.loads(GRID.read_text())
    summary = rgaa.summarise(grid["criteria"])
    rate = str(summary.rate).replace(".", ",")
    assert f"taux de conformité {rate} %" in out.getvalue()
    commune = Commune.objects.get()
    commune.accessibility_plan_url = "https://saint-exemple.example.org/schema"
    commune.save()

    page = visible_text(Client().get(reverse("portal:accessibility")))
    label = dict(Commune._meta.get_field("accessibility_status").choices)[summary.status]
    assert f"est {label} avec le référentiel" in page
    assert f"révèle que {rate} % des critères du RGAA version 4.1 sont respectés" in page
    assert f"{summary.conform} critères conformes" in page
    assert f"{summary.not_applicable} critères non applicables" in page
    for criterion in grid["criteria"]:
        if criterion["result"] == "NC":
            assert f"Critère {criterion['id']}" in page and criterion["reason"] in page
    for sample in grid["sample"]:
        assert sample["title"] in page
    assert "Cette déclaration a été établie le 29 novembre 2026" in page
    html = page_text(Client().get(reverse("portal:accessibility")))
    assert '<a href="https://saint-exemple.example.org/schema">Schéma pluriannuel' in html
    assert f"Accessibilité : {label}" in visible_text(Client().get("/"))


@pytest.mark.django_db
def test_an_incomplete_grid_is_refused_and_changes_nothing(tmp_path):
    grid = json.loads(GRID.read_text())
    grid["criteria"] = grid["criteria"][:100]
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(grid))
    with pytest.raises(CommandError, match="La grille d'audit est incomplète : Critères manquants"):
        call_command("accessibility_audit", str(path), stdout=StringIO())
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(CommandError, match="n'est pas un JSON lisible"):
        call_command("accessibility_audit", str(tmp_path / "broken.json"), stdout=StringIO())
    assert not AccessibilityAudit.objects.exists()
    assert Commune.objects.get().accessibility_status == "non"


@pytest.mark.django_db
def test_check_only_records_nothing():
    call_command("accessibility_audit", "--check", stdout=StringIO())
    assert not AccessibilityAudit.objects.exists()


@pytest.mark.django_db
def test_the_status_is_not_typed_in_the_admin(client, agent):
    client.force_login(agent(Role.ADMINISTRATEUR))
    page = page_text(client.get(reverse("admin:portal_commune_change", args=[1])))
    assert 'name="accessibility_status"' not in page
    assert 'name="accessibility_plan_url"' in page
