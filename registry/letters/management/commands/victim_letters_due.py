from django.core.management.base import BaseCommand

from registry.letters.models import NoticeStatus, VictimNotice


class Command(BaseCommand):
    help = "Open due victim letters for ban changes made without signals; print how many are due and overdue."

    def handle(self, *args, **options):
        opened = VictimNotice.objects.reconcile()
        due = VictimNotice.objects.filter(status=NoticeStatus.DUE).count()
        overdue = VictimNotice.objects.overdue().count()
        self.stdout.write(f"opened {opened}, due {due}, overdue {overdue}")
