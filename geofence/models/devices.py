"""Vendors, their API keys, the devices they run, who wears each device when, and device health."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.db import ModelColumns
from registry.models import Person, ProtectedPerson
from registry.regions import persons_in_regions, protected_in_regions, regions_of

API_KEY_PREFIX_LENGTH = 8


class Vendor(models.Model):
    """A monitoring vendor whose platform pushes fixes and events for its devices."""

    name = models.CharField(_("naam"), max_length=120)
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("leverancier")
        verbose_name_plural = _("leveranciers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VendorApiKeyQuerySet(models.QuerySet):
    def usable(self, at=None):
        """Return the keys that open the feed API at the given time: not revoked, not expired, vendor active."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, vendor__active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )

    def usable_with_prefix(self, prefix: str, at=None) -> "VendorApiKey | None":
        """Return usable(at) with this prefix, its vendor loaded, or None.

        Asked on every feed request, so written out: through the ORM the same
        query took 1.7 ms of CPU, against 0.3 ms written out.
        The conditions are usable()'s (tests/ingest/test_feed_auth.py holds the two together).
        """
        qn = connection.ops.quote_name
        keys, vendors = _key_columns()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {keys.sql}, {vendors.sql} FROM {qn(self.model._meta.db_table)} k "  # noqa: S608 - names are ours
                f"JOIN {qn(Vendor._meta.db_table)} v ON v.id = k.vendor_id "
                "WHERE k.prefix = %s AND k.revoked_at IS NULL AND v.active "
                "AND (k.expires_at IS NULL OR k.expires_at > %s) LIMIT 1",
                [prefix, connection.ops.adapt_datetimefield_value(at or timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        api_key, vendor = keys.build(row[: len(keys)]), vendors.build(row[len(keys) :])
        api_key.vendor = vendor
        return api_key


@lru_cache(maxsize=1)
def _key_columns() -> tuple[ModelColumns, ModelColumns]:
    return ModelColumns(VendorApiKey, "k"), ModelColumns(Vendor, "v")


class VendorApiKey(models.Model):
    """A vendor's API key. Only a SHA-256 of the key is stored; the prefix finds the row.

    Keys are 32 random bytes, so a plain hash is enough: there is nothing to
    brute-force that a slow password hash would protect. A vendor may hold
    several usable keys at once: rotation issues the new key and leaves the old
    one working until it expires or is revoked, so the vendor can switch over
    without a gap in its feed.
    """

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("omschrijving"), max_length=120, blank=True)
    prefix = models.CharField(max_length=API_KEY_PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("verloopt op"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    objects = VendorApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")

    def __str__(self) -> str:
        return f"{self.vendor} {self.prefix}…"

    @classmethod
    def issue(cls, vendor: Vendor, name: str = "") -> tuple["VendorApiKey", str]:
        """Create a key for the vendor; return the row and the key, which is shown only this once."""
        row = cls(vendor=vendor, name=name)
        key = row.assign_new_key()
        row.save()
        return row, key

    def assign_new_key(self) -> str:
        """Give this unsaved row a fresh key and return it: only its prefix and hash are kept."""
        self.prefix = secrets.token_hex(API_KEY_PREFIX_LENGTH // 2)
        key = f"{self.prefix}.{secrets.token_urlsafe(32)}"
        self.key_hash = hash_key(key)
        return key

    def rotate(self, grace: timedelta) -> tuple["VendorApiKey", str]:
        """Issue the vendor a new key; this one keeps working for the grace period (or until revoked)."""
        deadline = timezone.now() + grace
        if self.expires_at is None or self.expires_at > deadline:
            self.expires_at = deadline
            self.save(update_fields=["expires_at"])
        return VendorApiKey.issue(self.vendor, self.name)

    def matches(self, key: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_key(key))

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DeviceKind(models.TextChoices):
    ANKLE_MONITOR = "ankle_monitor", _("enkelband")
    VICTIM_UNIT = "victim_unit", _("slachtofferapparaat")


class DeviceQuerySet(models.QuerySet):
    def visible_to(self, user, at=None):
        """Return the devices whose current wearer is in the user's monitoring regions (registry/regions.py).

        A device nobody wears has no region: supervisors see it, region-bound operators do not.
        """
        regions = regions_of(user)
        if regions is None:
            return self
        wearers = DeviceAssignment.objects.at(at or timezone.now()).filter(device_id=models.OuterRef("pk"))
        in_region = persons_in_regions(regions, "person_id") | protected_in_regions(regions, "protected_person_id")
        return self.filter(models.Exists(wearers.filter(in_region))) if regions else self.none()


class Device(models.Model):
    """One physical device, named by the vendor's own device id."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="devices")
    device_id = models.CharField(_("apparaat-id"), max_length=64)
    model = models.CharField(_("model"), max_length=80, blank=True)
    kind = models.CharField(_("soort"), max_length=20, choices=DeviceKind.choices, default=DeviceKind.ANKLE_MONITOR)
    active = models.BooleanField(_("in gebruik"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("apparaat")
        verbose_name_plural = _("apparaten")
        ordering = ["vendor", "device_id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "device_id"], name="device_unique_vendor_device_id")]
        # Every feed request finds its devices by device id alone (geofence.db.devices_named), whatever the vendor:
        # a device id another vendor sent is refused as foreign, not as unknown.
        indexes = [models.Index(fields=["device_id"], name="device_device_id_idx")]

    def __str__(self) -> str:
        return f"{self.vendor.slug}:{self.device_id}"

    def save(self, *args, **kwargs):
        created = self.pk is None
        super().save(*args, **kwargs)
        if created:
            DeviceStatus.objects.get_or_create(device=self)


class AssignmentQuerySet(models.QuerySet):
    def at(self, when):
        """Return the assignments in force at the given time."""
        return self.filter(valid_from__lte=when).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=when))


class DeviceAssignment(models.Model):
    """Who wears or carries a device during [valid_from, valid_until): a subject or a protected person."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="devices")
    protected_person = models.ForeignKey(
        ProtectedPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="devices"
    )
    valid_from = models.DateTimeField(_("vanaf"))
    valid_until = models.DateTimeField(_("tot"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("koppeling apparaat")
        verbose_name_plural = _("koppelingen apparaten")
        ordering = ["device", "-valid_from"]
        indexes = [models.Index(fields=["device", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, protected_person__isnull=True)
                | Q(person__isnull=True, protected_person__isnull=False),
                name="assignment_exactly_one_wearer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device} → {self.person or self.protected_person}"

    def clean(self) -> None:
        overlapping = DeviceAssignment.objects.filter(device_id=self.device_id).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=self.valid_from))
        if self.valid_until is not None:
            overlapping = overlapping.filter(valid_from__lt=self.valid_until)
        if overlapping.exists():
            raise ValidationError({"valid_from": _("Het apparaat is in deze periode al aan iemand gekoppeld.")})


class StrapState(models.TextChoices):
    OK = "ok", _("gesloten")
    TAMPERED = "tampered", _("gemanipuleerd")
    UNKNOWN = "unknown", _("onbekend")


class GpsState(models.TextChoices):
    OK = "ok", _("plaatsbepaling")
    NO_FIX = "no_fix", _("geen GPS-fix")
    UNKNOWN = "unknown", _("onbekend")


class DeviceStatus(models.Model):
    """The device board's row: last contact, last fix, battery, strap and GPS state.

    `evaluated_until` is the event time up to which fixes have been through the
    tracker: a later-arriving fix at or before it is late and changes no state.
    """

    device = models.OneToOneField(Device, primary_key=True, on_delete=models.CASCADE, related_name="status")
    # No indexes on these: the row changes with every batch, and the board reads a few thousand rows at most.
    last_contact_at = models.DateTimeField(_("laatste contact"), null=True, blank=True)
    # A pointer for the board, not an integrity rule: without the database constraint every batch spares
    # a thousand key checks at commit. Deleting a fix through the ORM still clears it (SET_NULL).
    last_fix = models.ForeignKey(
        "geofence.Fix",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    last_fix_at = models.DateTimeField(_("laatste positie"), null=True, blank=True)
    battery_pct = models.FloatField(_("batterij (%)"), null=True, blank=True)
    charging = models.BooleanField(_("laadt op"), default=False)
    powered = models.BooleanField(_("aan"), default=True)
    strap_state = models.CharField(max_length=10, choices=StrapState.choices, default=StrapState.UNKNOWN)
    gps_state = models.CharField(max_length=10, choices=GpsState.choices, default=GpsState.UNKNOWN)
    gps_lost_at = models.DateTimeField(null=True, blank=True)
    silent_since = models.DateTimeField(_("stil sinds"), null=True, blank=True)
    evaluated_until = models.DateTimeField(null=True, blank=True)
    # Seconds the newest fix of the last batch lay ahead of the server's clock (negative: behind), and for
    # how many batches in a row it lay beyond the tolerated skew.
    clock_offset_s = models.FloatField(_("klokafwijking (s)"), null=True, blank=True)
    clock_off_batches = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("apparaatstatus")
        verbose_name_plural = _("apparaatstatussen")

    def __str__(self) -> str:
        return f"{self.device_id} {self.last_contact_at}"
