"""The alert outbox: written in the same transaction as the incident change it reports."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AlertStatus(models.TextChoices):
    PENDING = "pending", _("in wachtrij")
    PUBLISHED = "published", _("afgeleverd")
    DEAD = "dead", _("aflevering mislukt")


class PoliceOutcome(models.TextChoices):
    OFFICER_SENT = "officer_sent", _("eenheid ter plaatse gestuurd")
    ARREST = "arrest", _("aanhouding")
    NO_ACTION = "no_action", _("geen actie")


class AlertQuerySet(models.QuerySet):
    def due(self, now: datetime | None = None) -> "AlertQuerySet":
        """Return pending alerts whose next attempt time has come (or was never set)."""
        now = now or timezone.now()
        return self.filter(status=AlertStatus.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )

    def delivery_failures(self) -> "AlertQuerySet":
        """Return the dead-lettered alerts the monitoring centre must see and may retry."""
        return self.filter(status=AlertStatus.DEAD).order_by("created_at")

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
    last_error = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    police_outcome = models.CharField(max_length=40, choices=PoliceOutcome.choices, blank=True)
    police_note = models.TextField(blank=True)

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
        AlertOutbox.objects.filter(pk=self.pk).exclude(status=AlertStatus.PUBLISHED).update(
            status=AlertStatus.PUBLISHED, published_at=now, next_attempt_at=None
        )
        self.refresh_from_db()

    def record_failure(self, error: str, now: datetime | None = None) -> None:
        """Schedule the next attempt with exponential backoff, or dead-letter after the last one."""
        now = now or timezone.now()
        changes = {"last_error": error[:2000]}
        if self.attempts >= settings.ALERT_MAX_ATTEMPTS:
            changes |= {"status": AlertStatus.DEAD, "next_attempt_at": None}
        else:
            changes["next_attempt_at"] = now + retry_delay(self.attempts)
        AlertOutbox.objects.filter(pk=self.pk, status=AlertStatus.PENDING).update(**changes)
        self.refresh_from_db()

    def revive(self, now: datetime | None = None) -> bool:
        """Make a dead alert pending again with a fresh set of attempts; return False if not dead."""
        now = now or timezone.now()
        revived = AlertOutbox.objects.filter(pk=self.pk, status=AlertStatus.DEAD).update(
            status=AlertStatus.PENDING, attempts=0, next_attempt_at=now
        )
        self.refresh_from_db()
        return revived == 1


def retry_delay(attempts: int) -> timedelta:
    """Return the wait after the given number of failed attempts: base * 2^(n-1), capped."""
    seconds = settings.ALERT_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.ALERT_RETRY_MAX_SECONDS))


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
