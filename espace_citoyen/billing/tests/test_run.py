"""The monthly run: what is billed and what is not, numbers, the supplementary invoice for
late attendance, credit notes, snapshots of prices, reminders and the e-mail."""

from datetime import date
from decimal import Decimal

import pytest

from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing import preview, selectors, services
from espace_citoyen.billing.factories import booking_make, quotient_set, unbooked_presence_make
from espace_citoyen.billing.models import BillingRun, Invoice, InvoiceStatus, LineKind, RunStatus
from espace_citoyen.billing.tests.conftest import NOVEMBER
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.pricing.models import TariffBracket

pytestmark = pytest.mark.django_db


def _run(agent, month=NOVEMBER):
    run = services.billing_run_start(month=month, actor=agent)
    return services.billing_run_execute(run_id=run.pk)


@pytest.fixture
def clerk(agent):
    return agent(Role.REGIE)


def test_one_invoice_per_family_with_the_domain_rules(
    children, canteen, evening, clerk, regie, mailoutbox, django_capture_on_commit_callbacks
):
    lea, hugo = children
    booking_make(lea, canteen, date(2026, 11, 2), present=True)
    booking_make(lea, canteen, date(2026, 11, 3), present=False)  # unjustified: billed
    booking_make(lea, canteen, date(2026, 11, 5), present=False, justified=True)  # not billed
    booking_make(lea, canteen, date(2026, 11, 6))  # booked, not recorded: billed
    unbooked_presence_make(lea, canteen, date(2026, 11, 9))  # surcharge
    booking_make(hugo, evening, date(2026, 11, 2), present=True)
    with django_capture_on_commit_callbacks(execute=True):
        run = _run(clerk)
    assert run.status == "terminee" and run.invoices_count == 1
    invoice = Invoice.objects.get()
    assert invoice.number == "FAC-2026-000001"
    assert invoice.due_on == date(2027, 1, 9)
    lines = list(invoice.lines.order_by("position"))
    # By child (the eldest first), then service, then kind.
    assert [(line.child_name.split()[0], line.kind, line.quantity) for line in lines] == [
        ("Léa", LineKind.BOOKED_PRESENT, 2),
        ("Léa", LineKind.BOOKED_ABSENT, 1),
        ("Léa", LineKind.UNBOOKED, 1),
        ("Hugo", LineKind.BOOKED_PRESENT, 1),
    ]
    by_kind = {(line.child_name.split()[0], line.kind): line for line in lines}
    assert by_kind[("Léa", LineKind.BOOKED_PRESENT)].days == ["2026-11-02", "2026-11-06"]
    assert by_kind[("Léa", LineKind.BOOKED_PRESENT)].explanation == "QF 812 € → tranche 4 → 2,28 €"
    assert by_kind[("Léa", LineKind.UNBOOKED)].unit_price == Decimal("3.78")
    assert by_kind[("Hugo", LineKind.BOOKED_PRESENT)].unit_price == Decimal("2.92")  # 812 × 0,36 %
    assert invoice.total == Decimal("4.56") + Decimal("2.28") + Decimal("3.78") + Decimal("2.92")
    assert [mail.subject for mail in mailoutbox] == [
        "Votre facture de novembre 2026 est disponible"
    ]
    assert f"/carte-famille/factures/{invoice.pk}/" in mailoutbox[0].body


def test_second_run_bills_nothing_and_late_attendance_goes_to_a_supplement(
    children, canteen, clerk
):
    lea = children[0]
    booking_make(lea, canteen, date(2026, 11, 2), present=True)
    _run(clerk)
    again = _run(clerk)
    assert again.invoices_count == 0
    assert Invoice.objects.count() == 1
    unbooked_presence_make(lea, canteen, date(2026, 11, 12))
    supplement = _run(clerk)
    assert supplement.invoices_count == 1
    first, second = Invoice.objects.order_by("sequence")
    assert (first.number, second.number) == ("FAC-2026-000001", "FAC-2026-000002")
    assert first.total == Decimal("2.28")  # never edited
    assert second.total == Decimal("3.78")


def test_credit_note_cancels_and_days_can_be_billed_again(children, canteen, clerk):
    lea = children[0]
    booking_make(lea, canteen, date(2026, 11, 2), present=True)
    booking_make(lea, canteen, date(2026, 11, 3), present=True)
    _run(clerk)
    invoice = Invoice.objects.get()
    note = services.credit_note_issue(invoice=invoice, reason="Erreur de pointage", actor=clerk)
    assert note.number == "AV-2026-000001"
    assert note.total + invoice.total == 0
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED
    with pytest.raises(ApplicationError):
        services.credit_note_issue(invoice=invoice, reason="Encore", actor=clerk)
    rerun = _run(clerk)
    assert rerun.invoices_count == 1
    assert selectors.invoices_payable(lea.family)[0].total == Decimal("4.56")


def test_partial_credit_note_on_a_paid_invoice_becomes_credit(children, canteen, evening, clerk):
    lea = children[0]
    booking_make(lea, canteen, date(2026, 11, 2), present=True)
    booking_make(lea, evening, date(2026, 11, 2), present=True)
    _run(clerk)
    invoice = Invoice.objects.get()
    services.payment_record(
        family=lea.family, invoices=[invoice], amount=invoice.total, method="especes"
    )
    evening_line = invoice.lines.get(activity=evening)
    services.credit_note_issue(
        invoice=invoice, reason="Accueil fermé", actor=clerk, line_ids=[evening_line.pk]
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.amount_due == 0
    assert selectors.family_balance(lea.family).credit == Decimal("2.92")


def test_issued_prices_are_a_snapshot(children, canteen, clerk, grids):
    booking_make(children[0], canteen, date(2026, 11, 2), present=True)
    _run(clerk)
    TariffBracket.objects.filter(grid=grids[0]).update(price=Decimal("9.99"))
    line = Invoice.objects.get().lines.get()
    assert line.unit_price == Decimal("2.28")


def test_qf_and_grid_of_the_day(children, canteen, clerk, family):
    """A QF that changes on the 16th bills the month in two lines."""
    family.quotients.update(ends_before=date(2026, 11, 16))
    quotient_set(family, 300, date(2026, 11, 16))
    booking_make(children[0], canteen, date(2026, 11, 13), present=True)
    booking_make(children[0], canteen, date(2026, 11, 16), present=True)
    _run(clerk)
    prices = sorted(line.unit_price for line in Invoice.objects.get().lines.all())
    assert prices == [Decimal("0.85"), Decimal("2.28")]


def test_preview_totals_and_anomalies(children, canteen, clerk, family, regie):
    family.quotients.all().delete()
    booking_make(children[0], canteen, date(2026, 11, 2), present=True)
    unbooked_presence_make(children[1], canteen, date(2026, 11, 3))
    result = preview.run_preview(NOVEMBER, regie=regie)
    assert (result.invoices, result.families) == (1, 1)
    assert result.total == Decimal("4.61") + Decimal("6.11")
    assert dict(result.anomaly_summary) == {
        "Familles sans quotient familial, facturées à la tranche la plus élevée": 1,
        "Présences sans réservation (facturées avec la majoration)": 1,
    }
    assert not Invoice.objects.exists()  # a preview writes nothing


def test_current_month_cannot_be_billed(clerk, regie):
    with pytest.raises(ApplicationError, match="mois terminé"):
        services.billing_run_start(month=date(2026, 12, 1), actor=clerk)


def test_reminder_once_after_the_delay(
    children, canteen, clerk, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    booking_make(children[0], canteen, date(2026, 11, 2), present=True)
    _run(clerk)
    invoice = Invoice.objects.get()
    time_machine.move_to(date(2027, 1, 18))  # due 9 January + 10 days: not yet
    assert services.reminders_send() == 0
    time_machine.move_to(date(2027, 1, 19))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    assert mailoutbox[-1].subject == f"Rappel : votre facture {invoice.number} reste à régler"
    assert "jamais suspendu" in mailoutbox[-1].body


def test_the_home_counts_last_month_until_issued_and_failed_runs_until_redone(regie):
    """The régie's home badge: last month waits until one of its runs finishes; a failed
    run counts until its month is issued."""
    today = date(2026, 12, 3)
    assert selectors.months_to_issue(today=today) == 1
    BillingRun.objects.create(regie=regie, month=date(2026, 10, 1), status=RunStatus.FAILED)
    assert selectors.months_to_issue(today=today) == 2
    BillingRun.objects.create(regie=regie, month=NOVEMBER, status=RunStatus.DONE)
    assert selectors.months_to_issue(today=today) == 1
    BillingRun.objects.create(regie=regie, month=date(2026, 10, 1), status=RunStatus.DONE)
    assert selectors.months_to_issue(today=today) == 0
