from django.core.management.base import BaseCommand

from geofence.feeds.services import attribute_quarantined_fixes
from geofence.models import Device


class Command(BaseCommand):
    help = "Store the quarantined fixes of devices that were unknown when they sent them."

    def add_arguments(self, parser):
        parser.add_argument("vendor", help="vendor slug")
        parser.add_argument("device_ids", nargs="*", help="device ids (default: all of the vendor's devices)")

    def handle(self, vendor, device_ids, **options):
        devices = Device.objects.filter(vendor__slug=vendor)
        if device_ids:
            devices = devices.filter(device_id__in=device_ids)
        total = sum(attribute_quarantined_fixes(device) for device in devices)
        self.stdout.write(f"{total} fixes attributed")
