"""How a run writes a chunk (`runs._issue_chunk`, `bulk.invoices_prepare`): invoices
prepared before the lock and priced again under it when their families were billed
since, a chunk failing after its numbers were reserved, texts written as they are."""

from datetime import date

import pytest
from django.db import connection, transaction

from espace_citoyen.accounts.roles import Role
from espace_citoyen.billing import engine, registry, services
from espace_citoyen.billing.factories import booking_make, unbooked_presence_make
from espace_citoyen.billing.models import BillingRun, Invoice, InvoiceKind, InvoiceLine
from espace_citoyen.billing.services import bulk, runs
from espace_citoyen.billing.tests.conftest import NOVEMBER
from espace_citoyen.core.models import Counter
from espace_citoyen.families.factories import family_create

TODAY = date(2026, 12, 10)


@pytest.fixture
def clerk(agent):
    return agent(Role.REGIE)


def _families(canteen, count, *days):
    families = [family_create(children=1) for _index in range(count)]
    for family in families:
        for day in days:
            booking_make(family.children.get(), canteen, NOVEMBER.replace(day=day), present=True)
    return families


def _billed_days(family) -> list[str]:
    return sorted(
        day
        for days in InvoiceLine.objects.filter(
            invoice__family=family, invoice__kind=InvoiceKind.INVOICE
        ).values_list("days", flat=True)
        for day in days
    )


@pytest.mark.django_db
def test_a_chunk_billed_since_it_was_priced_is_priced_again_under_the_lock(
    canteen, grids, regie, clerk
):
    """Invoices prepared before another run billed the same families are not written:
    the chunk is priced again under the lock, bills only the day recorded since, numbers
    it after the other run's, and the ids taken for the stale rows stay unused."""
    families = _families(canteen, 3, 3)
    family_ids = sorted(family.pk for family in families)
    catalogue = engine.Catalogue(NOVEMBER)
    stale = (
        bulk.invoices_prepare(
            engine.drafts_for(family_ids, NOVEMBER, catalogue, None), catalogue.service
        ),
        runs._billed_state(family_ids, NOVEMBER),
    )
    assert len(stale[0]) == 3
    other = services.billing_run_start(month=NOVEMBER, actor=clerk)
    assert services.billing_run_execute(run_id=other.pk).invoices_count == 3
    booking_make(families[0].children.get(), canteen, date(2026, 11, 5), present=True)

    run = BillingRun.objects.create(regie=regie, month=NOVEMBER, started_by=clerk)
    with transaction.atomic():
        invoices, amount = runs._issue_chunk(run, family_ids, catalogue, TODAY, stale)

    assert [invoice.family_id for invoice in invoices] == [families[0].pk]
    supplement = Invoice.objects.get(run=run)
    assert (supplement.sequence, supplement.number) == (4, "FAC-2026-000004")
    assert supplement.total == amount == sum(line.amount for line in supplement.lines.all())
    assert _billed_days(families[0]) == ["2026-11-03", "2026-11-05"]
    assert [_billed_days(family) for family in families[1:]] == [["2026-11-03"]] * 2
    if connection.vendor == "postgresql":
        stale_ids = {invoice.pk for invoice in stale[0]}
        assert not Invoice.objects.filter(pk__in=stale_ids).exists()

    # The same stale chunk once more: nothing left to bill, no number taken.
    with transaction.atomic():
        assert runs._issue_chunk(run, family_ids, catalogue, TODAY, stale)[0] == []
    assert Counter.objects.get(name=f"billing-FAC-{regie.pk}", year=2026).value == 4


def run_failing_in_its_second_chunk(canteen, regie, clerk, monkeypatch):
    """Four families in chunks of two, the second chunk failing after its numbers were
    reserved and its rows sent: the first chunk stays, the second gives its numbers
    back, and the next run bills the rest from number 3."""
    monkeypatch.setattr(engine, "CHUNK", 2)
    families = _families(canteen, 4, 3, 5)
    chunks = []

    def fails_second(*, invoices):
        chunks.append([invoice.family_id for invoice in invoices])
        if len(chunks) == 2:
            assert Invoice.objects.filter(pk=invoices[0].pk).exists()  # written, not committed
            raise RuntimeError("disque plein")

    monkeypatch.setattr(
        registry, "_issued_hooks", [*registry.invoices_issued_hooks(), fails_second]
    )
    failed = services.billing_run_execute(
        run_id=services.billing_run_start(month=NOVEMBER, actor=clerk).pk
    )
    assert failed.status == "echec" and "disque plein" in failed.error
    counter = Counter.objects.get(name=f"billing-FAC-{regie.pk}", year=2026)
    assert counter.value == Invoice.objects.count() == 2

    monkeypatch.setattr(registry, "_issued_hooks", registry.invoices_issued_hooks()[:-1])
    again = services.billing_run_execute(
        run_id=services.billing_run_start(month=NOVEMBER, actor=clerk).pk
    )
    assert (again.status, again.invoices_count) == ("terminee", 2)
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    assert sorted(invoices.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    assert sorted(invoices.values_list("family_id", flat=True)) == sorted(f.pk for f in families)
    for family in families:
        assert _billed_days(family) == ["2026-11-03", "2026-11-05"]


@pytest.mark.django_db
def test_a_chunk_failing_after_its_numbers_gives_them_back(
    canteen, grids, regie, clerk, monkeypatch
):
    run_failing_in_its_second_chunk(canteen, regie, clerk, monkeypatch)


@pytest.mark.django_db
def test_names_with_tabs_and_backslashes_are_written_as_they_are(canteen, grids, regie, clerk):
    """COPY's text escapes: a name with a backslash, a tab or a line break is kept."""
    (family,) = _families(canteen, 1, 3)
    child = family.children.get()
    child.first_name = "Zoé\\Anne\tdite\r\nZaza"
    child.save()
    services.billing_run_execute(run_id=services.billing_run_start(month=NOVEMBER, actor=clerk).pk)
    line = InvoiceLine.objects.get()
    assert line.child_name == child.full_name
    assert line.days == ["2026-11-03"] and line.quantity == 1


@pytest.mark.django_db
def test_a_run_prices_as_the_preview_without_its_anomalies(children, canteen, family):
    """A run asks for no anomaly texts (None): the same invoices as the preview's."""
    booking_make(children[0], canteen, date(2026, 11, 2), present=True)
    booking_make(children[1], canteen, date(2026, 11, 3), present=False)
    unbooked_presence_make(children[1], canteen, date(2026, 11, 4))
    catalogue = engine.Catalogue(NOVEMBER)
    anomalies = []
    shown = list(engine.drafts_for([family.pk], NOVEMBER, catalogue, anomalies))
    run = list(engine.drafts_for([family.pk], NOVEMBER, catalogue, None))
    assert run == shown and len(shown[0].lines) == 3
    assert [anomaly.code for anomaly in anomalies] == ["unbooked"]
