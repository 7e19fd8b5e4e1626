"""The alert outbox: written in the same transaction as the incident change it reports."""

import random
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AlertStatus(models.TextChoices):
    """Delivery state. There is no final failure: a pending alert is retried until the queue has it."""

    PENDING = "pending", _("in wachtrij")
    PUBLISHED = "published", _("afgeleverd")


class DeliveryState(models.TextChoices):
    """What the board and the API show: pending turns undelivered after ALERT_UNDELIVERED_SECONDS."""

    PENDING = "pending", _("in wachtrij")
    UNDELIVERED = "undelivered", _("niet afgeleverd")
    PUBLISHED = "published", _("afgeleverd")


class PoliceOutcome(models.TextChoices):
    """The police's steps for one alert, in the order they can follow each other (see STEP_RANK)."""

    OFFICER_SENT = "officer_sent", _("eenheid ter plaatse gestuurd")
    ON_SCENE = "on_scene", _("eenheid ter plaatse")
    ARREST = "arrest", _("aanhouding")
    REPORT = "report", _("proces-verbaal opgemaakt")
    NO_ACTION = "no_action", _("geen actie")


# The police outcomes that treat the alert as a violation: a report to the OM is drafted for them.
POLICE_VIOLATION_OUTCOMES = frozenset({PoliceOutcome.ARREST})


# A step may follow any step of a lower rank; the rank-3 steps end the progression.
STEP_RANK = {
    PoliceOutcome.OFFICER_SENT: 1,
    PoliceOutcome.ON_SCENE: 2,
    PoliceOutcome.ARREST: 3,
    PoliceOutcome.REPORT: 3,
    PoliceOutcome.NO_ACTION: 3,
}


class AlertQuerySet(models.QuerySet):
    def due(self, now: datetime | None = None) -> "AlertQuerySet":
        """Return pending alerts whose next attempt time has come (or was never set)."""
        now = now or timezone.now()
        return self.filter(status=AlertStatus.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )

    def undelivered(self, now: datetime | None = None) -> "AlertQuerySet":
        """Return the alerts pending longer than ALERT_UNDELIVERED_SECONDS, oldest first.

        They are still retried; this is the set the board shows as a banner
        and the operator-scope health fails on.
        """
        return self.filter(status=AlertStatus.PENDING, created_at__lt=undelivered_since(now)).order_by("created_at")

    def delivery_failures(self) -> "AlertQuerySet":
        """Return the undelivered alerts nobody has acknowledged yet."""
        return self.undelivered().filter(undelivered_seen_at__isnull=True)

    def claim(self, pk: int, *, now: datetime, lease: timedelta) -> bool:
        """Take the next delivery attempt of one alert; return False if it is not ours to take.

        Only one worker wins the conditional update. The lease moves the next
        attempt time forward: if the winner dies before marking the alert
        published, the alert becomes due again when the lease ends.
        """
        updated = (
            self.due(now).filter(pk=pk).update(attempts=F("attempts") + 1, next_attempt_at=now + lease, last_error="")
        )
        return updated == 1


class AlertOutbox(models.Model):
    """One alert for the police queue. `alert_id` is stable: consumers de-duplicate on it."""

    alert_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The causing object, kept generic so device and outage incidents fit too.
    incident_id = models.BigIntegerField(db_index=True)
    change = models.CharField(_("wijziging"), max_length=40)
    priority = models.PositiveSmallIntegerField(_("prioriteit"), default=3)
    message = models.JSONField(_("bericht"))
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Measurement time of the fix behind the change: published_at - fix_at is the alert latency (/metrics).
    fix_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    # The police's latest step (the whole progression is in PoliceStep); kept on the row for the API.
    police_outcome = models.CharField(max_length=40, choices=PoliceOutcome.choices, blank=True)
    police_note = models.TextField(blank=True)
    # An operator has seen that this alert is undelivered (it keeps being retried).
    undelivered_seen_at = models.DateTimeField(null=True, blank=True)
    undelivered_seen_by = models.CharField(max_length=150, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="alert_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.change} {self.alert_id}"

    def mark_published(self, now: datetime | None = None) -> None:
        """Record that the police queue has the message (a later duplicate changes nothing)."""
        now = now or timezone.now()
        marked = (
            AlertOutbox.objects.filter(pk=self.pk)
            .exclude(status=AlertStatus.PUBLISHED)
            .update(status=AlertStatus.PUBLISHED, published_at=now, next_attempt_at=None)
        )
        if marked:  # every delivery: spare it a read of what it has just written
            self.status, self.published_at, self.next_attempt_at = AlertStatus.PUBLISHED, now, None
        else:
            self.refresh_from_db()

    def audit_subjects(self) -> tuple[list[int], list[int]]:
        """Return who the message names: its subject, never a protected person (registry/audit_reads.py)."""
        subject = (self.message or {}).get("subject") or {}
        return ([subject["person_id"]] if subject.get("person_id") else []), []

    def record_failure(self, error: str, now: datetime | None = None) -> None:
        """Schedule the next attempt with capped, jittered backoff; an alert is never given up."""
        now = now or timezone.now()
        AlertOutbox.objects.filter(pk=self.pk, status=AlertStatus.PENDING).update(
            last_error=error[:2000], next_attempt_at=now + retry_delay(self.attempts, jitter=True)
        )
        self.refresh_from_db()

    def retry_now(self, now: datetime | None = None) -> bool:
        """Make a pending alert due at once (the operator's retry); return False if it is not pending."""
        now = now or timezone.now()
        due = AlertOutbox.objects.filter(pk=self.pk, status=AlertStatus.PENDING).update(next_attempt_at=now)
        self.refresh_from_db()
        return due == 1

    def mark_undelivered_seen(self, username: str, now: datetime | None = None) -> bool:
        """Record that an operator has seen this alert is undelivered; return False if already seen or delivered."""
        seen = AlertOutbox.objects.filter(pk=self.pk, status=AlertStatus.PENDING, undelivered_seen_at=None).update(
            undelivered_seen_at=now or timezone.now(), undelivered_seen_by=username
        )
        self.refresh_from_db()
        return seen == 1

    def may_step_to(self, outcome: str) -> bool:
        """Return whether a police step may follow the recorded ones: forward only, one result."""
        if not self.police_outcome:
            return True
        return STEP_RANK[PoliceOutcome(outcome)] > STEP_RANK[PoliceOutcome(self.police_outcome)]

    def delivery_state(self, now: datetime | None = None) -> DeliveryState:
        if self.status == AlertStatus.PUBLISHED:
            return DeliveryState.PUBLISHED
        return DeliveryState.UNDELIVERED if self.created_at < undelivered_since(now) else DeliveryState.PENDING


class PoliceStep(models.Model):
    """One step of the police's handling of an alert, with its time: sent, on scene, then the result."""

    alert = models.ForeignKey(AlertOutbox, on_delete=models.CASCADE, related_name="police_steps")
    outcome = models.CharField(_("stap"), max_length=40, choices=PoliceOutcome.choices)
    at = models.DateTimeField(_("tijdstip"))
    by = models.CharField(_("door"), max_length=150)
    note = models.TextField(_("notitie"), blank=True)

    class Meta:
        verbose_name = _("stap politie")
        verbose_name_plural = _("stappen politie")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["alert", "outcome"], name="police_step_once_per_alert")]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.outcome} {self.at:%Y-%m-%d %H:%M:%S}"


def undelivered_since(now: datetime | None = None) -> datetime:
    """Return the creation time before which a still pending alert counts as undelivered."""
    return (now or timezone.now()) - timedelta(seconds=settings.ALERT_UNDELIVERED_SECONDS)


def retry_delay(attempts: int, *, jitter: bool = False) -> timedelta:
    """Return the wait after the given number of failed attempts: base * 2^(n-1), capped.

    With jitter the wait is drawn between half and all of that ("equal
    jitter"): after an outage the web processes' and workers' retries do not
    all hit the returning queue in the same second.
    """
    doublings = min(max(attempts - 1, 0), 30)  # an alert retried for days must not overflow the power
    seconds = min(settings.ALERT_RETRY_BASE_SECONDS * 2**doublings, settings.ALERT_RETRY_MAX_SECONDS)
    if jitter:
        seconds = seconds / 2 + random.uniform(0, seconds / 2)
    return timedelta(seconds=seconds)


class WorkerHeartbeat(models.Model):
    """When the canary task last ran on a Celery queue: proof that workers still consume it."""

    queue = models.CharField(max_length=60, unique=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("hartslag worker")
        verbose_name_plural = _("hartslagen workers")

    def __str__(self) -> str:
        return f"{self.queue} {self.beat_at:%Y-%m-%d %H:%M:%S}"
