"""Fair allocation: a request window for some activities over a period, requests per
child with ranked choices, then places given by published criteria and a verifiable
draw. Granted places become ordinary activity bookings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from espace_citoyen.core.models import TimeStampedModel


class Allocation(TimeStampedModel):
    """One allocation: « Vacances d'hiver 2027 » for one or several sites (activities)."""

    label = models.CharField(_("intitulé"), max_length=150)
    activities = models.ManyToManyField(
        "activities.Activity", related_name="allocations", verbose_name=_("activités (sites)")
    )
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))
    opens_at = models.DateTimeField(_("ouverture des demandes"))
    closes_at = models.DateTimeField(_("clôture des demandes"))
    results_on = models.DateField(_("attribution annoncée le"))
    criteria = models.JSONField(_("critères, dans l'ordre"), default=list, blank=True)
    reserved_share = models.PositiveSmallIntegerField(
        _("part des places réservées (handicap, PAI), en %"), default=0
    )
    keep_siblings = models.BooleanField(_("garder les frères et sœurs ensemble"), default=True)
    public_value = models.CharField(_("valeur publique du tirage"), max_length=200, blank=True)
    requests_hash = models.CharField(
        _("empreinte de la liste des demandes"), max_length=64, blank=True
    )
    seed = models.CharField(_("graine du tirage"), max_length=64, blank=True)
    seed_fixed_at = models.DateTimeField(_("graine fixée le"), null=True, blank=True)
    seed_fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attribution équitable")
        verbose_name_plural = _("attributions équitables")
        ordering = ["-first_day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="allocation_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="allocation_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(reserved_share__lte=50), name="allocation_reserved_share_max"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class AgeGroup(models.Model):
    """Places per day and per site for children of some ages (« 3-5 ans », 12 places).
    An allocation without groups offers each site's own places."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="groups")
    label = models.CharField(_("groupe"), max_length=50)
    min_age = models.PositiveSmallIntegerField(_("âge minimum"))
    max_age = models.PositiveSmallIntegerField(_("âge maximum"))
    capacity = models.PositiveIntegerField(_("places par jour et par site"))

    class Meta:
        verbose_name = _("groupe d'âge")
        verbose_name_plural = _("groupes d'âge")
        ordering = ["allocation_id", "min_age"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_age__gte=models.F("min_age")),
                name="allocation_group_ages_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class DayCapacity(models.Model):
    """A day with fewer (or more) places than usual at one site, all groups together."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.CASCADE, related_name="day_capacities"
    )
    activity = models.ForeignKey("activities.Activity", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("jour"))
    capacity = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("places d'un jour")
        verbose_name_plural = _("places de certains jours")
        ordering = ["allocation_id", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "activity", "date"], name="allocation_day_capacity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.capacity}"


class RequestStatus(models.TextChoices):
    ACTIVE = "active", _("Enregistrée")
    WITHDRAWN = "retiree", _("Retirée")


class AllocationRequest(models.Model):
    """A child's request (the details of its démarche): ranked choices, each a site and
    the days wanted there; siblings kept together share `together`."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="requests")
    demarche = models.OneToOneField(
        "demarches.Demarche", on_delete=models.CASCADE, related_name="allocation_request"
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="allocation_requests"
    )
    child = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, related_name="allocation_requests"
    )
    choices = models.JSONField(_("choix, dans l'ordre"), default=list)
    together = models.CharField(_("fratrie gardée ensemble"), max_length=40, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.ACTIVE
    )
    # Fixed with the seed at the close: the criteria the request met.
    criteria_met = models.JSONField(_("critères remplis"), default=list, blank=True)
    # The outcome, written at publication.
    granted_choice = models.PositiveSmallIntegerField(_("choix obtenu"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rang sur la liste d'attente"), null=True, blank=True)
    order = models.PositiveIntegerField(_("ordre de traitement"), null=True, blank=True)
    decided_at = models.DateTimeField(_("résultat publié le"), null=True, blank=True)
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("demande de place")
        verbose_name_plural = _("demandes de place")
        ordering = ["allocation_id", "id"]
        indexes = [
            models.Index(fields=["allocation", "status"], name="allocation_request_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.allocation} {self.child_id}"

    @property
    def reference(self) -> str:
        return self.demarche.reference


class AdjustmentAction(models.TextChoices):
    GRANT = "grant", _("Attribuer")
    REFUSE = "refuse", _("Ne pas attribuer")


class Adjustment(models.Model):
    """An agent's manual decision on a request, with its mandatory reason: kept (the
    latest one applies), and shown in the public report."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="adjustments")
    request = models.ForeignKey(
        AllocationRequest, on_delete=models.CASCADE, related_name="adjustments"
    )
    action = models.CharField(_("décision"), max_length=10, choices=AdjustmentAction.choices)
    choice = models.PositiveSmallIntegerField(_("choix attribué"), default=0)
    reason = models.CharField(_("motif"), max_length=300)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("ajustement manuel")
        verbose_name_plural = _("ajustements manuels")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="allocation_adjustment_reason_required"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"
