"""The régie validates (or corrects, with a reason) or refuses a declaration; the QF
applies from the first day of the following month, and a new period closes the old."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from espace_citoyen.accounts.roles import Role
from espace_citoyen.core.testing import page_text, visible_text
from espace_citoyen.families.factories import family_create
from espace_citoyen.families.models import DocumentStatus
from espace_citoyen.pricing import services
from espace_citoyen.pricing.models import FamilyQuotient
from espace_citoyen.pricing.tests.conftest import pdf_upload, png_upload

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=PARIS), tick=False)


def declare_tax(family, user, income="29232", parts="3"):
    return services.declaration_submit_tax(
        family=family,
        actor=user,
        income=Decimal(income),
        parts=Decimal(parts),
        year=2025,
        notice=pdf_upload("avis.pdf"),
    )


@pytest.fixture
def declaration(family, citizen):
    with at(2026, 11, 18, 9, 0):
        return declare_tax(family, citizen)


@pytest.fixture
def regie_client(client, regie):
    client.force_login(regie)
    return client


def test_only_the_regie_sees_the_declarations(client, agent, declaration):
    """The queue is the régie's: other agents get 403, visitors log in."""
    url = reverse("backoffice:pricing_declarations")
    assert client.get(url).status_code == 302
    client.force_login(agent(Role.GUICHET))
    assert client.get(url).status_code == 403
    assert (
        client.get(
            reverse("backoffice:pricing_declaration", args=[declaration.demarche.reference])
        ).status_code
        == 403
    )
    client.force_login(agent(Role.REGIE))
    page = visible_text(client.get(url))
    assert declaration.demarche.reference in page
    assert "Avis d'imposition" in page and "812 €" in page


def test_the_queue_runs_a_fixed_number_of_queries(
    regie_client, family, citizen, django_assert_max_num_queries, commune
):
    """One declaration or six: the same number of queries."""
    with at(2026, 11, 18, 9, 0):
        declare_tax(family, citizen)
        url = reverse("backoffice:pricing_declarations")
        regie_client.get(url)
        with django_assert_max_num_queries(9) as one:
            regie_client.get(url)
        for index in range(5):
            other = family_create(children=index + 1)
            declare_tax(other, citizen)
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = regie_client.get(url)
    assert "6 déclarations à traiter" in visible_text(response)


def test_an_empty_queue_says_so(regie_client):
    """No declaration: « Aucune déclaration à traiter. », or « Aucune déclaration. » for all."""
    url = reverse("backoffice:pricing_declarations")
    assert "Aucune déclaration à traiter." in visible_text(regie_client.get(url))
    assert "Aucune déclaration." in visible_text(regie_client.get(url, {"toutes": "1"}))


def test_the_validation_screen_shows_documents_beside_the_figures(regie_client, family, citizen):
    """PDFs open in a new tab, images are shown; the figures and the calculation beside."""
    with at(2026, 11, 18, 9, 0):
        declaration = declare_tax(family, citizen)
        services.declaration_document_add(
            declaration=declaration, actor=citizen, upload=png_upload("page2.png")
        )
    with at(2026, 11, 20, 10, 0):
        response = regie_client.get(
            reverse("backoffice:pricing_declaration", args=[declaration.demarche.reference])
        )
    page = page_text(response)
    documents = list(declaration.demarche.documents.order_by("id"))
    assert f'href="/backoffice/justificatifs/{documents[0].pk}/fichier/" target="_blank"' in page
    assert f'<img src="/backoffice/justificatifs/{documents[1].pk}/fichier/"' in page
    text = visible_text(response)
    assert "Ouvrir le document « Avis d'imposition » (PDF, nouvel onglet)" in text
    assert "Document déposé le 18/11/2026 par Camille Martin, à vérifier." in text
    assert "29 232 € / 12 mois / 3 parts = 812 €" in text
    assert "Le quotient retenu s'appliquera à partir du 1er décembre 2026" in text
    assert (
        regie_client.get(f"/backoffice/justificatifs/{documents[1].pk}/fichier/").status_code == 200
    )


def test_validated_on_the_20th_applies_from_the_first_of_next_month(
    regie_client, declaration, family, django_capture_on_commit_callbacks, mailoutbox
):
    """Validated on 20 November: the QF applies from 1 December, never before; the family
    is told; the documents are accepted."""
    with at(2026, 11, 20, 10, 0), django_capture_on_commit_callbacks(execute=True):
        response = regie_client.post(
            reverse("backoffice:pricing_declaration", args=[declaration.demarche.reference]),
            {"qf": "812", "reason": "", "message": ""},
            follow=True,
        )
    assert "il s'applique à partir du 1er décembre 2026" in visible_text(response)
    record = FamilyQuotient.objects.get(family=family)
    assert (record.qf, record.starts_on, record.ends_before) == (812, date(2026, 12, 1), None)
    declaration.demarche.refresh_from_db()
    assert declaration.demarche.status == "acceptee"
    assert [d.status for d in declaration.demarche.documents.all()] == [DocumentStatus.ACCEPTED]
    body = mailoutbox[-1].body
    assert "Votre quotient familial de 812 € est validé." in body
    assert "Il s'applique à vos tarifs à partir du 1er décembre 2026." in body


def test_validated_in_december_applies_from_the_first_of_january(regie_client, family, citizen):
    """A validation on 20 December applies from 1 January."""
    with at(2026, 12, 18, 9, 0):
        declaration = declare_tax(family, citizen)
    with at(2026, 12, 20, 16, 0):
        services.declaration_validate(demarche=declaration.demarche, agent=None, qf=812)
    assert FamilyQuotient.objects.get(family=family).starts_on == date(2027, 1, 1)


def test_correcting_the_figure_needs_a_reason(
    regie_client, declaration, family, django_capture_on_commit_callbacks, mailoutbox
):
    """A corrected QF without a reason is refused (nothing changes); with one, the family
    reads both figures and the reason."""
    url = reverse("backoffice:pricing_declaration", args=[declaration.demarche.reference])
    with at(2026, 11, 20, 10, 0):
        response = regie_client.post(url, {"qf": "780", "reason": "", "message": ""})
    assert response.status_code == 400
    assert "indiquez le motif de la correction" in page_text(response)
    assert 'value="780"' in page_text(response)
    assert not FamilyQuotient.objects.exists()
    declaration.demarche.refresh_from_db()
    assert declaration.demarche.status == "deposee"

    reason = "Le revenu fiscal de référence de l'avis est 28 080 €, pas 29 232 €."
    with at(2026, 11, 20, 10, 5), django_capture_on_commit_callbacks(execute=True):
        regie_client.post(url, {"qf": "780", "reason": reason, "message": ""})
    record = FamilyQuotient.objects.get(family=family)
    assert record.qf == 780
    declaration.refresh_from_db()
    assert (declaration.declared_qf, declaration.validated_qf) == (812, 780)
    body = mailoutbox[-1].body
    assert "Votre quotient familial est retenu à 780 € (vous aviez déclaré 812 €)." in body
    assert reason in body


def test_a_new_declaration_closes_the_old_period(regie_client, family, citizen, regie):
    """A QF from September is closed the day the new one starts; the history shows both."""
    services.quotient_record(family=family, qf=1450, starts_on=date(2026, 9, 1), actor=regie)
    with at(2026, 11, 18, 9, 0):
        declaration = declare_tax(family, citizen)
    with at(2026, 11, 20, 10, 0):
        services.declaration_validate(demarche=declaration.demarche, agent=regie, qf=812)
        page = visible_text(
            regie_client.get(reverse("backoffice:pricing_family", args=[family.pk]))
        )
    old, new = FamilyQuotient.objects.filter(family=family).order_by("starts_on")
    assert (old.qf, old.ends_before, old.last_day) == (1450, date(2026, 12, 1), date(2026, 11, 30))
    assert (new.qf, new.starts_on, new.ends_before) == (812, date(2026, 12, 1), None)
    assert "01/09/2026 30/11/2026 1 450 €" in page
    assert "01/12/2026 — 812 €" in page
    assert "Quotient en vigueur le 20/11/2026 1 450 € depuis le 1er septembre 2026" in page


def test_two_validations_in_one_month_keep_the_last(family, citizen, regie):
    """Validated twice in November: the second replaces the first before it applies."""
    with at(2026, 11, 5, 9, 0):
        first = declare_tax(family, citizen)
        services.declaration_validate(demarche=first.demarche, agent=regie, qf=812)
    with at(2026, 11, 25, 9, 0):
        second = declare_tax(family, citizen, income="24000")
        services.declaration_validate(demarche=second.demarche, agent=regie, qf=666)
    first_record, second_record = FamilyQuotient.objects.filter(family=family).order_by("id")
    assert first_record.never_applied
    assert (second_record.qf, second_record.starts_on) == (666, date(2026, 12, 1))


def test_a_refused_declaration_changes_nothing(regie_client, declaration, family):
    """Refused on the démarche's screen: no QF; the family reads the reason."""
    with at(2026, 11, 20, 10, 0):
        regie_client.post(
            reverse("backoffice:demarche_act", args=[declaration.demarche.reference]),
            {"action": "refuser", "text": "L'avis joint est celui d'une autre personne."},
        )
    assert not FamilyQuotient.objects.exists()
    regie_client.force_login(family.guardians.get().user)
    page = visible_text(
        regie_client.get(reverse("demarches:detail", args=[declaration.demarche.reference]))
    )
    assert "L'avis joint est celui d'une autre personne." in page
    assert "Déclaration de revenus" in page and "812 €" in page


def test_accepting_on_the_generic_screen_applies_the_declared_qf(regie_client, declaration, family):
    """The démarche's own « Accepter » applies the QF as declared, from next month."""
    with at(2026, 11, 20, 10, 0):
        page = visible_text(
            regie_client.get(reverse("backoffice:demarche", args=[declaration.demarche.reference]))
        )
        assert "Vérifier les justificatifs et valider le quotient" in page
        regie_client.post(
            reverse("backoffice:demarche_act", args=[declaration.demarche.reference]),
            {"action": "accepter", "text": ""},
        )
    record = FamilyQuotient.objects.get(family=family)
    assert (record.qf, record.starts_on) == (812, date(2026, 12, 1))


def test_a_closed_declaration_cannot_be_validated_again(regie_client, declaration, family):
    """Validating twice: the second time is refused with a message, one period only."""
    url = reverse("backoffice:pricing_declaration", args=[declaration.demarche.reference])
    with at(2026, 11, 20, 10, 0):
        regie_client.post(url, {"qf": "812"})
        response = regie_client.post(url, {"qf": "812"})
    assert response.status_code == 400
    assert "Cette démarche est « Acceptée »" in page_text(response)
    assert FamilyQuotient.objects.filter(family=family).count() == 1


def test_quotient_search(regie_client, family, regie):
    """The régie finds a family and its QF today."""
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 9, 1), actor=regie)
    with at(2026, 11, 20, 10, 0):
        page = visible_text(
            regie_client.get(reverse("backoffice:pricing_quotients"), {"q": "Martin"})
        )
    assert family.number in page and "812 €" in page and "01/09/2026" in page


def test_quotient_search_shows_today_s_qf_in_fixed_queries(
    regie_client, family, regie, django_assert_max_num_queries
):
    """Each family found shows the QF in force today, not an ended or an announced one; one
    family found or six, the same number of queries."""
    services.quotient_record(family=family, qf=2000, starts_on=date(2026, 6, 1), actor=regie)
    services.quotient_record(family=family, qf=1450, starts_on=date(2026, 9, 1), actor=regie)
    services.quotient_record(family=family, qf=812, starts_on=date(2026, 12, 1), actor=regie)
    url = reverse("backoffice:pricing_quotients")
    with at(2026, 11, 20, 10, 0):
        with django_assert_max_num_queries(12) as one:
            page = visible_text(regie_client.get(url, {"q": "Martin"}))
        assert "1 famille pour « Martin »" in page
        assert "1 450 € 01/09/2026" in page
        assert "2 000 €" not in page and "812 €" not in page
        for index in range(5):
            other = family_create(children=index + 1)
            services.quotient_record(
                family=other, qf=300 + index, starts_on=date(2026, 9, 1), actor=regie
            )
        with django_assert_max_num_queries(len(one.captured_queries)):
            page = visible_text(regie_client.get(url, {"q": "Martin"}))
    assert "6 familles pour « Martin »" in page
    assert "304 €" in page


def test_the_regie_home_lists_its_pricing_screens(regie_client):
    """The back-office home links the régie's three pricing screens."""
    page = visible_text(regie_client.get(reverse("backoffice:home")))
    for title in (
        "Déclarations de revenus à valider",
        "Quotients familiaux des familles",
        "Grilles tarifaires",
    ):
        assert title in page


def test_validation_and_history_pages_have_fixed_query_counts(
    regie_client, family, citizen, regie, django_assert_max_num_queries
):
    """More documents or more QF periods do not add queries."""
    with at(2026, 11, 18, 9, 0):
        declaration = declare_tax(family, citizen)
    validate = reverse("backoffice:pricing_declaration", args=[declaration.demarche.reference])
    history = reverse("backoffice:pricing_family", args=[family.pk])
    with at(2026, 11, 20, 10, 0):
        regie_client.get(validate)
        with django_assert_max_num_queries(15) as first:
            regie_client.get(validate)
        with django_assert_max_num_queries(15) as first_history:
            regie_client.get(history)
        for index in range(3):
            services.declaration_document_add(
                declaration=declaration, actor=citizen, upload=png_upload(f"p{index}.png")
            )
            services.quotient_record(
                family=family, qf=500 + index, starts_on=date(2026, 6 + index, 1), actor=regie
            )
        with django_assert_max_num_queries(len(first.captured_queries)):
            regie_client.get(validate)
        with django_assert_max_num_queries(len(first_history.captured_queries)):
            regie_client.get(history)
