"""The admin site shows the allocation's rows and changes none of them."""

import pytest
import time_machine

from espace_citoyen.accounts.roles import Role
from espace_citoyen.allocation import services
from espace_citoyen.allocation.models import Allocation, AllocationRequest
from espace_citoyen.allocation.tests.conftest import AFTER_CLOSE, FIRST_WEEK, key

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_allocations_requests_and_adjustments_read_only(
    allocation, centre, family, client, agent
):
    lea = family.children.get(first_name="Léa")
    (request,) = services.request_submit(
        allocation=allocation,
        family=family,
        children=[lea],
        choices=[key(centre, FIRST_WEEK)],
        together=False,
        actor=None,
    )
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.draw_fix(allocation=allocation, public_value="12 34", agent=None)
        adjustment = services.adjustment_add(
            allocation=allocation,
            request=request,
            action="refuse",
            choice=0,
            reason="Doublon",
            agent=None,
        )
        # Superusers only, like the audit trail: the requests are families' data, not
        # the commune's configuration the administrateur role edits.
        administrator = agent(Role.ADMINISTRATEUR)
        client.force_login(administrator)
        assert client.get("/admin/allocation/allocationrequest/").status_code == 403
        administrator.is_superuser = True
        administrator.save()
        for model, pk in (
            ("allocation", allocation.pk),
            ("allocationrequest", request.pk),
            ("adjustment", adjustment.pk),
        ):
            base = f"/admin/allocation/{model}/"
            assert client.get(base).status_code == 200
            page = client.get(f"{base}{pk}/change/")
            assert page.status_code == 200
            assert 'name="_save"' not in page.content.decode()
            assert "criteria_met" not in page.content.decode()
            assert client.get(f"{base}add/").status_code == 403
            assert client.post(f"{base}{pk}/delete/", {"post": "yes"}).status_code == 403
        detail = client.get(f"/admin/allocation/allocation/{allocation.pk}/change/")
        assert "Vacances d&#x27;hiver 2027" in detail.content.decode()
        client.post(
            f"/admin/allocation/allocation/{allocation.pk}/change/",
            {"label": "Changée", "seed": "0" * 64},
        )
    allocation.refresh_from_db()
    assert allocation.label == "Vacances d'hiver 2027" and allocation.seed != "0" * 64
    assert Allocation.objects.count() == 1 and AllocationRequest.objects.count() == 1
