"""Writes that span letters, bans and the audit log: generating letters and recording that they went out."""

from datetime import date

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry.models import AuditEntry, Ban

from .letter import AMSTERDAM, build_letter
from .models import Channel, NoticeStatus, VictimNotice
from .pdf import render_letter
from .snapshot import victim_snapshot


class NoticeStateError(Exception):
    """The notice is not in a state that allows the requested step."""


def generate_for_ban(ban: Ban, user, language: str = "nl", at=None) -> list[VictimNotice]:
    """Bring the ban's letters up to date and render every unsent one; return them."""
    at = at or timezone.now()
    VictimNotice.objects.reconcile_ban(ban, at)
    pending = ban.victim_notices.filter(status__in=(NoticeStatus.DUE, NoticeStatus.GENERATED))
    return [generate_notice(notice.pk, user, language, at) for notice in pending.only("pk")]


def generate_all_due(user, language: str = "nl", at=None) -> list[VictimNotice]:
    """Render every letter that is due, after catching up with all ban changes."""
    at = at or timezone.now()
    VictimNotice.objects.reconcile(at=at)
    due = VictimNotice.objects.filter(status=NoticeStatus.DUE).only("pk")
    return [generate_notice(notice.pk, user, language, at) for notice in due]


def generate_notice(notice_id: int, user, language: str = "nl", at=None) -> VictimNotice:
    """Render one unsent letter in the given language and store the PDF."""
    at = at or timezone.now()
    with transaction.atomic():
        notice = (
            VictimNotice.objects.select_for_update().select_related("ban__decision", "ban__person").get(pk=notice_id)
        )
        if notice.status not in (NoticeStatus.DUE, NoticeStatus.GENERATED):
            raise NoticeStateError(
                _("Brief %(id)s is %(status)s: niet opnieuw te maken.")
                % {"id": notice.pk, "status": notice.get_status_display()}
            )
        notice.pdf = render_notice_pdf(notice, language, at)
        notice.snapshot = victim_snapshot(notice.ban)
        notice.ban_version = notice.ban.version
        notice.status, notice.generated_at, notice.language = NoticeStatus.GENERATED, at, language
        notice.save(update_fields=["pdf", "snapshot", "ban_version", "status", "generated_at", "language"])
        AuditEntry.record(
            user, "letter.generated", notice, [notice.ban.person_id], [notice.protected_person_id], language=language
        )
    return notice


def render_notice_pdf(notice: VictimNotice, language: str, at) -> bytes:
    replaces = (
        VictimNotice.objects.filter(ban=notice.ban, protected_person=notice.protected_person, sent_on__isnull=False)
        .exclude(pk=notice.pk)
        .order_by("-sent_on")
        .values_list("sent_on", flat=True)
        .first()
    )
    with translation.override(language):
        letter = build_letter(notice.ban, notice.protected_person, at.astimezone(AMSTERDAM).date(), replaces)
        return render_letter(letter, title=letter.subject)


def mark_sent(notice: VictimNotice, user, sent_on: date, channel: Channel) -> VictimNotice:
    """Record that the generated letter went out; only the letter describing the ban now counts."""
    now = timezone.now()
    # A letter the ban has moved on from is superseded here (and stays so) and cannot be marked sent.
    VictimNotice.objects.reconcile_ban(Ban.objects.select_related("decision").get(pk=notice.ban_id), now)
    with transaction.atomic():
        updated = VictimNotice.objects.filter(pk=notice.pk, status=NoticeStatus.GENERATED).update(
            status=NoticeStatus.SENT, sent_on=sent_on, channel=channel, sent_by=user, sent_recorded_at=now
        )
        if not updated:
            notice.refresh_from_db(fields=["status"])
            raise NoticeStateError(
                _("Brief %(id)s is %(status)s: alleen een aangemaakte brief.")
                % {"id": notice.pk, "status": notice.get_status_display()}
            )
        notice.refresh_from_db()
        AuditEntry.record(
            user,
            "letter.sent",
            notice,
            [notice.ban.person_id],
            [notice.protected_person_id],
            sent_on=str(sent_on),
            channel=channel,
        )
    return notice


def record_download(notice: VictimNotice, user) -> None:
    AuditEntry.record(user, "letter.downloaded", notice, [notice.ban.person_id], [notice.protected_person_id])
