"""Writes of fair allocation: the agents' configuration, the families' requests (each a
démarche) during the window, the draw's seed fixed after the close, manual adjustments
with their reason, and the publication that turns the outcome into bookings, waitlist
positions and e-mails, once."""

import secrets
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from espace_citoyen.activities import services as activity_services
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
    AgeGroup,
    Allocation,
    AllocationRequest,
    RequestStatus,
)
from espace_citoyen.core import dates
from espace_citoyen.core.errors import ApplicationError
from espace_citoyen.core.notifications import notify
from espace_citoyen.demarches import services as demarches
from espace_citoyen.demarches.models import Demarche, DemarcheEvent, EventKind
from espace_citoyen.families.models import Family, FamilyStatus
from espace_citoyen.families.services import family_contacts

DEMARCHE_REQUEST = "activites_attribution"


# --- configuration (agents) ------------------------------------------------------------------


@transaction.atomic
def allocation_save(
    *,
    agent,
    values: dict,
    activities: list,
    groups: list[tuple[str, int, int, int]],
    allocation: Allocation | None = None,
) -> Allocation:
    """Create or change an allocation. Its criteria, places and period are published
    with the window: they may change only until the window opens."""
    if allocation is not None:
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if timezone.now() >= allocation.opens_at:
            raise ApplicationError(
                _(
                    "Les demandes sont ouvertes depuis le %(opened)s : les règles publiées ne "
                    "changent plus."
                )
                % {"opened": dates.french_date(timezone.localtime(allocation.opens_at).date())}
            )
    else:
        allocation = Allocation(created_by=agent)
    if not activities:
        raise ApplicationError(_("Choisissez au moins une activité."), field="activities")
    if values["last_day"] < values["first_day"]:
        raise ApplicationError(_("Le dernier jour doit suivre le premier jour."), field="last_day")
    if values["closes_at"] <= values["opens_at"]:
        raise ApplicationError(
            _("La clôture des demandes doit suivre leur ouverture."), field="closes_at"
        )
    if values["results_on"] < timezone.localtime(values["closes_at"]).date():
        raise ApplicationError(
            _("L'attribution ne peut pas être annoncée avant la clôture des demandes."),
            field="results_on",
        )
    if values["reserved_share"] and not any(
        (criterion := criteria_registry.criterion_get(key)) is not None and criterion.reserved
        for key in values["criteria"]
    ):
        raise ApplicationError(
            _(
                "Pour réserver une part des places, choisissez aussi le critère « Handicap ou "
                "PAI (places réservées) »."
            ),
            field="reserved_share",
        )
    unknown = [key for key in values["criteria"] if criteria_registry.criterion_get(key) is None]
    if unknown or len(set(values["criteria"])) != len(values["criteria"]):
        raise ApplicationError(
            _("Chaque critère ne peut être choisi qu'une fois."), field="criteria"
        )
    for field in (
        "label",
        "first_day",
        "last_day",
        "opens_at",
        "closes_at",
        "results_on",
        "criteria",
        "reserved_share",
        "keep_siblings",
    ):
        setattr(allocation, field, values[field])
    allocation.updated_by = agent
    allocation.full_clean()
    allocation.save()
    allocation.activities.set(activities)
    allocation.groups.all().delete()
    AgeGroup.objects.bulk_create(
        [
            AgeGroup(allocation=allocation, label=label, min_age=low, max_age=high, capacity=cap)
            for label, low, high, cap in groups
        ]
    )
    return allocation


# --- requests (families) ---------------------------------------------------------------------


def _check_open(allocation: Allocation) -> None:
    """Requests are taken from the opening to the closing time, whatever the page
    showed: the server decides with its own clock."""
    state = selectors.state_of(allocation)
    if state == rules.UPCOMING:
        raise ApplicationError(
            _("Les demandes ne sont pas encore ouvertes : elles le seront le %(moment)s.")
            % {"moment": _moment(allocation.opens_at)}
        )
    if state != rules.OPEN:
        raise ApplicationError(
            _(
                "Les demandes pour « %(label)s » sont closes depuis le %(moment)s : elles ne "
                "peuvent plus être déposées, modifiées ni retirées."
            )
            % {"label": allocation.label, "moment": _moment(allocation.closes_at)}
        )


def _moment(value) -> str:
    local = timezone.localtime(value)
    return f"{dates.day_label(local.date())} à {local.hour} h {local.minute:02d}"


def _choices(allocation: Allocation, keys: list[str]) -> list[dict]:
    """The ranked choices from the options' keys (unknown keys are refused)."""
    keys = [key for key in keys if key]
    if not keys:
        raise ApplicationError(_("Choisissez au moins une semaine ou un jour."), field="choice1")
    if len(set(keys)) != len(keys):
        raise ApplicationError(_("Le même choix figure deux fois."), field="choice2")
    options = {option.key: option for option in selectors.options(allocation)}
    chosen = []
    for key in keys:
        option = options.get(key)
        if option is None:
            raise ApplicationError(
                _("Ce choix n'est pas proposé pour « %(label)s ».") % {"label": allocation.label},
                field="choice1",
            )
        chosen.append(
            {"activity": option.site.pk, "days": [day.isoformat() for day in option.days]}
        )
    return chosen


def _days_of(choices: list[dict]) -> set[str]:
    return {day for choice in choices for day in choice["days"]}


def _check_child(allocation: Allocation, child, choices: list[dict], *, exclude=()) -> None:
    groups = list(allocation.groups.all())
    if groups and selectors.group_for(groups, child.birth_date, allocation.first_day) is None:
        raise ApplicationError(
            _("%(child)s n'a l'âge d'aucun des groupes accueillis.") % {"child": child.first_name},
            field="children",
        )
    sites = {activity.pk: activity for activity in allocation.activities.all()}
    for site_id in {choice["activity"] for choice in choices}:
        problem = activity_services.eligibility_problem(child, sites[site_id])
        if problem:
            raise ApplicationError(
                _("%(child)s ne peut pas être accueilli(e) à « %(site)s » : %(problem)s")
                % {"child": child.first_name, "site": sites[site_id].name, "problem": problem},
                field="children",
            )
    others = AllocationRequest.objects.filter(
        allocation=allocation, child=child, status=RequestStatus.ACTIVE
    ).exclude(pk__in=exclude)
    taken = set()
    for other in others:
        taken |= _days_of(other.choices)
    if taken & _days_of(choices):
        raise ApplicationError(
            _(
                "%(child)s a déjà une demande pour l'un de ces jours : modifiez-la plutôt que "
                "d'en déposer une autre."
            )
            % {"child": child.first_name},
            field="choice1",
        )


@transaction.atomic
def request_submit(
    *,
    allocation: Allocation,
    family: Family,
    children: list,
    choices: list[str],
    together: bool,
    actor,
) -> list[AllocationRequest]:
    """File one request per child (each a démarche « Demande enregistrée — attribution
    le … »), with the same ranked choices; siblings asked together share a key."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _check_open(allocation)
    family = Family.objects.select_for_update().get(pk=family.pk)
    if family.status != FamilyStatus.VALIDATED:
        raise ApplicationError(
            _("Votre carte famille doit être validée par la mairie avant de demander une place.")
        )
    if not children:
        raise ApplicationError(_("Choisissez au moins un enfant."), field="children")
    if any(child.family_id != family.pk for child in children):
        raise ApplicationError(_("Cet enfant n'est pas sur votre carte famille."), field="children")
    chosen = _choices(allocation, choices)
    key = f"F{family.pk}-{secrets.token_hex(6)}" if together and len(children) > 1 else ""
    made = []
    for child in children:
        _check_child(allocation, child, chosen)
        demarche = demarches.demarche_submit(
            type_key=DEMARCHE_REQUEST,
            owner=family,
            submitted_by=actor,
            title=_("Demande enregistrée — attribution le %(day)s")
            % {"day": dates.french_date(allocation.results_on)},
            child_name=child.full_name,
            child_birth_date=child.birth_date,
            place=allocation.label,
            message=_(
                "Votre demande pour « %(label)s » est enregistrée. L'heure de la demande ne "
                "compte pas : toutes les demandes reçues avant le %(close)s sont traitées de "
                "la même façon. Résultat le %(day)s."
            )
            % {
                "label": allocation.label,
                "close": _moment(allocation.closes_at),
                "day": dates.french_date(allocation.results_on),
            },
        )
        made.append(
            AllocationRequest.objects.create(
                allocation=allocation,
                demarche=demarche,
                family=family,
                child=child,
                choices=chosen,
                together=key,
                updated_by=actor,
            )
        )
    return made


def _unit_of(request: AllocationRequest):
    if not request.together:
        return [request]
    return list(
        AllocationRequest.objects.select_for_update().filter(
            allocation_id=request.allocation_id,
            together=request.together,
            status=RequestStatus.ACTIVE,
        )
    )


@transaction.atomic
def request_change(*, request: AllocationRequest, choices: list[str], actor) -> list:
    """Change the ranked choices until the close (siblings asked together change with
    it), recorded on each démarche's timeline."""
    allocation = Allocation.objects.select_for_update().get(pk=request.allocation_id)
    _check_open(allocation)
    request = AllocationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.ACTIVE:
        raise ApplicationError(_("Cette demande a été retirée."))
    chosen = _choices(allocation, choices)
    unit = _unit_of(request)
    for member in unit:
        _check_child(allocation, member.child, chosen, exclude=[m.pk for m in unit])
    sites = {activity.pk: activity for activity in allocation.activities.all()}
    text = _("Demande modifiée : %(choices)s.") % {
        "choices": " ; ".join(
            f"{rank}. {selectors.choice_label(allocation, c, sites)}"
            for rank, c in enumerate(chosen, start=1)
        )
    }
    for member in unit:
        member.choices = chosen
        member.updated_by = actor
        member.save(update_fields=["choices", "updated_by", "updated_at"])
        demarches.demarche_message(demarche=member.demarche, author=actor, text=text)
    return unit


def request_on_cancel(*, demarche: Demarche, actor) -> None:
    """The démarche's cancel hook: withdrawing a request is possible until the close."""
    request = AllocationRequest.objects.select_for_update().get(demarche=demarche)
    if request.decided_at is not None:
        raise ApplicationError(
            _(
                "Le résultat est publié : pour rendre une place obtenue, annulez les jours "
                "depuis le calendrier de l'enfant."
            )
        )
    _check_open(request.allocation)
    request.status = RequestStatus.WITHDRAWN
    request.updated_by = actor
    request.save(update_fields=["status", "updated_by", "updated_at"])


def request_withdraw(*, request: AllocationRequest, actor) -> None:
    demarches.demarche_cancel(
        demarche=request.demarche, actor=actor, reason=_("Demande retirée par la famille.")
    )


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


def _outcome_text(allocation, request, outcome, sites, labels) -> str:
    criteria = ", ".join(labels[k] for k in allocation.criteria if k in request.criteria_met)
    criteria_text = (
        _("Critères retenus pour votre demande : %(list)s.") % {"list": criteria}
        if criteria
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
    for request in requests:
        outcome = result.outcomes[request.demarche.reference]
        text = _outcome_text(allocation, request, outcome, sites, labels)
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
        "close": _moment(allocation.closes_at),
        "day": dates.french_date(allocation.results_on),
    }
