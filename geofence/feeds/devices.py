"""Register, retire and replace devices, start and end who wears them: the one write path of the device registry.

Each write is one transaction with an audit entry. The assignment rows are the
history: ending or moving an assignment closes its row and opens a new one, it
never rewrites the past. Saving an assignment makes the zone catalogue judge
the wearer's recent fixes again (incidents.zones).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from geofence.models import Device, DeviceAssignment, Vendor
from registry.models import AuditEntry, Person, ProtectedPerson

from .services import attribute_quarantined_fixes


class DeviceConflict(Exception):
    """The device's or assignment's state does not allow the change (answered 409)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def register_device(vendor: Vendor, device_id: str, *, actor, kind: str, model: str = "") -> tuple[Device, int]:
    """Create the vendor's device and store the fixes it sent while unknown; return it and how many were stored."""
    with transaction.atomic():
        if Device.objects.filter(vendor=vendor, device_id=device_id).exists():
            raise DeviceConflict(_("Dit apparaat-id is al geregistreerd bij deze leverancier."), "device_exists")
        device = Device.objects.create(vendor=vendor, device_id=device_id, kind=kind, model=model)
        attributed = attribute_quarantined_fixes(device)
        _audit(actor, "geofence.device.register", device, attributed_fixes=attributed)
    return device, attributed


def retire_device(device: Device, *, actor, reason: str, at: datetime | None = None) -> Device:
    """Take a device out of use; refused while someone wears it from now on (replace it, or end that first)."""
    at = at or timezone.now()
    with transaction.atomic():
        device = _locked(device)
        if not device.active:
            raise DeviceConflict(_("Dit apparaat is al buiten gebruik."), "device_retired")
        if _current_or_later(device, at).exists():
            raise DeviceConflict(
                _("Het apparaat is nog gekoppeld: beëindig de koppeling of vervang het apparaat."), "device_assigned"
            )
        device.active = False
        device.save(update_fields=["active"])
        _audit(actor, "geofence.device.retire", device, reason=reason)
    return device


def replace_device(old: Device, new: Device, *, actor, reason: str, at: datetime | None = None) -> DeviceAssignment:
    """Move the assignment in force at `at` from the old device to the new one and retire the old; return the new row.

    The old row ends at `at` and a new row on the new device starts there, keeping the wearer and the end
    date, so the history shows both devices.
    """
    at = at or timezone.now()
    with transaction.atomic():
        old, new = _locked(old), _locked(new)
        if old.pk == new.pk:
            raise ValidationError({"new_device": _("Kies een ander apparaat dan het te vervangen apparaat.")})
        if not new.active:
            raise ValidationError({"new_device": _("Het nieuwe apparaat is buiten gebruik.")})
        if new.kind != old.kind:
            raise ValidationError({"new_device": _("Het nieuwe apparaat is van een andere soort.")})
        current = DeviceAssignment.objects.at(at).filter(device=old).first()
        if current is None:
            raise DeviceConflict(_("Het apparaat is op dat tijdstip aan niemand gekoppeld."), "not_assigned")
        if current.valid_from == at:
            raise ValidationError({"at": _("Het tijdstip valt samen met het begin van de koppeling.")})
        moved = DeviceAssignment(
            device=new,
            person_id=current.person_id,
            protected_person_id=current.protected_person_id,
            valid_from=at,
            valid_until=current.valid_until,
        )
        try:
            moved.full_clean(exclude=["device", "person", "protected_person"])
        except ValidationError as exc:  # the new device is taken in that period: say so on the field named
            raise ValidationError({"new_device": exc.messages}) from None
        current.valid_until = at
        current.save(update_fields=["valid_until", "updated_at"])
        moved.save()
        old.active = False
        old.save(update_fields=["active"])
        _audit(actor, "geofence.device.replace", old, moved, reason=reason, new_device=new.pk, ended=current.pk)
    return moved


def start_assignment(
    device: Device,
    *,
    actor,
    valid_from: datetime,
    valid_until: datetime | None = None,
    person: Person | None = None,
    protected_person: ProtectedPerson | None = None,
) -> DeviceAssignment:
    """Give a device in use to one wearer for [valid_from, valid_until); overlapping another period is refused."""
    if (person is None) == (protected_person is None):
        raise ValidationError({"non_field_errors": [_("Geef precies één drager: een persoon of een beschermde.")]})
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError({"valid_until": [_("Het einde ligt na het begin.")]})
    with transaction.atomic():
        device = _locked(device)
        if not device.active:
            raise ValidationError({"device": [_("Het apparaat is buiten gebruik.")]})
        row = DeviceAssignment(
            device=device,
            person=person,
            protected_person=protected_person,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        row.full_clean(exclude=["device", "person", "protected_person"])
        row.save()
        _audit(actor, "geofence.assignment.start", device, row)
    return row


def end_assignment(assignment: DeviceAssignment, *, actor, at: datetime, reason: str = "") -> DeviceAssignment:
    """End an assignment at `at`; an ended one, or an end before its start, is refused."""
    with transaction.atomic():
        _locked(assignment.device)
        row = DeviceAssignment.objects.get(pk=assignment.pk)
        if row.valid_until is not None and row.valid_until <= timezone.now():
            raise DeviceConflict(_("Deze koppeling is al beëindigd."), "assignment_ended")
        if at <= row.valid_from:
            raise ValidationError({"valid_until": [_("Het einde ligt na het begin van de koppeling.")]})
        row.valid_until = at
        row.save(update_fields=["valid_until", "updated_at"])
        _audit(actor, "geofence.assignment.end", row.device, row, reason=reason)
    return row


def _locked(device: Device) -> Device:
    return Device.objects.select_for_update().select_related("vendor").get(pk=device.pk)


def _current_or_later(device: Device, at: datetime):
    return DeviceAssignment.objects.filter(device=device).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))


def _audit(actor, action: str, device: Device, assignment: DeviceAssignment | None = None, **details) -> None:
    """Record who did it: a person's account, or the vendor whose key made the call."""
    vendor = getattr(actor, "vendor", None)
    person_ids = [assignment.person_id] if assignment is not None and assignment.person_id else []
    protected_ids = [assignment.protected_person_id] if assignment and assignment.protected_person_id else []
    AuditEntry.record(
        None if vendor is not None else actor,
        action,
        assignment or device,
        person_ids=person_ids,
        protected_person_ids=protected_ids,
        device=str(device),
        **({"vendor": vendor.slug} if vendor is not None else {}),
        **details,
    )
