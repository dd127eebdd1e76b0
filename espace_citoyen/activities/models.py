"""Périscolaire and extrascolaire activities (configured by administrators)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from espace_citoyen.core import dates


class ActivityKind(models.TextChoices):
    MORNING = "matin", _("Accueil du matin")
    LUNCH = "restauration", _("Restauration scolaire")
    EVENING = "soir", _("Accueil du soir / étude")
    WEDNESDAY = "mercredi", _("Mercredi")
    HOLIDAYS = "vacances", _("Accueil de loisirs vacances")


PERISCOLAIRE_KINDS = frozenset({ActivityKind.MORNING, ActivityKind.LUNCH, ActivityKind.EVENING})


class Unit(models.TextChoices):
    SESSION = "seance", _("Séance")
    HALF_DAY = "demi_journee", _("Demi-journée")
    DAY = "journee", _("Journée")
    WEEK = "semaine", _("Semaine")


class Activity(models.Model):
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=15, choices=ActivityKind.choices)
    school_year = models.ForeignKey(
        "schooling.SchoolYear", on_delete=models.PROTECT, related_name="activities"
    )
    school = models.ForeignKey(
        "schooling.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("école"),
    )
    place_name = models.CharField(_("lieu (centre de loisirs…)"), max_length=150, blank=True)
    eligible_levels = models.JSONField(_("niveaux admis"), default=list, blank=True)
    min_age = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places par jour"))
    unit = models.CharField(_("unité"), max_length=15, choices=Unit.choices, default=Unit.DAY)
    deadline_working_days = models.PositiveSmallIntegerField(
        _("délai de réservation (jours ouvrés)"), default=2
    )
    deadline_time = models.TimeField(_("heure limite"), default="12:00")
    uses_weekly_template = models.BooleanField(_("semaine type"), default=True)
    weekdays = models.JSONField(
        _("jours de fonctionnement"),
        default=list,
        blank=True,
        help_text=_(
            "0 = lundi … 4 = vendredi. Vide : les jours habituels du type d'activité "
            "(lundi, mardi, jeudi, vendredi pour le périscolaire)."
        ),
    )
    campaign_start = models.DateField(
        _("début de la campagne d'inscription"), null=True, blank=True
    )
    campaign_end = models.DateField(_("fin de la campagne d'inscription"), null=True, blank=True)
    active = models.BooleanField(_("ouverte"), default=True)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["school_year", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.unit == Unit.WEEK and self.kind != ActivityKind.HOLIDAYS:
            # Whole weeks are offered only by the holiday centre's calendar.
            raise ValidationError(
                {"unit": _("Seul l'accueil de loisirs des vacances se réserve à la semaine.")}
            )

    @property
    def is_periscolaire(self) -> bool:
        return self.kind in PERISCOLAIRE_KINDS

    @property
    def place(self) -> str:
        return self.school.name if self.school_id else self.place_name


# --- calendar --------------------------------------------------------------------------------


class HolidayClosing(models.Model):
    """When bookings of a holiday period close: « les inscriptions pour les vacances de
    printemps ferment le 2 avril » (the domain's ~2 weeks before)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="holiday_closings"
    )
    label = models.CharField(_("période"), max_length=100)
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))
    closes_on = models.DateField(_("réservations closes le"))

    class Meta:
        verbose_name = _("clôture des réservations de vacances")
        verbose_name_plural = _("clôtures des réservations de vacances")
        ordering = ["activity_id", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="holiday_closing_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__lt=models.F("first_day")),
                name="holiday_closing_before_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} — {self.label}"


class CalendarException(models.Model):
    """A day an agent closes (strike, works, school trip) or opens (a bridge day
    worked), for one activity or for every activity (activity left empty)."""

    activity = models.ForeignKey(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_exceptions",
        verbose_name=_("activité (toutes si vide)"),
    )
    date = models.DateField(_("date"))
    opening = models.BooleanField(
        _("ouverture exceptionnelle"),
        default=False,
        help_text=_("Cochée : le jour est ouvert ; sinon il est fermé."),
    )
    reason = models.CharField(_("motif"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("fermeture ou ouverture exceptionnelle")
        verbose_name_plural = _("fermetures et ouvertures exceptionnelles")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["date"], name="calendar_exception_date_idx")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.reason}"


class ActivityDay(models.Model):
    """The counter of one activity on one day. Booking a place is one conditional
    UPDATE (booked = booked + 1 WHERE booked < capacity), so the database itself keeps
    the capacity, however many families book at the same second."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    capacity = models.PositiveIntegerField(_("places"))
    booked = models.PositiveIntegerField(_("places réservées"), default=0)
    waitlist_last = models.PositiveIntegerField(_("dernier rang d'attente attribué"), default=0)

    class Meta:
        verbose_name = _("journée d'activité")
        verbose_name_plural = _("journées d'activité")
        ordering = ["activity_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "date"], name="activity_day_unique"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")),
                name="activity_day_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.date:%d/%m/%Y} {self.booked}/{self.capacity}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


# --- enrolments and bookings -----------------------------------------------------------------


class EnrolmentStatus(models.TextChoices):
    PENDING = "en_attente", _("En attente")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")
    CANCELLED = "annulee", _("Annulée")


OPEN_ENROLMENT_STATUSES = [EnrolmentStatus.PENDING, EnrolmentStatus.ACCEPTED]


class Enrolment(models.Model):
    """A child's enrolment in one activity for its school year (the démarche's details).
    Not renewed automatically: next year is a new enrolment."""

    demarche = models.OneToOneField(
        "demarches.Demarche", on_delete=models.CASCADE, related_name="activity_enrolment"
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="activity_enrolments"
    )
    child = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, related_name="activity_enrolments"
    )
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="enrolments")
    weekdays = models.JSONField(_("semaine type"), default=list, blank=True)
    weekdays_from = models.DateField(_("semaine type appliquée à partir du"), null=True, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.PENDING,
    )
    in_campaign = models.BooleanField(_("déposée pendant la campagne"), default=False)
    waiting_reason = models.CharField(_("motif de l'attente"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("inscription à une activité")
        verbose_name_plural = _("inscriptions aux activités")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "activity"],
                condition=models.Q(status__in=["en_attente", "acceptee"]),
                name="enrolment_one_open_per_child_activity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.activity}"

    @property
    def weekdays_label(self) -> str:
        """The weekly template in words: « lundi, mardi, jeudi » (empty without one)."""
        return ", ".join(dates.weekday_name(day) for day in sorted(self.weekdays))


class BookingStatus(models.TextChoices):
    CONFIRMED = "reservee", _("Réservée")
    WAITLISTED = "attente", _("Sur liste d'attente")
    CANCELLED = "annulee", _("Annulée")


class Booking(models.Model):
    """One child on one activity day: confirmed (it holds one of the day's places),
    waitlisted (with its rank), or cancelled. Billing reads confirmed bookings."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="bookings")
    date = models.DateField(_("date"))
    child = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, related_name="activity_bookings"
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="activity_bookings"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    status = models.CharField(_("statut"), max_length=10, choices=BookingStatus.choices)
    waitlist_position = models.PositiveIntegerField(_("rang sur la liste d'attente"), null=True)
    from_template = models.BooleanField(_("issue de la semaine type"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    promoted = models.BooleanField(_("obtenue depuis la liste d'attente"), default=False)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("motif de l'annulation"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["date", "activity_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "activity", "date"],
                condition=models.Q(status__in=["reservee", "attente"]),
                name="booking_one_live_per_child_day",
            ),
            models.UniqueConstraint(
                fields=["activity", "date", "waitlist_position"],
                condition=models.Q(status="attente"),
                name="booking_waitlist_position_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="attente", waitlist_position__isnull=False)
                    | (~models.Q(status="attente") & models.Q(waitlist_position__isnull=True))
                ),
                name="booking_position_only_when_waitlisted",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "date", "status"], name="booking_activity_day_idx"),
            models.Index(fields=["child", "date"], name="booking_child_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.activity_id} {self.date:%d/%m/%Y} {self.status}"


# --- the booking queue (opening days) ---------------------------------------------------------


class WeekRequestStatus(models.TextChoices):
    PENDING = "en_attente", _("Demande enregistrée")
    BOOKED = "reservee", _("Semaine réservée")
    WAITLISTED = "attente", _("Sur liste d'attente")
    REFUSED = "refusee", _("Refusée")


class WeekRequest(models.Model):
    """A family's request to book a holiday week, recorded at once when the booking queue
    is on (settings.BOOKING_QUEUE) and decided in arrival order by the queue's worker
    (`manage.py booking_queue`): the week booked, waitlisted with its rank, or refused with
    the reason. The id is the arrival order; `created_at` and `created_by` say when and
    who asked, `decided_at` when the worker answered."""

    id = models.BigAutoField(primary_key=True)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="week_requests")
    monday = models.DateField(_("semaine du"))
    child = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, related_name="activity_week_requests"
    )
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="activity_week_requests"
    )
    created_at = models.DateTimeField(_("reçue le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=WeekRequestStatus.choices,
        default=WeekRequestStatus.PENDING,
    )
    first_day = models.DateField(_("premier jour réservé"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("jours"), default=0)
    waitlist_rank = models.PositiveIntegerField(_("rang sur la liste d'attente"), null=True)
    reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de réservation d'une semaine")
        verbose_name_plural = _("demandes de réservation d'une semaine")
        ordering = ["id"]
        constraints = [
            # A double click records one request: the second INSERT does nothing.
            models.UniqueConstraint(
                fields=["child", "activity", "monday"],
                condition=models.Q(status="en_attente"),
                name="week_request_one_pending",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="en_attente", decided_at__isnull=True)
                    | (~models.Q(status="en_attente") & models.Q(decided_at__isnull=False))
                ),
                name="week_request_decided_when_not_pending",
            ),
        ]
        indexes = [
            # The worker's poll: the pending requests in arrival order.
            models.Index(
                fields=["id"],
                condition=models.Q(status="en_attente"),
                name="week_request_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.child_id} {self.activity_id} {self.monday:%d/%m/%Y} {self.status}"


# --- attendance and calendar feed ------------------------------------------------------------


class Attendance(models.Model):
    """The register (pointage): one line per child, activity and day. Billing will read
    it: booked and absent unjustified is billed, justified absence is not, present
    without booking is billed with the surcharge."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attendances")
    date = models.DateField(_("date"))
    child = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, related_name="activity_attendances"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendances"
    )
    present = models.BooleanField(_("présent"))
    unbooked = models.BooleanField(_("présent sans réservation"), default=False)
    justified = models.BooleanField(_("absence justifiée"), default=False)
    justification = models.ForeignKey(
        "families.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificat médical"),
    )
    justified_at = models.DateTimeField(_("justifiée le"), null=True, blank=True)
    justified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("pointé le"), auto_now=True)

    class Meta:
        verbose_name = _("pointage")
        verbose_name_plural = _("pointages")
        ordering = ["date", "activity_id", "child_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "date", "child"], name="attendance_one_per_child_day"
            ),
            models.CheckConstraint(
                condition=~models.Q(present=True, justified=True),
                name="attendance_justified_only_if_absent",
            ),
            models.CheckConstraint(
                condition=~models.Q(present=False, unbooked=True),
                name="attendance_unbooked_only_if_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.activity_id} {self.date:%d/%m/%Y}"


class CalendarFeed(models.Model):
    """The private address of a child's iCal feed. Revoking it makes a new one."""

    child = models.ForeignKey(
        "families.Child", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda iCal")
        verbose_name_plural = _("agendas iCal")

    def __str__(self) -> str:
        return f"{self.child_id} {'révoqué' if self.revoked_at else 'actif'}"
