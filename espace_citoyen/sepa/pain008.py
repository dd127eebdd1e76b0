"""The pain.008 debit file, built with sepaxml (FRST and RCUR batches) in the version
the commune's bank asks for, with the amendment information sepaxml does not write
(added to the transaction's mandate details), then validated against the XSD that
sepaxml ships (sepaxml/schemas/<version>.xsd)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import sepaxml
import xmlschema
from lxml import etree
from schwifty import IBAN
from text_unidecode import unidecode

SUPPORTED_VERSIONS = ("pain.008.001.02", "pain.008.001.08")
SCHEMAS = Path(sepaxml.__file__).parent / "schemas"


class Pain008Error(Exception):
    pass


@dataclass(frozen=True)
class Transaction:
    end_to_end_id: str
    amount: Decimal
    sequence: str  # FRST, RCUR
    rum: str
    signed_on: date
    debtor: str
    iban: str
    bic: str
    description: str
    address_lines: tuple[str, ...] = ()
    former_iban: str = ""  # the account before a change, told to the bank once


def schema_path(version: str) -> Path:
    return SCHEMAS / f"{version}.xsd"


def validate(xml: bytes, version: str) -> None:
    """Raises Pain008Error with the schema's message when `xml` does not validate."""
    try:
        xmlschema.XMLSchema(str(schema_path(version))).validate(xml.decode())
    except xmlschema.XMLSchemaValidationError as error:
        raise Pain008Error(str(error.reason or error)) from error


def build(
    *,
    creditor_name: str,
    creditor_iban: str,
    creditor_bic: str,
    ics: str,
    collection_date: date,
    transactions: list[Transaction],
    version: str,
) -> tuple[str, bytes]:
    """(message id, the file's bytes) for `transactions`, validated."""
    if version not in SUPPORTED_VERSIONS:
        raise Pain008Error(f"Version {version} non prise en charge.")
    sepa = sepaxml.SepaDD(
        {
            "name": creditor_name,
            "IBAN": creditor_iban,
            "BIC": creditor_bic,
            "batch": True,
            "creditor_id": ics,
            "currency": "EUR",
        },
        schema=version,
    )
    for tx in transactions:
        payment = {
            "name": tx.debtor,
            "IBAN": tx.iban,
            "amount": int((tx.amount * 100).to_integral_value()),
            "type": tx.sequence,
            "collection_date": collection_date,
            "mandate_id": tx.rum,
            "mandate_date": tx.signed_on,
            "description": tx.description,
            "endtoend_id": tx.end_to_end_id,
        }
        if tx.bic:
            payment["BIC"] = tx.bic
        if tx.address_lines:
            payment["address"] = {"lines": [unidecode(line)[:70] for line in tx.address_lines[:2]]}
        sepa.add_payment(payment)
    xml = sepa.export(validate=False)
    amended = {tx.end_to_end_id: tx for tx in transactions if tx.former_iban}
    if amended:
        xml = _with_amendments(xml, amended, version)
    validate(xml, version)
    return sepa.msg_id, xml


def _with_amendments(xml: bytes, amended: dict[str, Transaction], version: str) -> bytes:
    """The mandate's amendment: the former account (same bank) or « SMNDA » (another
    bank: the EPC's code for a change of debtor agent)."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:{version}"
    q = lambda name: f"{{{ns}}}{name}"  # noqa: E731
    root = etree.fromstring(xml)
    for tx_node in root.iter(q("DrctDbtTxInf")):
        e2e = tx_node.find(f"{q('PmtId')}/{q('EndToEndId')}").text
        tx = amended.get(e2e)
        if tx is None:
            continue
        mandate = tx_node.find(f"{q('DrctDbtTx')}/{q('MndtRltdInf')}")
        signed = mandate.find(q("DtOfSgntr"))
        indicator = etree.Element(q("AmdmntInd"))
        indicator.text = "true"
        details = etree.Element(q("AmdmntInfDtls"))
        if _same_bank(tx.former_iban, tx.iban):
            account = etree.SubElement(details, q("OrgnlDbtrAcct"))
            etree.SubElement(etree.SubElement(account, q("Id")), q("IBAN")).text = tx.former_iban
        else:
            agent = etree.SubElement(details, q("OrgnlDbtrAgt"))
            institution = etree.SubElement(agent, q("FinInstnId"))
            other = etree.SubElement(institution, q("Othr"))
            etree.SubElement(other, q("Id")).text = "SMNDA"
        signed.addnext(indicator)
        indicator.addnext(details)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _same_bank(former: str, current: str) -> bool:
    a, b = IBAN(former), IBAN(current)
    return a.country_code == b.country_code and a.bank_code == b.bank_code
