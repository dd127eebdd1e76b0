"""After the close: the draw's seed, manual adjustments with their reason, and the
publication that turns the outcome into bookings, waitlist positions and e-mails, once."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.activities.models import (
    ActivityDay,
    Booking,
    BookingStatus,
    Enrolment,
    EnrolmentStatus,
)
from espace_citoyen.allocation import criteria as criteria_registry
from espace_citoyen.allocation import rules, selectors
from espace_citoyen.allocation.models import (
    Adjustment,
    AdjustmentAction,
    Allocation,
    AllocationRequest,
    RequestStatus,
)
from espace_citoyen.allocation.services._common import (
    AREA,
)
from espace_citoyen.audit.services import audit_record
from espace_citoyen.core import dates
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import DemarcheEvent, EventKind
from espace_citoyen.families.services import family_contacts

# --- the draw, adjustments and publication (agents) ------------------------------------------


@transaction.atomic
def draw_fix(*, allocation: Allocation, public_value: str, agent) -> Allocation:
    """After the close, fix the seed once: SHA-256 of the value published at the close
    and of the hash of the list of requests; the criteria each request meets are read
    from the family cards at this moment and kept."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if selectors.state_of(allocation) != rules.CLOSED:
        raise ApplicationError(
            _("Le tirage se fixe après la clôture des demandes et avant la publication.")
        )
    if allocation.seed:
        raise ApplicationError(_("La graine du tirage est déjà fixée : elle ne change plus."))
    public_value = public_value.strip()
    if not public_value:
        raise ApplicationError(
            _("Indiquez la valeur publique annoncée pour le tirage."), field="public_value"
        )
    requests = selectors.active_requests(allocation)
    for criterion in selectors.criteria_explained(allocation):
        met = criterion.compute(allocation, requests)
        for request in requests:
            if request.pk in met:
                request.criteria_met = [*request.criteria_met, criterion.key]
    AllocationRequest.objects.bulk_update(requests, ["criteria_met"])
    allocation.public_value = public_value[:200]
    allocation.requests_hash = rules.requests_hash(selectors.request_lines(requests))
    allocation.seed = rules.seed_for(public_value, allocation.requests_hash)
    allocation.seed_fixed_at = timezone.now()
    allocation.seed_fixed_by = agent
    allocation.save()
    audit_record(
        actor=agent,
        area=AREA,
        entity="tirage",
        label=allocation.label,
        before={},
        after={
            "public_value": allocation.public_value,
            "requests_hash": allocation.requests_hash,
            "seed": allocation.seed,
            "requests": len(requests),
        },
        action="graine fixée",
        subject=allocation,
    )
    return allocation


def _check_adjustable(allocation: Allocation) -> None:
    if allocation.published_at is not None:
        raise ApplicationError(_("L'attribution est publiée : elle ne change plus."))
    if not allocation.seed:
        raise ApplicationError(_("Fixez d'abord la graine du tirage."))


@transaction.atomic
def adjustment_add(
    *,
    allocation: Allocation,
    request: AllocationRequest,
    action: str,
    choice: int,
    reason: str,
    agent,
) -> Adjustment:
    """Record an agent's decision on a request, with its reason (mandatory, shown in
    the public report). A place given by hand must fit: capacity is never exceeded."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _check_adjustable(allocation)
    reason = " ".join(reason.split())
    if not reason:
        raise ApplicationError(
            _("Indiquez le motif de l'ajustement : il figure dans le rapport public."),
            field="reason",
        )
    if request.allocation_id != allocation.pk or request.status != RequestStatus.ACTIVE:
        raise ApplicationError(_("Cette demande ne fait pas partie de l'attribution."))
    if action not in AdjustmentAction.values:
        raise ApplicationError(_("Choisissez une décision."), field="action")
    if action == AdjustmentAction.GRANT and not 0 <= choice < len(request.choices):
        raise ApplicationError(_("Ce choix ne figure pas dans la demande."), field="choice")
    adjustment = Adjustment.objects.create(
        allocation=allocation,
        request=request,
        action=action,
        choice=choice if action == AdjustmentAction.GRANT else 0,
        reason=reason[:300],
        agent=agent,
    )
    result = selectors.run(allocation, selectors.rules_input(allocation))
    if result.unfit:
        raise ApplicationError(
            _("Il ne reste pas assez de places ce choix-là pour l'attribuer à la main."),
            field="choice",
        )
    audit_record(
        actor=agent,
        area=AREA,
        entity="ajustement manuel",
        label=f"{allocation.label} — {request.reference}",
        before={},
        after={
            "request": request.reference,
            "action": adjustment.action,
            "choice": adjustment.choice + 1 if action == AdjustmentAction.GRANT else None,
            "reason": adjustment.reason,
        },
        action="ajustement",
        subject=allocation,
        scope=request.family,
    )
    return adjustment


def _lock_counters(allocation: Allocation) -> dict:
    sites = [activity.pk for activity in allocation.activities.all()]
    days_by_site = selectors.operating_days(allocation)
    activities = {activity.pk: activity for activity in allocation.activities.all()}
    present = set(
        ActivityDay.objects.filter(
            activity_id__in=sites, date__range=(allocation.first_day, allocation.last_day)
        ).values_list("activity_id", "date")
    )
    ActivityDay.objects.bulk_create(
        [
            ActivityDay(activity_id=site, date=day, capacity=activities[site].capacity)
            for site, days in days_by_site.items()
            for day in days
            if (site, day) not in present
        ],
        ignore_conflicts=True,
    )
    return {
        (row.activity_id, row.date): row
        for row in ActivityDay.objects.select_for_update()
        .filter(activity_id__in=sites, date__range=(allocation.first_day, allocation.last_day))
        .order_by("activity_id", "date")
    }


def _outcome_text(allocation, request, outcome, sites, labels, reserved) -> str:
    # The démarche's timeline is read by agents who may not see a child's health: the
    # health criterion (reserved places) stays on the family's own page only.
    criteria = ", ".join(
        labels[k]
        for k in allocation.criteria
        if k in request.criteria_met and not reserved.get(k, False)
    )
    criteria_text = (
        _("Critères retenus pour votre demande : %(list)s.") % {"list": criteria}
        if criteria
        else _("Les critères retenus pour votre demande figurent sur votre espace.")
        if any(reserved.get(k, False) for k in request.criteria_met)
        else _("Aucun des critères publiés ne s'appliquait à votre demande.")
    )
    if outcome.granted is not None:
        choice = selectors.choice_label(allocation, request.choices[outcome.granted], sites)
        return (
            _("Place attribuée (choix n° %(rank)s) : %(choice)s. Les jours sont réservés.")
            % {"rank": outcome.granted + 1, "choice": choice}
            + " "
            + criteria_text
        )
    if outcome.rank is not None:
        return (
            _(
                "Pas de place pour le moment : votre demande est au rang %(rank)s de la liste "
                "d'attente. Si une place se libère, elle vous sera proposée par courriel."
            )
            % {"rank": outcome.rank}
            + " "
            + criteria_text
        )
    return _("Votre demande n'a pas été retenue après examen par le service.")


@transaction.atomic
def allocation_publish(*, allocation: Allocation, agent) -> bool:
    """Publish: each granted request becomes confirmed bookings (and an enrolment if
    the child had none), each waiting one waitlisted bookings in the order of the
    allocation, each démarche its outcome (e-mailed). Runs once: a second call changes
    nothing and returns False."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.published_at is not None:
        return False
    _check_adjustable(allocation)
    counters = _lock_counters(allocation)
    requests = selectors.active_requests(allocation)
    data = selectors.rules_input(allocation, requests)
    result = selectors.run(allocation, data)
    if result.unfit:
        raise ApplicationError(
            _("Un ajustement manuel ne tient plus dans les places : revoyez-le.")
        )
    now = timezone.now()
    sites = {activity.pk: activity for activity in allocation.activities.all()}
    labels = {c.key: c.label for c in criteria_registry.criteria_all()}
    reserved = {c.key: c.reserved for c in criteria_registry.criteria_all()}
    enrolled = set(
        Enrolment.objects.filter(
            child_id__in={r.child_id for r in requests},
            activity_id__in=sites,
            status__in=[EnrolmentStatus.PENDING, EnrolmentStatus.ACCEPTED],
        ).values_list("child_id", "activity_id")
    )
    # A day the child already holds (booked before the allocation existed) stays as it is.
    held = set(
        Booking.objects.filter(
            child_id__in={r.child_id for r in requests},
            activity_id__in=sites,
            date__range=(allocation.first_day, allocation.last_day),
            status__in=[BookingStatus.CONFIRMED, BookingStatus.WAITLISTED],
        ).values_list("child_id", "activity_id", "date")
    )
    bookings = []
    for rules_request in sorted(data.requests, key=lambda r: result.outcomes[r.ref].order):
        request = data.by_ref[rules_request.ref]
        outcome = result.outcomes[rules_request.ref]
        if outcome.granted is not None:
            choice = request.choices[outcome.granted]
            status, site = BookingStatus.CONFIRMED, choice["activity"]
            days = [date.fromisoformat(day) for day in choice["days"]]
        elif outcome.rank is not None and request.choices:
            status, site = BookingStatus.WAITLISTED, request.choices[0]["activity"]
            days = [date.fromisoformat(day) for day in request.choices[0]["days"]]
        else:
            days = []
        enrolment = None
        if outcome.granted is not None and (request.child_id, site) not in enrolled:
            enrolment = Enrolment.objects.create(
                demarche=request.demarche,
                family_id=request.family_id,
                child_id=request.child_id,
                activity_id=site,
                status=EnrolmentStatus.ACCEPTED,
            )
            enrolled.add((request.child_id, site))
        for day in days:
            if (request.child_id, site, day) in held:
                continue
            held.add((request.child_id, site, day))
            counter = counters[(site, day)]
            booking = Booking(
                activity_id=site,
                date=day,
                child_id=request.child_id,
                family_id=request.family_id,
                enrolment=enrolment,
                created_by=agent,
            )
            if status == BookingStatus.CONFIRMED:
                if counter.booked >= counter.capacity:  # never past capacity
                    raise ApplicationError(
                        _("Les places du %(day)s ont changé : relancez l'aperçu.")
                        % {"day": dates.day_label(day)}
                    )
                counter.booked += 1
                booking.status, booking.confirmed_at = BookingStatus.CONFIRMED, now
            else:
                counter.waitlist_last += 1
                booking.status = BookingStatus.WAITLISTED
                booking.waitlist_position = counter.waitlist_last
            bookings.append(booking)
        request.granted_choice = outcome.granted
        request.rank = outcome.rank
        request.order = outcome.order
        request.decided_at = now
    # The counters first (the CHECK keeps booked <= capacity), then the bookings.
    ActivityDay.objects.bulk_update(list(counters.values()), ["booked", "waitlist_last"])
    Booking.objects.bulk_create(bookings)
    AllocationRequest.objects.bulk_update(
        requests, ["granted_choice", "rank", "order", "decided_at"]
    )
    allocation.published_at = now
    allocation.published_by = agent
    allocation.save(update_fields=["published_at", "published_by", "updated_at"])
    audit_record(
        actor=agent,
        area=AREA,
        entity="attribution équitable",
        label=allocation.label,
        before={},
        after={
            "seed": allocation.seed,
            "granted": sum(1 for o in result.outcomes.values() if o.granted is not None),
            "waitlisted": sum(1 for o in result.outcomes.values() if o.rank is not None),
            "bookings": len(bookings),
        },
        action="publication",
        subject=allocation,
    )
    for request in requests:
        outcome = result.outcomes[request.demarche.reference]
        text = _outcome_text(allocation, request, outcome, sites, labels, reserved)
        if outcome.granted is not None:
            demarches.demarche_accept(demarche=request.demarche, agent=agent, message=text)
        elif outcome.rank is not None:
            # Still open: a place freed later goes to it (the waitlist's own e-mail).
            _tell_waiting(allocation, request, text, agent)
        else:
            demarches.demarche_refuse(demarche=request.demarche, agent=agent, reason=text)
    return True


def _tell_waiting(allocation, request, text: str, agent) -> None:
    DemarcheEvent.objects.create(
        demarche=request.demarche,
        actor=agent,
        actor_is_agent=True,
        kind=EventKind.MESSAGE,
        text=text,
        visible_to_family=True,
    )
    contacts = family_contacts(request.family)
    if contacts:
        notify(
            "allocation/mail/waiting",
            to=contacts,
            context={
                "allocation": allocation,
                "demarche": request.demarche,
                "message": text,
                "link": settings.SITE_URL + reverse("allocation:detail", args=[allocation.pk]),
            },
        )
