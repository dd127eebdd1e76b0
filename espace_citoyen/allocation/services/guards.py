"""What the activities app asks through its registry: whether first-come booking of
some days is refused, and the notice their month page shows."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.activities.registry import DayNotice
from espace_citoyen.allocation import rules, selectors
from espace_citoyen.allocation.services._common import moment_label
from espace_citoyen.core import dates


def booking_guard(activity, days) -> str | None:
    """Activities' booking guard: days whose places are allocated on request are not
    booked first come, first served until the allocation is published."""
    allocation = selectors.covering(activity, days)
    if allocation is None:
        return None
    return _(
        "Les places de « %(label)s » sont attribuées sur demande, selon des critères publiés "
        "puis par tirage au sort (l'heure de la demande ne compte pas) : faites une demande "
        "depuis « Demander une place » avant le %(close)s ; résultat le %(day)s."
    ) % {
        "label": allocation.label,
        "close": moment_label(allocation.closes_at),
        "day": dates.french_date(allocation.results_on),
    }


# For the month page (activities.registry): the activities with an allocation not yet
# published, the only ones day_notices may have notices for.
NOTICES_PENDING_SQL = (
    "EXISTS (SELECT 1 FROM allocation_allocation_activities pl "
    "JOIN allocation_allocation pa ON pa.id = pl.allocation_id "
    "WHERE pl.activity_id = a.id AND pa.published_at IS NULL)"
)


def day_notices(activities, first: date, last: date) -> dict:
    """Activities' month calendar hook: the days allocated on request show where to ask
    (the request page) instead of « Réserver », which the booking guard would refuse."""
    notices = {}
    now = timezone.now()
    for activity_id, allocation in selectors.covering_between(activities, first, last):
        state = selectors.state_of(allocation, now)
        if state == rules.UPCOMING:
            reason = _("Demandes à partir du %(moment)s.") % {
                "moment": moment_label(allocation.opens_at)
            }
        elif state == rules.OPEN:
            reason = _("Demande jusqu'au %(moment)s.") % {
                "moment": moment_label(allocation.closes_at)
            }
        else:
            reason = _("Demandes closes ; résultat le %(day)s.") % {
                "day": dates.french_date(allocation.results_on)
            }
        notice = DayNotice(
            label=_("Attribution équitable"),
            reason=reason,
            url=reverse("allocation:detail", args=[allocation.pk]),
            link_label=_("Demander une place")
            if state in (rules.UPCOMING, rules.OPEN)
            else _("Voir la demande"),
        )
        day = max(first, allocation.first_day)
        while day <= min(last, allocation.last_day):
            notices.setdefault((activity_id, day), notice)
            day += timedelta(days=1)
    return notices
