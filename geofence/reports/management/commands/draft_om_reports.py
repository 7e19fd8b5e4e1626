from django.core.management.base import BaseCommand

from geofence.reports.models import ViolationReport
from geofence.reports.services import draft_confirmed


class Command(BaseCommand):
    help = "Draft OM reports for confirmed violations without one; print how many assessments are overdue."

    def handle(self, *args, **options):
        drafted = draft_confirmed()
        overdue = ViolationReport.objects.assessment_overdue().count()
        self.stdout.write(f"drafted {drafted}, assessment overdue {overdue}")
