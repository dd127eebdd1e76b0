"""What a parent and a régie agent see: the card's service, the sections, the invoice page
and its PDF, another family's invoice (404), the régie's preview, issue, desk payment,
credit note, unpaid list and exports; a constant number of queries per page."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing import services
from espace_citoyen.billing.factories import booking_make
from espace_citoyen.billing.models import BillingEvent, Invoice, InvoiceStatus
from espace_citoyen.billing.tests.conftest import NOVEMBER
from espace_citoyen.core.testing import page_text, pdf_structure, pdf_text
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(children, canteen, evening, agent):
    for day in (2, 3, 5, 6, 9, 10, 12, 13, 16, 17):
        for kid in children:
            booking_make(kid, canteen, date(2026, 11, day), present=True)
    booking_make(children[1], evening, date(2026, 11, 2), present=True)
    run = services.billing_run_start(month=NOVEMBER, actor=agent(Role.REGIE))
    services.billing_run_execute(run_id=run.pk)
    return Invoice.objects.get(family=children[0].family)


def test_card_home_and_dashboard_offer_the_service(citizen_client, family):
    text = page_text(citizen_client.get(reverse("families:card")))
    assert "Consulter et régler vos factures" in text


def test_invoice_list_in_sections(citizen_client, billed):
    text = page_text(citizen_client.get(reverse("billing:invoices")))
    assert "À régler" in text and "Réglées" in text and "Annulées / avoirs" in text
    assert billed.number in text
    assert "48,52 €" in text  # 20 × 2,28 € + 2,92 €


def test_invoice_page_lines_by_child_and_explanation(citizen_client, billed):
    response = citizen_client.get(reverse("billing:invoice", args=[billed.pk]))
    text = page_text(response)
    assert "10 × 2,28 €" in text
    assert "QF 812 € → tranche 4 → 2,28 €" in text
    assert "2, 3, 5, 6, 9, 10, 12, 13, 16, 17" in text
    assert "Aucun paiement reçu" in text
    assert text.index("Léa") < text.index("Hugo")


def test_invoice_pdf_holds_number_lines_total_and_appeal(citizen_client, billed):
    response = citizen_client.get(reverse("billing:invoice_pdf", args=[billed.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert billed.number in text
    assert "10 × 2,28 €" in text and "48,52 €" in text
    assert "L1617-5" in text and "deux mois" in text


def test_the_invoice_is_a_tagged_pdf(citizen_client, billed):
    """PDF/UA (RGAA 13.3): a screen reader gets the language, the title and the structure
    tree of the invoice, its tables with their headers."""
    response = citizen_client.get(reverse("billing:invoice_pdf", args=[billed.pk]))
    structure = pdf_structure(response.content)
    assert structure["lang"] == "fr" and structure["marked"] and structure["shows_title"]
    assert structure["title"].startswith(f"Facture {billed.number} — ")
    assert structure["tags"][0] == "Document"
    assert {"H1", "H2", "P", "Table", "TR", "TH", "TD"} <= set(structure["tags"])


def test_another_family_never_sees_nor_downloads(client, billed):
    stranger = UserFactory(email="autre@example.org")
    family_create(user=stranger, children=1)
    client.force_login(stranger)
    assert client.get(reverse("billing:invoice", args=[billed.pk])).status_code == 404
    assert client.get(reverse("billing:invoice_pdf", args=[billed.pk])).status_code == 404
    assert billed.number not in page_text(client.get(reverse("billing:invoices")))


def test_pages_have_a_constant_number_of_queries(
    citizen_client, billed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        citizen_client.get(reverse("billing:invoices"))
    with django_assert_max_num_queries(20):
        citizen_client.get(reverse("billing:invoice", args=[billed.pk]))


def test_query_budget_one_vs_six_children(client, canteen, grids, agent, commune):
    counts = []
    for size in (1, 6):
        user = UserFactory(email=f"parent{size}@example.org")
        fam = family_create(user=user, children=size, address_validated_on=date(2026, 1, 5))
        for kid in fam.children.all():
            for day in (2, 3, 5):
                booking_make(kid, canteen, date(2026, 11, day), present=True)
        client.force_login(user)
        run = services.billing_run_start(month=NOVEMBER, actor=agent(Role.REGIE))
        services.billing_run_execute(run_id=run.pk)
        invoice = Invoice.objects.get(family=fam)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("billing:invoice", args=[invoice.pk]))
            client.get(reverse("billing:invoices"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_regie_previews_then_issues(
    regie_client, children, canteen, django_capture_on_commit_callbacks
):
    booking_make(children[0], canteen, date(2026, 11, 2), present=True)
    text = page_text(regie_client.get(reverse("backoffice:billing_runs"), {"mois": "2026-11"}))
    assert "Aperçu de la facturation de novembre 2026" in text
    assert "1 facture" in text and "2,28 €" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = regie_client.post(reverse("backoffice:billing_run_start"), {"mois": "2026-11"})
    assert response.status_code == 302
    text = page_text(regie_client.get(response.url))
    assert "Terminée" in text and "1 sur 1" in text
    assert BillingEvent.objects.filter(action="facturation", actor__isnull=False).exists()


def test_regie_bad_month_is_a_polite_error(regie_client, regie):
    response = regie_client.get(reverse("backoffice:billing_runs"), {"mois": "2026-13"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in page_text(response)


def test_desk_payment_partial_and_overpaid(regie_client, billed):
    url = reverse("backoffice:billing_invoice_pay", args=[billed.pk])
    response = regie_client.post(
        url, {"amount": "abc", "method": "especes", "received_on": "2026-12-10"}
    )
    assert response.status_code == 400
    assert "Indiquez un montant en euros" in page_text(response)
    response = regie_client.post(
        url, {"amount": "20,00", "method": "cheque", "received_on": "2026-12-10"}
    )
    assert "Indiquez le numéro du chèque" in page_text(response)
    response = regie_client.post(
        url,
        {
            "amount": "20,00",
            "method": "cheque",
            "reference": "0012345",
            "received_on": "2026-12-10",
        },
        follow=True,
    )
    assert "Paiement de 20,00 € enregistré (Chèque)" in page_text(response)
    billed.refresh_from_db()
    assert billed.status == InvoiceStatus.PARTLY_PAID
    response = regie_client.post(
        url, {"amount": "40", "method": "carte_guichet", "received_on": "2026-12-10"}, follow=True
    )
    assert "trop-perçu de 11,48 €" in page_text(response)
    billed.refresh_from_db()
    assert billed.status == InvoiceStatus.PAID
    event = BillingEvent.objects.filter(action="paiement").first()
    assert event.actor is not None


def test_credit_note_from_the_regie_shows_on_both_sides(
    regie_client, other_client, citizen, billed
):
    response = regie_client.post(
        reverse("backoffice:billing_invoice_credit", args=[billed.pk]), {"reason": ""}
    )
    assert "Indiquez le motif de l'avoir" in page_text(response)
    response = regie_client.post(
        reverse("backoffice:billing_invoice_credit", args=[billed.pk]),
        {"reason": "Sortie scolaire, repas non servis"},
        follow=True,
    )
    assert "Avoir AV-2026-000001 de 48,52 € émis" in page_text(response)
    other_client.force_login(citizen)
    text = page_text(other_client.get(reverse("billing:invoices")))
    assert "AV-2026-000001" in text and "Annulée" in text


def test_unpaid_list_and_exports(regie_client, billed):
    text = page_text(regie_client.get(reverse("backoffice:billing_unpaid")))
    assert billed.number in text and "48,52 €" in text
    response = regie_client.get(
        reverse("backoffice:billing_exports"),
        {"start": "2026-12-01", "end": "2026-12-31", "what": "factures", "fmt": "csv"},
    )
    body = response.content.decode("utf-8-sig")
    assert "Numéro;Type;Famille" in body and billed.number in body and "48,52" in body
    response = regie_client.get(
        reverse("backoffice:billing_exports"),
        {"start": "2026-12-31", "end": "2026-12-01", "what": "paiements", "fmt": "ods"},
    )
    assert response.status_code == 400
    assert "La fin de la période précède son début" in page_text(response)


def test_citizen_cannot_reach_regie_screens(citizen_client, billed):
    assert (
        citizen_client.get(reverse("backoffice:billing_invoice", args=[billed.pk])).status_code
        == 403
    )
    assert Decimal(billed.total) == Decimal("48.52")


def test_dashboard_lists_the_invoices_service(citizen_client, family):
    text = page_text(citizen_client.get(reverse("portal:dashboard")))
    assert "Consulter et régler vos factures" in text
