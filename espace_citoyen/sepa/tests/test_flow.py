"""The whole of direct debit through the services, as the family and the régie would:
request, signature, acceptance, pre-notified invoice, the file, rejects, suspension."""

from decimal import Decimal

import pytest
from django.core import mail
from lxml import etree

from espace_citoyen.billing import selectors as billing_selectors
from espace_citoyen.billing import services as billing_services
from espace_citoyen.billing.factories import booking_make
from espace_citoyen.billing.models import Invoice, InvoiceStatus, PaymentMethod
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.demarches.models import Demarche
from espace_citoyen.families.factories import family_create
from espace_citoyen.sepa import pain008, services
from espace_citoyen.sepa.models import Debit, Mandate, MandateStatus, SepaEvent
from espace_citoyen.sepa.tests.conftest import (
    IBAN,
    JANUARY_15,
    NOVEMBER,
    OCTOBER,
    bill,
    code_from_mail,
)

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


def test_request_sign_accept(family, citizen, clerk, creditor):
    mandate = services.mandate_request(
        family=family,
        holder="Camille Martin",
        address="1 rue de la Paix",
        iban="fr76 3000 6000 0112 3456 7890 189",
        actor=citizen,
    )
    assert mandate.status == MandateStatus.TO_SIGN
    assert mandate.bic == "AGRIFRPPXXX"
    assert mandate.iban_masked == "FR76 •••• … 0189"
    assert IBAN not in mandate.iban_encrypted and mandate.iban == IBAN
    code = code_from_mail()
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ApplicationError, match="ne correspond pas"):
        services.mandate_sign(mandate=mandate, code=wrong, consent=True, actor=citizen)
    with pytest.raises(ApplicationError, match="Cochez"):
        services.mandate_sign(mandate=mandate, code=code, consent=False, actor=citizen)
    mandate.refresh_from_db()
    assert mandate.code_attempts == 1 and mandate.status == MandateStatus.TO_SIGN
    mandate = services.mandate_sign(mandate=mandate, code=code, consent=True, actor=citizen)
    assert mandate.status == MandateStatus.PENDING and mandate.signed_at is not None
    assert Demarche.objects.get(pk=mandate.demarche_id).type == "prelevement"
    mandate = services.mandate_accept(mandate=mandate, actor=clerk)
    assert mandate.status == MandateStatus.ACTIVE and mandate.rum == "EC2026000001"
    assert list(SepaEvent.objects.filter(mandate=mandate).values_list("action", flat=True)) == [
        "acceptation",
        "signature",
        "code",
        "demande",
    ]
    assert all(IBAN not in m.body for m in mail.outbox)


def test_refused_with_reason(family, citizen, clerk, creditor):
    mandate = services.mandate_request(
        family=family, holder="Camille Martin", address="1 rue", iban=IBAN, actor=citizen
    )
    mandate = services.mandate_sign(
        mandate=mandate, code=code_from_mail(), consent=True, actor=citizen
    )
    with pytest.raises(ApplicationError):
        services.mandate_refuse(mandate=mandate, actor=clerk, reason=" ")
    mandate = services.mandate_refuse(
        mandate=mandate, actor=clerk, reason="Le RIB ne correspond pas."
    )
    assert (
        mandate.status == MandateStatus.REFUSED
        and mandate.refusal_reason == "Le RIB ne correspond pas."
    )
    assert "Le RIB ne correspond pas." in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR7630006000011234567890188", "clé de contrôle"),
        ("SA0380000000608010167519", "hors de la zone SEPA"),
        ("FR76300060000112345678901", "nombre de caractères"),
        ("XX7630006000011234567890189", "code d'un pays"),
        ("", "Indiquez"),
    ],
)
def test_bad_ibans(family, citizen, creditor, iban, message):
    with pytest.raises(ApplicationError, match=message) as error:
        services.mandate_request(
            family=family, holder="Camille Martin", address="1 rue", iban=iban, actor=citizen
        )
    assert error.value.field == "iban"


def test_invoice_prenotified_debited_rejected_suspended(december_invoice, mandate, clerk, creditor):
    invoice = december_invoice
    assert invoice.debit_on == JANUARY_15 and invoice.mandate_reference == mandate.rum
    preview = services.debit_preview(creditor=creditor, collection_date=JANUARY_15)
    assert [i.pk for i, _m in preview.included] == [invoice.pk]
    assert preview.total == Decimal("11.40")
    debit_file = services.debit_file_generate(
        creditor=creditor, collection_date=JANUARY_15, actor=clerk
    )
    root = etree.fromstring(bytes(debit_file.xml))
    pain008.validate(bytes(debit_file.xml), "pain.008.001.02")
    [tx] = root.findall(".//p:DrctDbtTxInf", NS)
    assert tx.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN
    assert tx.findtext(".//p:MndtId", namespaces=NS) == mandate.rum
    assert tx.findtext("p:InstdAmt", namespaces=NS) == "11.40"
    assert root.findtext(".//p:SeqTp", namespaces=NS) == "FRST"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DEBITED
    assert billing_selectors.invoices_payable(invoice.family) == []
    # Generating twice adds nothing.
    with pytest.raises(ApplicationError, match="Aucune facture"):
        services.debit_file_generate(creditor=creditor, collection_date=JANUARY_15, actor=clerk)
    # First reject: back to unpaid, payable online, the family told in plain French.
    debit = Debit.objects.get(invoice=invoice)
    services.debit_reject(debit=debit, code="AM04", actor=clerk)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.UNPAID and invoice.debit_on is None
    assert billing_selectors.invoices_payable(invoice.family) == [invoice]
    assert "pas suffisamment approvisionné" in mail.outbox[-1].body
    assert IBAN not in mail.outbox[-1].body
    mandate.refresh_from_db()
    assert mandate.reject_count == 1 and mandate.status == MandateStatus.ACTIVE
    with pytest.raises(ApplicationError, match="déjà"):
        services.debit_reject(debit=debit, code="AM04", actor=clerk)
    # Paid online after the reject: « Réglée », not « Prélevée » (the debit was reversed).
    billing_services.payment_record(
        family=invoice.family,
        invoices=[invoice],
        amount=invoice.amount_due,
        method=PaymentMethod.ONLINE,
        reference="TX-after-reject",
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_second_reject_suspends(mandate, children, canteen, regie, clerk, creditor):
    from espace_citoyen.sepa.tests.conftest import NOVEMBER, OCTOBER, bill

    bill(children, canteen, regie, clerk, OCTOBER, (5, 6))
    bill(children, canteen, regie, clerk, NOVEMBER, (2, 3))
    debit_file = services.debit_file_generate(
        creditor=creditor, collection_date=JANUARY_15, actor=clerk
    )
    first, second = Debit.objects.filter(file=debit_file).order_by("id")
    assert (first.sequence, second.sequence) == ("FRST", "FRST")
    services.debit_reject(debit=first, code="AC04", actor=clerk)
    services.debit_reject(debit=second, code="MS02", actor=clerk)
    mandate = Mandate.objects.get(rum=mandate.rum, status=MandateStatus.SUSPENDED)
    assert mandate.reject_count == 2
    assert any("suspendu" in m.subject for m in mail.outbox)
    payable = billing_selectors.invoices_payable(mandate.family)
    assert {i.pk for i in payable} == {first.invoice_id, second.invoice_id}
    assert not Invoice.objects.filter(family=mandate.family).exclude(debit_on=None).exists()


def test_paid_online_before_the_file_leaves_the_debit(december_invoice, clerk, creditor):
    from espace_citoyen.billing.models import PaymentMethod
    from espace_citoyen.billing.services import payment_record

    payment_record(
        family=december_invoice.family,
        invoices=[december_invoice],
        amount=december_invoice.amount_due,
        method=PaymentMethod.ONLINE,
        reference="TX-1",
    )
    preview = services.debit_preview(creditor=creditor, collection_date=JANUARY_15)
    assert preview.included == []


def test_change_of_account_keeps_rum_and_amends(
    december_invoice, mandate, family, citizen, clerk, creditor
):
    from espace_citoyen.sepa.tests.conftest import IBAN_OTHER_BANK

    new = services.mandate_request(
        family=family, holder="Camille Martin", address="1 rue", iban=IBAN_OTHER_BANK, actor=citizen
    )
    new = services.mandate_sign(mandate=new, code=code_from_mail(), consent=True, actor=citizen)
    new = services.mandate_accept(mandate=new, actor=clerk)
    assert new.rum == mandate.rum and new.status == MandateStatus.ACTIVE
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.REPLACED
    debit_file = services.debit_file_generate(
        creditor=creditor, collection_date=JANUARY_15, actor=clerk
    )
    root = etree.fromstring(bytes(debit_file.xml))
    assert root.findtext(".//p:AmdmntInd", namespaces=NS) == "true"
    assert root.findtext(".//p:OrgnlDbtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "SMNDA"
    assert root.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN_OTHER_BANK


def test_revoke_cancels_debits_not_sent(december_invoice, mandate, citizen, creditor):
    services.mandate_revoke(mandate=mandate, actor=citizen)
    december_invoice.refresh_from_db()
    assert december_invoice.debit_on is None
    assert services.debit_preview(creditor=creditor, collection_date=JANUARY_15).included == []


def test_unused_mandate_lapses_after_36_months(mandate):
    from datetime import date

    assert services.mandates_lapse(today=date(2029, 12, 9)) == 0
    assert services.mandates_lapse(today=date(2029, 12, 10)) == 1
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.LAPSED


def test_an_invoice_paid_by_credit_at_issue_is_not_debited(
    mandate, children, canteen, regie, clerk
):
    """A family's overpayment pays the next invoice as it is issued: nothing is left to
    debit, so the invoice is not pre-notified (no debit date, no RUM on it)."""
    bill(children, canteen, regie, clerk, OCTOBER, (5, 6))
    october = Invoice.objects.get(family=mandate.family, month=OCTOBER)
    billing_services.payment_record(
        family=mandate.family,
        invoices=[october],
        amount=october.total + Decimal("50"),
        method=PaymentMethod.CHEQUE,
        actor=clerk,
    )
    bill(children, canteen, regie, clerk, NOVEMBER, (2, 3, 5, 6, 9))
    november = Invoice.objects.get(family=mandate.family, month=NOVEMBER)
    assert november.amount_paid == november.total == Decimal("11.40")
    assert november.status == InvoiceStatus.PAID
    assert november.debit_on is None and november.mandate_reference == ""


def test_a_run_prenotifies_only_the_families_with_a_mandate(
    mandate, children, canteen, grids, regie, clerk
):
    """The hook reads a chunk's mandates by its range of families: the families around
    the one with a mandate, billed in the same chunk, are not pre-notified."""
    others = [family_create(children=1) for _index in range(2)]
    for family in others:
        booking_make(family.children.get(), canteen, NOVEMBER.replace(day=2), present=True)
    bill(children, canteen, regie, clerk, NOVEMBER, (2, 3))
    invoices = Invoice.objects.filter(month=NOVEMBER)
    assert {(i.family_id, i.debit_on, i.mandate_reference) for i in invoices} == {
        (mandate.family_id, JANUARY_15, mandate.rum),
        *((family.pk, None, "") for family in others),
    }
