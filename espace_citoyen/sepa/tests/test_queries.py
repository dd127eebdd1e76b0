"""Every direct debit page, the family's and the régie's, runs the same number of SQL
queries for a family of 1 child and of 6, each with two invoices debited in a file, a
refused request and an account change waiting: nothing is read per child, per invoice or
per mandate."""

from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_citoyen.accounts.factories import UserFactory
from espace_citoyen.activities.factories import enrolment_make
from espace_citoyen.billing import services as billing_services
from espace_citoyen.billing.factories import booking_make, quotient_set
from espace_citoyen.families.factories import family_create
from espace_citoyen.payments.tests.conftest import NOVEMBER, OCTOBER
from espace_citoyen.sepa import services
from espace_citoyen.sepa.models import Debit, DebitFile, Mandate, MandateStatus
from espace_citoyen.sepa.tests.conftest import IBAN_OTHER_BANK, JANUARY_15, code_from_mail

BUDGET = 30


def _world(size, *, canteen, clerk, creditor):
    """A family of `size` children billed for October and November (their bookings all
    invoiced), a refused request, then an active mandate, a debit file holding both
    invoices, and an account change requested (not yet signed)."""
    user = UserFactory(email=f"parent{size}@example.org")
    family = family_create(user=user, children=size, address_validated_on=date(2026, 1, 5))
    quotient_set(family, 812, date(2026, 9, 1))
    refused = services.mandate_request(
        family=family, holder="A", address="1 rue", iban=IBAN_OTHER_BANK, actor=user
    )
    refused = services.mandate_sign(
        mandate=refused, code=code_from_mail(), consent=True, actor=user
    )
    services.mandate_refuse(mandate=refused, actor=clerk, reason="RIB illisible")
    mandate = services.mandate_request(
        family=family,
        holder="Camille Martin",
        address="1 rue de la Paix",
        iban="FR7630006000011234567890189",
        actor=user,
    )
    mandate = services.mandate_sign(
        mandate=mandate, code=code_from_mail(), consent=True, actor=user
    )
    services.mandate_accept(mandate=mandate, actor=clerk)
    for kid in family.children.all():
        enrolment_make(kid, canteen, weekdays=[0, 1, 3, 4])
        for month, days in ((OCTOBER, (5, 6)), (NOVEMBER, (2, 3))):
            for day in days:
                booking_make(kid, canteen, month.replace(day=day), present=True)
    for month in (OCTOBER, NOVEMBER):
        run = billing_services.billing_run_start(month=month, actor=clerk)
        billing_services.billing_run_execute(run_id=run.pk)
    debit_file = services.debit_file_generate(
        creditor=creditor, collection_date=JANUARY_15, actor=clerk
    )
    change = services.mandate_request(
        family=family, holder="Camille Martin", address="2 rue", iban=IBAN_OTHER_BANK, actor=user
    )
    return user, family, debit_file, change


def _counts(client, regie_client, user, debit_file, change) -> list[int]:
    client.force_login(user)
    mandate = Mandate.objects.get(family=change.family, status=MandateStatus.ACTIVE)
    urls = [
        (client, reverse("sepa:mandate")),
        (client, reverse("sepa:sign", args=[change.pk])),
        (client, reverse("sepa:pdf", args=[mandate.pk])),
        (client, reverse("demarches:detail", args=[mandate.demarche.reference])),
        (regie_client, reverse("backoffice:sepa_mandates")),
        (regie_client, reverse("backoffice:sepa_files") + "?collection_date=2027-01-15"),
        (regie_client, reverse("backoffice:sepa_file", args=[debit_file.pk])),
        (regie_client, reverse("backoffice:sepa_file_download", args=[debit_file.pk])),
    ]
    counts = []
    for who, url in urls:
        who.get(url)  # per-process caches warm
        with CaptureQueriesContext(connection) as queries:
            response = who.get(url)
        assert response.status_code == 200, url
        assert len(queries) <= BUDGET, (url, len(queries))
        counts.append(len(queries))
    return counts


def test_pages_cost_the_same_for_one_and_six_children(
    client, canteen, grids, clerk, creditor, django_assert_max_num_queries
):
    regie_client = Client()
    regie_client.force_login(clerk)
    small = _world(1, canteen=canteen, clerk=clerk, creditor=creditor)
    assert Debit.objects.filter(file=small[2]).count() == 2
    one = _counts(client, regie_client, small[0], *small[2:])
    big = _world(6, canteen=canteen, clerk=clerk, creditor=creditor)
    assert DebitFile.objects.count() == 2
    six = _counts(client, regie_client, big[0], *big[2:])
    assert one == six
    # The request page, GET and a bad POST, within the budget too.
    client.force_login(big[0])
    with django_assert_max_num_queries(BUDGET):
        assert client.get(reverse("sepa:request")).status_code == 200
    with django_assert_max_num_queries(BUDGET):
        response = client.post(
            reverse("sepa:request"), {"holder": "A", "address": "B", "iban": "x"}
        )
        assert response.status_code == 200
