"""A batch judges each fix against the wearer assigned when the batch is evaluated, whoever saved the change."""

from datetime import timedelta

from django.utils import timezone

from geofence.models import DeviceAssignment, Incident
from geofence.testing import HOME, fix, make_ban, make_device, make_person, offset


def test_a_device_handed_to_a_banned_person_between_batches_judges_the_next_fix_as_theirs(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=make_person(), since=timezone.now() - timedelta(hours=3))
    t = timezone.now() - timedelta(minutes=10)
    feed.positions([fix(device, t, *offset(*HOME, 100))])
    assert not Incident.objects.exists()  # the first wearer has no ban

    first = DeviceAssignment.objects.get(device=device)
    first.valid_until = t + timedelta(minutes=1)
    first.save()
    DeviceAssignment.objects.create(device=device, person=ban.person, valid_from=t + timedelta(minutes=1))
    feed.positions([fix(device, t + timedelta(minutes=2), *offset(*HOME, 100))])

    assert Incident.objects.get().person == ban.person


def test_a_wearer_taken_off_between_batches_is_not_judged_for_later_fixes(feed):
    ban = make_ban()
    device = make_device(feed.vendor, person=ban.person, since=timezone.now() - timedelta(hours=3))
    t = timezone.now() - timedelta(minutes=10)
    feed.positions([fix(device, t, *offset(*HOME, 20_000))])

    worn = DeviceAssignment.objects.get(device=device)
    worn.valid_until = t + timedelta(minutes=1)
    worn.save()
    feed.positions([fix(device, t + timedelta(minutes=2), *offset(*HOME, 100))])

    assert not Incident.objects.exists()
