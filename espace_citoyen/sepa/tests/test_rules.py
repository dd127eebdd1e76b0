"""Pure rules: IBAN and ICS, the debit date (property), FRST/RCUR and amendments over a
sequence of months (property), the pain.008 of each version against its XSD."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from espace_citoyen.sepa import pain008, rules


def test_iban_spaces_and_lower_case():
    assert rules.iban_clean(" fr76 3000 6000 0112 3456 7890 189 ") == "FR7630006000011234567890189"
    assert rules.iban_masked("FR7630006000011234567890189") == "FR76 •••• … 0189"
    assert rules.bic_for("FR7630006000011234567890189") == "AGRIFRPPXXX"


def test_ics():
    ics = rules.ics_with_check_digits("FR", "ZZZ", "123456")
    assert rules.ics_check(ics.lower()) == ics
    with pytest.raises(ValueError, match="clé"):
        rules.ics_check("FR00ZZZ123456")


@given(
    issued=st.dates(date(2025, 1, 1), date(2030, 12, 31)),
    day=st.integers(1, 28),
    notice=st.integers(2, 60),
)
def test_debit_date_gives_the_notice(issued, day, notice):
    debit = rules.debit_date(issued_on=issued, debit_day=day, notice_days=notice)
    assert debit.day == day
    assert debit >= issued + timedelta(days=notice)
    assert debit - timedelta(days=31) < issued + timedelta(days=notice)  # the first such day


EVENTS = st.lists(st.sampled_from(["debit", "reject", "change"]), max_size=30)


@given(EVENTS)
def test_sequence_over_months(events):
    """A model of the RUM's history: FRST until a debit is not rejected, RCUR after; the
    amendment travels with the first debit after a change, again if that one is rejected."""
    state = rules.SequenceState()
    sent = []  # (plan, collected before)
    changed_since_told = False
    for event in events:
        if event == "debit":
            plan = rules.next_debit(state)
            collected = any(not rejected for _p, _c, rejected in sent)
            assert plan.sequence == (rules.RCUR if collected else rules.FRST)
            assert plan.amendment == changed_since_told
            sent.append((plan, state.collected, False))
            state = rules.after_sent(state)
            changed_since_told = False
        elif event == "reject" and sent and not sent[-1][2]:
            plan, before, _r = sent[-1]
            sent[-1] = (plan, before, True)
            state = rules.after_rejected(state, plan, collected_before=before)
            changed_since_told = changed_since_told or plan.amendment
        elif event == "change":
            state = rules.after_account_change(state)
            changed_since_told = True


def _transactions():
    signed = date(2026, 12, 1)
    return [
        pain008.Transaction(
            "E1",
            Decimal("11.40"),
            "FRST",
            "EC2026000001",
            signed,
            "Camille Martin",
            "FR7630006000011234567890189",
            "AGRIFRPPXXX",
            "FAC-1",
            ("1 rue", "51000 Châlons"),
        ),
        pain008.Transaction(
            "E2",
            Decimal("9.12"),
            "RCUR",
            "EC2026000002",
            signed,
            "Jean Dupont",
            "FR1420041010050500013M02606",
            "",
            "FAC-2",
            (),
            "FR7630006000011234567890189",
        ),
        pain008.Transaction(
            "E3",
            Decimal("0.01"),
            "RCUR",
            "EC2026000003",
            signed,
            "Zoé Émile",
            "FR7630006000011234567890189",
            "",
            "FAC-3",
            (),
            "FR7630006000019876543210173",
        ),
    ]


@pytest.mark.parametrize("version", pain008.SUPPORTED_VERSIONS)
def test_pain008_validates_against_its_xsd(version):
    assert pain008.schema_path(version).exists()  # shipped by sepaxml
    _id, xml = pain008.build(
        creditor_name="Ville de Châlons",
        creditor_iban="FR7610011000201234567890188",
        creditor_bic="PSSTFRPPCHA",
        ics=rules.ics_with_check_digits("FR", "ZZZ", "123456"),
        collection_date=date(2027, 1, 15),
        transactions=_transactions(),
        version=version,
    )
    pain008.validate(xml, version)
    root = etree.fromstring(xml)
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{version}"}
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "20.53"
    assert len(root.findall(".//p:AmdmntInd", namespaces=ns)) == 2
    with pytest.raises(pain008.Pain008Error):
        pain008.validate(xml.replace(b"<NbOfTxs>3</NbOfTxs>", b"<NbOfTxs>x</NbOfTxs>"), version)
