"""The bank's reject report imported by the régie: pain.002, camt.054 and CSV lines each
go through the manual reject's service; unknown or repeated lines change nothing; a bad
file is a polite message, never a 500, and an XML entity is never expanded."""

from decimal import Decimal

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from espace_citoyen.billing.models import InvoiceStatus
from espace_citoyen.core.testing import visible_text as page_text
from espace_citoyen.sepa import services
from espace_citoyen.sepa.models import Debit, DebitStatus, Mandate, MandateStatus
from espace_citoyen.sepa.tests.conftest import JANUARY_15

URL = "/backoffice/prelevements/rejets/import/"

PAIN_002 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>R1</MsgId><CreDtTm>2027-01-18T10:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>X</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId>
</OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>P</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>RJCT</TxSts>
<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf></TxInfAndSts>
<TxInfAndSts><OrgnlEndToEndId>INCONNU-1</OrgnlEndToEndId><TxSts>RJCT</TxSts>
<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"""

CAMT_054 = """<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<Ntfctn><Ntry><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>
<RtrInf><Rsn><Cd>{code}</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry></Ntfctn>
</BkToCstmrDbtCdtNtfctn></Document>"""


def _file(december_invoice, clerk, creditor):
    services.debit_file_generate(creditor=creditor, collection_date=JANUARY_15, actor=clerk)
    return Debit.objects.get(invoice=december_invoice)


def _upload(client, name: str, content: str | bytes):
    data = content.encode() if isinstance(content, str) else content
    return client.post(URL, {"report": SimpleUploadedFile(name, data)}, follow=True)


def test_pain_002_rejects_like_by_hand(client, december_invoice, clerk, creditor):
    debit = _file(december_invoice, clerk, creditor)
    client.force_login(clerk)
    response = _upload(client, "rapport.xml", PAIN_002.format(e2e=debit.end_to_end_id, code="AM04"))
    text = page_text(response)
    assert "1 rejet enregistré depuis rapport.xml" in text
    assert "Ligne INCONNU-1 ignorée : aucun prélèvement de la régie" in text
    debit.refresh_from_db()
    december_invoice.refresh_from_db()
    assert debit.status == DebitStatus.REJECTED and debit.reject_code == "AM04"
    assert debit.rejected_by == clerk
    assert december_invoice.status == InvoiceStatus.UNPAID
    assert "pas suffisamment approvisionné" in mail.outbox[-1].body
    # The same report again changes nothing.
    response = _upload(client, "rapport.xml", PAIN_002.format(e2e=debit.end_to_end_id, code="AM04"))
    assert "0 rejet enregistré" in page_text(response)
    assert "rejet déjà enregistré" in page_text(response)
    assert Mandate.objects.get(family=december_invoice.family, status=MandateStatus.ACTIVE)


def test_camt_054_return_reason(client, december_invoice, clerk, creditor):
    debit = _file(december_invoice, clerk, creditor)
    client.force_login(clerk)
    response = _upload(client, "avis.xml", CAMT_054.format(e2e=debit.end_to_end_id, code="ac01"))
    assert "1 rejet enregistré" in page_text(response)
    debit.refresh_from_db()
    assert debit.reject_code == "AC01"
    assert Mandate.objects.get(family=december_invoice.family).reject_count == 1


def test_csv_by_invoice_number_with_header(client, december_invoice, clerk, creditor):
    _file(december_invoice, clerk, creditor)
    client.force_login(clerk)
    csv = f"Référence;Code\n{december_invoice.number};MS02\nFAC-0;ZZ99\n"
    text = page_text(_upload(client, "rejets.csv", csv))
    assert "1 rejet enregistré" in text and "Ligne FAC-0 ignorée" in text
    december_invoice.refresh_from_db()
    assert december_invoice.amount_due == Decimal("11.40")
    assert december_invoice.status == InvoiceStatus.UNPAID


def test_bad_files_are_polite_messages(client, december_invoice, clerk, creditor):
    debit = _file(december_invoice, clerk, creditor)
    client.force_login(clerk)
    for name, content, message in [
        ("vide.csv", "  ", "Ce fichier est vide."),
        ("cassé.xml", "<Document><pas fermé", "Ce fichier XML est illisible."),
        ("autre.xml", "<html><body>bonjour</body></html>", "ni un rapport pain.002"),
        ("une.csv", "seulement-une-colonne\n", "Ligne 1 : indiquez la référence"),
        ("bin.csv", b"\xff\xfe\x00\x01", "Ligne 1"),
    ]:
        response = _upload(client, name, content)
        assert response.status_code == 200 and message in page_text(response), name
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "'
        + debit.end_to_end_id
        + '">]>'
        + PAIN_002.split("?>", 1)[1].format(e2e="&e;", code="AM04")
    )
    response = _upload(client, "xxe.xml", bomb)
    assert response.status_code == 200
    debit.refresh_from_db()
    assert debit.status == DebitStatus.SENT
    assert client.post(URL).status_code == 302


def test_only_the_regie_imports(agent_client, december_invoice, clerk, creditor):
    from espace_citoyen.accounts.roles import Role

    other = agent_client(Role.GUICHET)
    assert other.post(URL, {"report": SimpleUploadedFile("r.csv", b"a;AM04")}).status_code == 403
