"""Device events other than positions: strap, battery, GPS, power, heartbeat, panic."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .devices import Device


class EventType(models.TextChoices):
    STRAP_TAMPER = "strap_tamper", _("band gemanipuleerd")
    STRAP_RESTORED = "strap_restored", _("band hersteld")
    LOW_BATTERY = "low_battery", _("batterij bijna leeg")
    CHARGING = "charging", _("laadt op")
    NO_GPS_FIX = "no_gps_fix", _("geen GPS-fix")
    POWER_ON = "power_on", _("aangezet")
    POWER_OFF = "power_off", _("uitgezet")
    HEARTBEAT = "heartbeat", _("teken van leven")
    PANIC_BUTTON = "panic_button", _("paniekknop")


class DeviceEvent(models.Model):
    """One event as the vendor reported it; `processed_at` is set once its effects are applied."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events")
    ts = models.DateTimeField(_("tijdstip"))
    type = models.CharField(_("soort"), max_length=20, choices=EventType.choices)
    payload = models.JSONField(_("overige velden"), default=dict, blank=True)
    received_at = models.DateTimeField(_("ontvangen"))
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("apparaatgebeurtenis")
        verbose_name_plural = _("apparaatgebeurtenissen")
        ordering = ["device", "ts"]
        constraints = [
            models.UniqueConstraint(fields=["device", "ts", "type"], name="device_event_unique_device_ts_type")
        ]
        indexes = [
            models.Index(
                fields=["received_at"], name="device_event_unprocessed_idx", condition=models.Q(processed_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.type} {self.ts:%Y-%m-%d %H:%M:%S}"
