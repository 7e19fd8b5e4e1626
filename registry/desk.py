"""The registrar's desk: the work that is due soon or overdue, each item with its due date and a page to do it on."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Ban, BanStatus
from .terms import legal_warnings

# How far ahead the desk looks: a week gives time to prepare a letter or a ban that starts on Monday.
DESK_HORIZON_DAYS = 7
# Each list shows this many items at most, the most urgent first; the admin's lists give the rest.
MAX_ITEMS = 200


@dataclass(frozen=True)
class WorkItem:
    due: datetime
    url: str
    label: str  # what the link says: a reference, a report or device number
    subject: str  # who it is about
    detail: str
    overdue: bool = False
    # Whose data the row shows, for the audit entry of the desk's read.
    person_id: int | None = None
    protected_person_id: int | None = None


@dataclass(frozen=True)
class WorkList:
    key: str
    title: str
    due_title: str
    empty: str
    items: list[WorkItem]

    @property
    def overdue_count(self) -> int:
        return sum(item.overdue for item in self.items)


def work_lists(at: datetime | None = None, days: int = DESK_HORIZON_DAYS) -> list[WorkList]:
    """Return the desk's lists of work due before `at` + `days` (overdue work included), earliest first."""
    at = at or timezone.now()
    until = at + timedelta(days=days)
    lists = [
        WorkList("letters", _("Brieven aan beschermde personen"), _("Versturen uiterlijk"),
                 _("Geen brieven te versturen."), letters_due(at, days)),
        WorkList("reports", _("Rapporten aan het OM: beoordeling"), _("Beoordelen uiterlijk"),
                 _("Geen rapporten te beoordelen."), assessments_due(at, days)),
        WorkList("bans-starting", _("Verboden die binnenkort ingaan"), _("Gaat in op"),
                 _("Geen verboden die binnenkort ingaan."), bans_starting(at, until)),
        WorkList("bans-ending", _("Verboden die binnenkort aflopen"), _("Loopt af op"),
                 _("Geen verboden die binnenkort aflopen."), bans_ending(at, until)),
        WorkList("devices", _("Apparaten zonder koppeling"), _("Zonder drager sinds"),
                 _("Alle apparaten in gebruik zijn gekoppeld."), devices_unassigned(at)),
    ]  # fmt: skip
    for work in lists:
        work.items[:] = [replace(item, overdue=item.due <= at) for item in work.items]
    return lists


def bans_past_their_term(at: datetime | None = None) -> list[tuple[Ban, list[dict]]]:
    """Return open bans past their end date or legal term, each with its warnings, oldest start first."""
    candidates = Ban.objects.legal_term_candidates(at).select_related("decision", "person").order_by("valid_from")
    found = ((ban, legal_warnings(ban, at)) for ban in candidates.iterator())
    return [item for item in found if item[1]][:MAX_ITEMS]


def letters_due(at: datetime, days: int) -> list[WorkItem]:
    """Return the victim letters to send by `at` + `days`: due VICTIM_NOTICE_DUE_DAYS after falling due."""
    notices = apps.get_model("letters", "VictimNotice").objects
    # Catch up with ban changes made without signals, so the list is never short (as the API does).
    notices.reconcile(at=at)
    due_days = settings.VICTIM_NOTICE_DUE_DAYS
    # "Overdue `days` from now" is the same rule as the overdue list, looked at ahead of time.
    rows = notices.overdue(at=at, days=due_days - days).select_related(
        "ban__decision", "ban__person", "protected_person"
    )
    return [
        WorkItem(
            due=notice.due_since + timedelta(days=due_days),
            url=reverse("admin:letters_victimnotice_change", args=[notice.pk]),
            label=notice.ban.decision.reference,
            subject=notice.protected_person.full_name,
            detail=f"{notice.ban.get_kind_display()} · {notice.get_status_display()}",
            protected_person_id=notice.protected_person_id,
        )
        for notice in rows.order_by("due_since", "id")[:MAX_ITEMS]
    ]


def assessments_due(at: datetime, days: int) -> list[WorkItem]:
    """Return the OM reports to assess by `at` + `days`: due OM_ASSESSMENT_DUE_DAYS after sending."""
    reports = apps.get_model("reports", "ViolationReport").objects
    due_days = settings.OM_ASSESSMENT_DUE_DAYS
    rows = reports.assessment_overdue(at=at, days=due_days - days).select_related(
        "incident__person", "incident__ban__decision"
    )
    return [
        WorkItem(
            due=report.sent_at + timedelta(days=due_days),
            url=reverse("admin:reports_violationreport_change", args=[report.pk]),
            label=f"#{report.pk}",
            subject=report.incident.person.full_name if report.incident.person else "–",
            detail=report.incident.ban.decision.reference if report.incident.ban else "–",
            person_id=report.incident.person_id,
        )
        for report in rows.order_by("sent_at", "id")[:MAX_ITEMS]
    ]


def bans_starting(at: datetime, until: datetime) -> list[WorkItem]:
    """Return the bans not yet in force that start before `until`, or should have started already."""
    open_bans = Ban.objects.filter(status__in=(BanStatus.PENDING, BanStatus.ACTIVE))
    # Active bans that start later; pending ones also when their start has passed (awaiting activation).
    rows = open_bans.filter(valid_from__lte=until).filter(Q(valid_from__gt=at) | Q(status=BanStatus.PENDING))
    return [_ban_item(ban, ban.valid_from) for ban in _bans(rows, "valid_from")]


def bans_ending(at: datetime, until: datetime) -> list[WorkItem]:
    """Return the active or suspended bans whose end date falls between `at` and `until`."""
    rows = Ban.objects.filter(
        status__in=(BanStatus.ACTIVE, BanStatus.SUSPENDED), valid_until__gt=at, valid_until__lte=until
    )
    return [_ban_item(ban, ban.valid_until) for ban in _bans(rows, "valid_until")]


def devices_unassigned(at: datetime) -> list[WorkItem]:
    """Return the devices in use that nobody wears now, since their last assignment ended (or they came)."""
    Device = apps.get_model("geofence", "Device")
    assignments = apps.get_model("geofence", "DeviceAssignment").objects
    worn = assignments.at(at).filter(device=OuterRef("pk"))
    rows = Device.objects.filter(active=True).exclude(Exists(worn)).select_related("vendor")
    last_end = dict(
        assignments.filter(device__in=rows, valid_until__lte=at).order_by("device", "valid_until")
        .values_list("device", "valid_until")
    )  # fmt: skip
    add_url = reverse("admin:geofence_deviceassignment_add")
    items = [
        WorkItem(
            due=last_end.get(device.pk, device.created_at),
            url=f"{add_url}?device={device.pk}",
            label=device.device_id,
            subject=device.vendor.name,
            detail=device.get_kind_display(),
        )
        for device in rows.order_by("created_at", "id")[:MAX_ITEMS]
    ]
    return sorted(items, key=lambda item: item.due)


def _bans(rows, order: str):
    return rows.select_related("decision", "person").order_by(order, "id")[:MAX_ITEMS]


def _ban_item(ban: Ban, due: datetime) -> WorkItem:
    return WorkItem(
        due=due,
        url=reverse("admin:registry_ban_change", args=[ban.pk]),
        label=ban.decision.reference,
        subject=ban.person.full_name,
        detail=f"{ban.get_kind_display()} · {ban.get_status_display()}",
        person_id=ban.person_id,
    )
