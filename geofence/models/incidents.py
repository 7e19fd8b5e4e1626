"""Zone tracker state, incidents and their timelines."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Ban, Person, ProtectedPerson
from registry.regions import ban_region_q, persons_in_regions, protected_in_regions, regions_of

from .devices import Device, Vendor
from .fixes import Fix


class ZoneTrack(models.Model):
    """The engine tracker's state for one zone of one ban and one device (TrackState.to_dict()).

    A ban can have more than one zone (a circle around the home and a moving
    zone around the protected person's own device), hence `zone_key`. Rows are
    written only once a track leaves the plain "clear" state.
    """

    ban = models.ForeignKey(Ban, on_delete=models.CASCADE, related_name="zone_tracks")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="zone_tracks")
    zone_key = models.CharField(max_length=40, default="zone")
    state = models.JSONField()
    phase = models.CharField(max_length=10, default="clear")
    last_event_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("zonevolging")
        verbose_name_plural = _("zonevolgingen")
        constraints = [
            models.UniqueConstraint(fields=["ban", "device", "zone_key"], name="zone_track_unique_ban_device_zone")
        ]

    def __str__(self) -> str:
        return f"{self.ban_id}/{self.device_id}/{self.zone_key} {self.phase}"


class IncidentType(models.TextChoices):
    ZONE_VIOLATION = "zone_violation", _("gebiedsverbod overtreden")
    PRESENCE_VIOLATION = "presence_violation", _("locatiegebod overtreden")
    DEVICE_SILENT = "device_silent", _("apparaat stil")
    STRAP_TAMPER = "strap_tamper", _("band gemanipuleerd")
    BATTERY_CRITICAL = "battery_critical", _("batterij kritiek")
    NO_GPS_FIX = "no_gps_fix", _("geen GPS-fix")
    PANIC = "panic", _("paniekknop slachtoffer")
    MASS_OUTAGE = "mass_outage", _("massale storing")
    ZONE_APPROACH = "zone_approach", _("nadert verbodsgebied")
    PROTECTION_INTERRUPTED = "protection_interrupted", _("bescherming onderbroken")
    CLOCK_SKEW = "clock_skew", _("klok apparaat wijkt af")


ZONE_TYPES = (IncidentType.ZONE_VIOLATION, IncidentType.PRESENCE_VIOLATION)
# Incidents about one ban and one subject's device that are not violations themselves.
BAN_WATCH_TYPES = (IncidentType.ZONE_APPROACH, IncidentType.PROTECTION_INTERRUPTED)
DEVICE_TYPES = (
    IncidentType.DEVICE_SILENT,
    IncidentType.STRAP_TAMPER,
    IncidentType.BATTERY_CRITICAL,
    IncidentType.NO_GPS_FIX,
    IncidentType.PANIC,
    IncidentType.CLOCK_SKEW,
)


class IncidentState(models.TextChoices):
    OPEN = "open", _("open")
    ESCALATED = "escalated", _("geëscaleerd")
    ACKNOWLEDGED = "acknowledged", _("in behandeling")
    CLOSED = "closed", _("gesloten")


class CloseOutcome(models.TextChoices):
    """How an operator closes an incident."""

    FALSE_ALARM = "false_alarm", _("loos alarm")
    VIOLATION_CONFIRMED = "violation_confirmed", _("overtreding vastgesteld")
    DEVICE_FAULT = "device_fault", _("apparaatstoring")
    HANDLED_BY_POLICE = "handled_by_police", _("afgehandeld door politie")
    PERSON_RETURNED = "person_returned", _("persoon teruggekeerd / contact hersteld")
    OTHER = "other", _("anders (zie notitie)")


ACTIVE_STATES = (IncidentState.OPEN, IncidentState.ESCALATED, IncidentState.ACKNOWLEDGED)
_ACTIVE = Q(state__in=[s.value for s in ACTIVE_STATES])


class IncidentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(_ACTIVE)

    def board_order(self):
        """Highest priority first, then the oldest."""
        return self.order_by("priority", "opened_at", "id")

    def visible_to(self, user):
        """Return the incidents in the user's monitoring regions (registry/regions.py; all for nationwide roles).

        An incident is in the region of its ban; without a ban, in the regions of its subject's bans, or of
        its protected person's; an incident about nobody (a vendor's mass outage) is in every region.
        """
        regions = regions_of(user)
        if regions is None:
            return self
        if not regions:
            return self.none()
        without_ban = Q(ban__isnull=True) & (
            (Q(person__isnull=False) & persons_in_regions(regions, "person_id"))
            | (
                Q(person__isnull=True, protected_person__isnull=False)
                & protected_in_regions(regions, "protected_person_id")
            )
            | Q(person__isnull=True, protected_person__isnull=True)
        )
        return self.filter((Q(ban__isnull=False) & ban_region_q(user, "ban__")) | without_ban)


class Incident(models.Model):
    """One violation episode or device problem; every state change is an IncidentEvent and an alert.

    `version` rises with every change: an operator action names the version it
    was based on and is refused when someone (or the system) changed it since.
    """

    type = models.CharField(_("soort"), max_length=30, choices=IncidentType.choices)
    state = models.CharField(_("status"), max_length=12, choices=IncidentState.choices, default=IncidentState.OPEN)
    ban = models.ForeignKey(Ban, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    protected_person = models.ForeignKey(
        ProtectedPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    vendor = models.ForeignKey(Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    definite = models.BooleanField(_("zeker"), default=False)
    opened_at = models.DateTimeField(_("begonnen"), db_index=True)
    closed_at = models.DateTimeField(_("beëindigd"), null=True, blank=True)
    closed_reason = models.CharField(_("reden sluiten"), max_length=40, blank=True)
    closest_distance_m = models.FloatField(_("kleinste afstand tot beschermde locatie (m)"), null=True, blank=True)
    deepest_intrusion_m = models.FloatField(_("diepste indringing (m)"), null=True, blank=True)
    eta_min = models.FloatField(_("geschatte aankomst (min)"), null=True, blank=True)
    fix_count = models.PositiveIntegerField(_("aantal posities"), default=0)
    # No database constraint: the fix table is partitioned on PostgreSQL (see Fix). No index either: the
    # running figures (tracking._RUNNING_FIGURES) move with every fix of an open violation, and a row whose
    # indexed columns stay as they were is updated in place (a HOT update), without touching the indexes.
    last_fix = models.ForeignKey(
        Fix,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    priority = models.PositiveSmallIntegerField(_("prioriteit"), default=3)
    # False while only the monitoring centre needs to act (an approach, a suspect fix to confirm): state
    # changes then reach the timeline and the board, not the police queue.
    notify_police = models.BooleanField(_("politie informeren"), default=True)
    version = models.PositiveIntegerField(default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Type-specific facts, e.g. the persons affected by a mass outage.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidenten")
        ordering = ["priority", "opened_at"]
        indexes = [
            models.Index(fields=["state", "priority", "opened_at"], name="incident_board_idx"),
            models.Index(fields=["device", "type", "state"], name="incident_device_idx"),
        ]
        constraints = [
            # Belt and braces under the per-device lock: one active incident per episode key.
            models.UniqueConstraint(
                fields=["type", "ban", "device"],
                condition=_ACTIVE & Q(type__in=[t.value for t in ZONE_TYPES + BAN_WATCH_TYPES]),
                name="incident_one_active_per_ban_device",
            ),
            models.UniqueConstraint(
                fields=["type", "device"],
                condition=_ACTIVE & Q(type__in=[t.value for t in DEVICE_TYPES]),
                name="incident_one_active_per_device_type",
            ),
            models.UniqueConstraint(
                fields=["vendor"],
                condition=_ACTIVE & Q(type=IncidentType.MASS_OUTAGE),
                name="incident_one_active_outage_per_vendor",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("opened_at")),
                name="incident_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_type_display()} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return f"/monitor/incidents/{self.pk}/"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    def protected_persons(self) -> list[ProtectedPerson]:
        """Return the persons this incident's ban protects (its own protected person when it names one)."""
        if self.protected_person_id:
            return [self.protected_person]
        if self.ban_id:
            return list(self.ban.protected_persons.order_by("pk"))
        return []

    def audit_subjects(self) -> tuple[list[int], list[int]]:
        """Return the person and protected-person ids a page about this incident shows (registry/audit_reads.py)."""
        return ([self.person_id] if self.person_id else []), [p.pk for p in self.protected_persons()]

    @property
    def dashboard_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()


# The longest note a person may write anywhere (incident timeline, alert acknowledgement, violation report):
# enough for a paragraph, too little to turn every poll of the dashboard into megabytes.
NOTE_MAX_LENGTH = 2000


class IncidentEvent(models.Model):
    """One line of an incident's timeline: a state change, an update or an operator note."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    action = models.CharField(_("actie"), max_length=30)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    # Event time: the fix or device event that caused it, or the moment of the operator's action.
    at = models.DateTimeField(_("tijdstip"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("door"), max_length=150, default="system")
    note = models.TextField(_("notitie"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("incidentregel")
        verbose_name_plural = _("incidenthistorie")
        ordering = ["incident", "at", "id"]

    def __str__(self) -> str:
        return f"#{self.incident_id} {self.action} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_name}"
