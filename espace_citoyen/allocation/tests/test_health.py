"""The health criterion (« handicap ou PAI ») never shows against a request outside the
family's own page and the périscolaire service: not in the public report, not in the
démarche's timeline other agents read."""

import pytest
import time_machine

from espace_citoyen.allocation import services
from espace_citoyen.allocation.models import AllocationRequest
from espace_citoyen.allocation.tests.conftest import (
    AFTER_CLOSE,
    FIRST_WEEK,
    allocation_make,
    key,
)
from espace_citoyen.core.testing import page_text, visible_text
from espace_citoyen.demarches.models import DemarcheEvent
from espace_citoyen.families.factories import family_create

pytestmark = pytest.mark.django_db


def test_the_health_criterion_is_counted_in_the_report_but_never_shown_by_reference(
    centre, client, citizen_client, citizen, family, django_capture_on_commit_callbacks, mailoutbox
):
    allocation = allocation_make(centre, criteria=["handicap_pai", "commune"], reserved_share=50)
    lea = family.children.get(first_name="Léa")
    lea.has_pai = True
    lea.save()
    others = [family_create(children=1) for _ in range(2)]
    for owner, children in [(family, [lea]), *[(f, list(f.children.all())) for f in others]]:
        services.request_submit(
            allocation=allocation,
            family=owner,
            children=children,
            choices=[key(centre, FIRST_WEEK)],
            together=False,
            actor=None,
        )
    with time_machine.travel(AFTER_CLOSE, tick=False):
        services.draw_fix(allocation=allocation, public_value="5 8 13", agent=None)
        with django_capture_on_commit_callbacks(execute=True):
            services.allocation_publish(allocation=allocation, agent=None)
        report = client.get(f"/carte-famille/attribution/{allocation.pk}/rapport/")
    request = AllocationRequest.objects.get(child=lea)
    assert "handicap_pai" in request.criteria_met
    html = report.content.decode()
    row = html[html.index(f">{request.demarche.reference}<") :]
    row = row[: row.index("</tr>")]
    assert "Handicap" not in row and "Habite la commune" in row
    text = visible_text(report)
    assert "Handicap ou PAI (places réservées) 1 1" in text  # counted only
    timeline = " ".join(
        DemarcheEvent.objects.filter(demarche=request.demarche).values_list("text", flat=True)
    )
    assert "Habite la commune" in timeline and "Handicap" not in timeline
    assert not any("Handicap" in mail.body for mail in mailoutbox)
    with time_machine.travel(AFTER_CLOSE, tick=False):
        citizen_client.force_login(citizen)
        own = page_text(citizen_client.get(f"/carte-famille/attribution/{allocation.pk}/"))
    assert "Handicap ou PAI" in own  # the family's own page keeps it
