"""Victim notices: the letter each protected person gets about a ban, and whether it went out."""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Ban, BanStatus, ProtectedPerson

from .snapshot import victim_snapshot

# A victim who was told about a ban is told again when it stops applying early.
STATUSES_TOLD_WHEN_STOPPED = (BanStatus.SUSPENDED, BanStatus.REVOKED, BanStatus.ENDED)


class NoticeStatus(models.TextChoices):
    DUE = "due", _("nog te maken")
    GENERATED = "generated", _("aangemaakt")
    SENT = "sent", _("verstuurd")
    SUPERSEDED = "superseded", _("vervangen")


class Channel(models.TextChoices):
    POST = "post", _("per post")
    EMAIL = "email", _("per e-mail")
    IN_PERSON = "in_person", _("persoonlijk overhandigd")


def bans_needing_letters_q(at) -> Q:
    """Return the filter for bans whose protected persons may need a letter at the given time.

    Active bans that have not expired (in force, or starting later), and bans
    suspended, revoked or ended early, whose victims must hear it.
    """
    active = Q(status=BanStatus.ACTIVE) & (Q(valid_until__isnull=True) | Q(valid_until__gt=at))
    return active | Q(status__in=STATUSES_TOLD_WHEN_STOPPED)


class VictimNoticeQuerySet(models.QuerySet):
    def current(self):
        return self.exclude(status=NoticeStatus.SUPERSEDED)

    def overdue(self, at=None, days: int | None = None):
        """Return the current notices not sent within `days` (VICTIM_NOTICE_DUE_DAYS) of falling due."""
        at = at or timezone.now()
        days = settings.VICTIM_NOTICE_DUE_DAYS if days is None else days
        ban_ids = Ban.objects.filter(bans_needing_letters_q(at)).values("pk")
        return self.filter(
            status__in=(NoticeStatus.DUE, NoticeStatus.GENERATED),
            due_since__lte=at - timedelta(days=days),
            ban__in=ban_ids,
        )

    def reconcile(self, bans=None, at=None) -> int:
        """Bring the due notices of the given bans (default: all that may need letters) up to date.

        Return the number of notices opened.
        """
        at = at or timezone.now()
        if bans is None:
            bans = Ban.objects.filter(bans_needing_letters_q(at) | Q(victim_notices__status=NoticeStatus.DUE))
            bans = bans.distinct()
        bans = bans.select_related("decision").prefetch_related("protected_persons")
        return sum(len(self.reconcile_ban(ban, at)) for ban in bans)

    def open_for_new_bans(self, protected_of: dict[Ban, list], at=None) -> list["VictimNotice"]:
        """Open the due notices of bans just created in bulk (no notice of theirs exists yet), in bulk."""
        at = at or timezone.now()
        notices = [
            self.model(
                ban=ban, protected_person=pp, snapshot=victim_snapshot(ban), ban_version=ban.version, due_since=at
            )
            for ban, people in protected_of.items()
            if ban.status == BanStatus.ACTIVE and (ban.valid_until is None or ban.valid_until > at)
            for pp in people
        ]
        return self.bulk_create(notices)

    def reconcile_ban(self, ban: Ban, at=None) -> list["VictimNotice"]:
        """Open a due notice for each protected person whose current letter no longer describes the ban."""
        at = at or timezone.now()
        snapshot = victim_snapshot(ban)
        with transaction.atomic():
            current = {n.protected_person_id: n for n in self.select_for_update().filter(ban=ban).current()}
            person_ids = {pp.pk for pp in ban.protected_persons.all()}
            opened = [
                notice
                for pp_id in person_ids
                if (notice := self._reconcile_one(ban, pp_id, current.pop(pp_id, None), snapshot, at))
            ]
            # Protected persons taken off the ban need no letter that was never made.
            for stale in current.values():
                if stale.status == NoticeStatus.DUE:
                    stale.delete()
        return opened

    def _reconcile_one(self, ban, pp_id, notice, snapshot, at) -> "VictimNotice | None":
        if notice is not None and notice.snapshot == snapshot:
            return None
        if not self._victim_must_be_told(ban, pp_id, at):
            if notice is not None and notice.status == NoticeStatus.DUE:
                notice.delete()
            elif notice is not None and notice.status == NoticeStatus.GENERATED:
                notice.supersede(None, at)
            return None
        if notice is not None and notice.status == NoticeStatus.DUE:
            notice.snapshot, notice.ban_version = snapshot, ban.version
            notice.save(update_fields=["snapshot", "ban_version"])
            return None
        # A letter never sent leaves the victim waiting since it fell due.
        due_since = notice.due_since if notice is not None and notice.status == NoticeStatus.GENERATED else at
        if notice is not None:
            notice.supersede(None, at)
        new = self.create(
            ban=ban,
            protected_person_id=pp_id,
            snapshot=snapshot,
            ban_version=ban.version,
            due_since=due_since,
        )
        if notice is not None:
            notice.superseded_by = new
            notice.save(update_fields=["superseded_by"])
        return new

    def _victim_must_be_told(self, ban: Ban, pp_id: int, at) -> bool:
        if ban.status == BanStatus.ACTIVE:
            return ban.valid_until is None or ban.valid_until > at
        if ban.status == BanStatus.ENDED and ban.valid_until is not None and ban.valid_until <= at:
            return False  # ended on the date the letter already gave
        if ban.status in STATUSES_TOLD_WHEN_STOPPED:
            return self.filter(ban=ban, protected_person_id=pp_id, sent_on__isnull=False).exists()
        return False


class VictimNotice(models.Model):
    """One letter to one protected person about one state of a ban."""

    ban = models.ForeignKey(Ban, on_delete=models.PROTECT, related_name="victim_notices", verbose_name=_("verbod"))
    protected_person = models.ForeignKey(
        ProtectedPerson, on_delete=models.PROTECT, related_name="victim_notices", verbose_name=_("beschermd persoon")
    )
    status = models.CharField(_("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.DUE)
    # The ban's facts the letter describes (see snapshot.py) and the ban version they came from.
    snapshot = models.JSONField(_("inhoud verbod"))
    ban_version = models.PositiveIntegerField(_("versie verbod"))
    due_since = models.DateTimeField(_("nodig sinds"))
    generated_at = models.DateTimeField(_("aangemaakt op"), null=True, blank=True)
    language = models.CharField(_("taal"), max_length=8, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    sent_on = models.DateField(_("verstuurd op"), null=True, blank=True)
    channel = models.CharField(_("verzonden via"), max_length=12, choices=Channel.choices, blank=True)
    sent_recorded_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("vervangen door")
    )
    superseded_at = models.DateTimeField(_("vervangen op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VictimNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("brief aan beschermd persoon")
        verbose_name_plural = _("brieven aan beschermde personen")
        ordering = ["due_since", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ban", "protected_person"],
                condition=~Q(status="superseded"),
                name="victim_notice_one_current_per_person",
            )
        ]
        indexes = [models.Index(fields=["status", "due_since"])]

    def __str__(self) -> str:
        return f"{self.ban.decision.reference} / {self.protected_person_id} ({self.get_status_display()})"

    @property
    def filename(self) -> str:
        reference = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.snapshot.get("reference", ""))
        return f"brief-{reference}-{self.pk}.pdf"

    def supersede(self, by: "VictimNotice | None", at) -> None:
        self.status, self.superseded_by, self.superseded_at = NoticeStatus.SUPERSEDED, by, at
        self.save(update_fields=["status", "superseded_by", "superseded_at"])
