"""The bank's reject report, read without trusting it: a pain.002 (payment status report),
a camt.054 (debit notification with return information) or a CSV of « reference;code ».
Each line gives the debit's end-to-end identifier (or the invoice number, in a CSV) and
its R code. The XML is parsed by lxml without entities, DTDs nor network."""

import csv
import io
from dataclasses import dataclass

from lxml import etree

MAX_BYTES = 5 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class ReportError(ValueError):
    """A file that is not a reject report we can read (the message is French)."""


@dataclass(frozen=True)
class RejectLine:
    reference: str
    code: str


def _text(node, path: str) -> str:
    found = node.xpath(path)
    return str(found[0]).strip() if found else ""


def _xml(content: bytes) -> list[RejectLine]:
    try:
        root = etree.fromstring(content, _PARSER)
    except etree.XMLSyntaxError:
        raise ReportError("Ce fichier XML est illisible.") from None
    lines = []
    # pain.002: a TxInfAndSts per debit; camt.054: a TxDtls per returned debit.
    for node in root.xpath("//*[local-name()='TxInfAndSts' or local-name()='TxDtls']"):
        reference = _text(
            node,
            "(*[local-name()='OrgnlEndToEndId'] | *[local-name()='Refs']"
            "/*[local-name()='EndToEndId'])/text()",
        )
        code = _text(
            node,
            "(*[local-name()='StsRsnInf'] | *[local-name()='RtrInf'])"
            "/*[local-name()='Rsn']/*[local-name()='Cd']/text()",
        )
        if reference and code:
            lines.append(RejectLine(reference, code.upper()))
    if not lines and not root.xpath(
        "//*[local-name()='CstmrPmtStsRpt' or local-name()='BkToCstmrDbtCdtNtfctn']"
    ):
        raise ReportError(
            "Ce fichier XML n'est ni un rapport pain.002 ni un avis camt.054 de la banque."
        )
    return lines


def _csv(content: bytes) -> list[RejectLine]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    lines = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise ReportError(
                f"Ligne {number} : indiquez la référence puis le code de rejet, séparés par "
                "un point-virgule."
            )
        if number == 1 and len(cells[1]) != 4:  # a header
            continue
        lines.append(RejectLine(cells[0], cells[1].upper()))
    return lines


def parse(content: bytes) -> list[RejectLine]:
    if not content.strip():
        raise ReportError("Ce fichier est vide.")
    if len(content) > MAX_BYTES:
        raise ReportError("Ce fichier dépasse 5 Mo.")
    if content.lstrip()[:1] == b"<":
        lines = _xml(content)
    else:
        lines = _csv(content)
    if not lines:
        raise ReportError("Ce fichier ne contient aucun rejet.")
    return lines
