"""GPS fixes as received, and the items a feed sent that were refused."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .devices import Device, Vendor


class Fix(models.Model):
    """One GPS fix. Lean on purpose: batches of thousands go in with one INSERT.

    On PostgreSQL the table is partitioned by month of `ts` (geofence/partitions.py): its primary key
    there is (id, ts), so a foreign key to a fix carries no database constraint (db_constraint=False)
    and the purge clears it before the fix goes.
    """

    # The unique (device, ts) index serves lookups by device: no index of its own. No database constraint
    # either: the feed stores fixes only for devices it has just read under their status rows' locks, and a
    # deferred check per fix cost a third of the commit of a 1,000-fix batch. PROTECT still keeps the ORM
    # from deleting a device that has fixes.
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="fixes", db_index=False, db_constraint=False
    )
    ts = models.DateTimeField(_("tijdstip"))
    lat = models.FloatField()
    lon = models.FloatField()
    accuracy_m = models.FloatField(_("nauwkeurigheid (m)"))
    speed_mps = models.FloatField(null=True, blank=True)
    heading = models.FloatField(null=True, blank=True)
    battery_pct = models.FloatField(null=True, blank=True)
    received_at = models.DateTimeField(_("ontvangen"))

    class Meta:
        verbose_name = _("positie")
        verbose_name_plural = _("posities")
        # The unique index also serves "this device's fixes in time order".
        constraints = [models.UniqueConstraint(fields=["device", "ts"], name="fix_unique_device_ts")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.ts:%Y-%m-%d %H:%M:%S} {self.lat:.5f},{self.lon:.5f}"


class QuarantineReason(models.TextChoices):
    MALFORMED = "malformed", _("onleesbaar")
    NAN_OR_INFINITE = "nan_or_infinite", _("NaN of oneindig")
    OUT_OF_RANGE = "out_of_range", _("buiten bereik")
    FUTURE_TIMESTAMP = "future_timestamp", _("tijdstip in de toekomst")
    UNKNOWN_DEVICE = "unknown_device", _("onbekend apparaat")
    FOREIGN_DEVICE = "foreign_device", _("apparaat van andere leverancier")
    UNKNOWN_TYPE = "unknown_type", _("onbekend soort gebeurtenis")
    CONFLICTING_DUPLICATE = "conflicting_duplicate", _("zelfde tijdstip, andere positie")


class QuarantinedItem(models.Model):
    """A refused feed item, kept as received with the reason, so nothing is silently lost.

    Fixes of a device not yet registered are attributable later: see
    geofence.feeds.services.attribute_quarantined_fixes.
    """

    class Kind(models.TextChoices):
        FIX = "fix", _("positie")
        EVENT = "event", _("gebeurtenis")

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="quarantine")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FIX)
    device_ref = models.CharField(_("apparaat-id"), max_length=200, blank=True)
    index = models.PositiveIntegerField(_("positie in batch"))
    raw = models.JSONField(_("ruw item"))
    reason = models.CharField(_("reden"), max_length=30, choices=QuarantineReason.choices)
    message = models.TextField(_("toelichting"))
    received_at = models.DateTimeField(_("ontvangen"), db_index=True)
    attributed_fix = models.ForeignKey(
        Fix, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    attributed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("geweigerd item")
        verbose_name_plural = _("quarantaine")
        ordering = ["-received_at", "index"]
        indexes = [
            models.Index(
                fields=["vendor", "device_ref"],
                name="quarantine_unattributed_idx",
                condition=models.Q(reason="unknown_device", attributed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.device_ref} {self.received_at:%Y-%m-%d %H:%M}"
