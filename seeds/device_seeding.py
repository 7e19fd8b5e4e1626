"""Seed the demo vendor, its published API key, the ankle monitors and who wears them."""

from __future__ import annotations

from collections import Counter

from geofence.models import Device, DeviceAssignment, Vendor, VendorApiKey
from geofence.models.devices import hash_key
from registry.models import Person

from . import demo_data as data
from .seeding import local_midnight, upsert


def seed_devices(subjects: dict[str, Person], counts: Counter) -> None:
    """Create or refresh vendors, keys, devices and assignments; a second run writes nothing."""
    vendors = {spec.name: _seed_vendor(spec, counts) for spec in data.VENDORS}
    for spec in data.DEVICES:
        vendor = vendors[spec.vendor]
        device = upsert(Device, {"vendor": vendor, "device_id": spec.serial}, {"model": spec.model}, counts)
        _, created = DeviceAssignment.objects.get_or_create(
            device=device,
            person=subjects[spec.subject],
            valid_from=local_midnight(data.VALID_FROM),
            defaults={"valid_until": None},
        )
        counts[("DeviceAssignment", "created" if created else "unchanged")] += 1


def _seed_vendor(spec: data.VendorSpec, counts: Counter) -> Vendor:
    vendor = upsert(Vendor, {"slug": spec.slug}, {"name": spec.name, "active": True}, counts)
    prefix = spec.api_key.partition(".")[0]
    # The key is public, so it is fixed rather than issued: the simulator must know it in advance.
    values = {"vendor": vendor, "name": "demosleutel", "key_hash": hash_key(spec.api_key), "revoked_at": None}
    upsert(VendorApiKey, {"prefix": prefix}, values, counts)
    return vendor
