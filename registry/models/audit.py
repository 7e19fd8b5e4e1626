"""The append-only, hash-chained audit log of lookups and operator actions.

An entry is written unsealed: a plain insert, which no writer waits on another for. The sealer
(`seal_pending`, run by beat every AUDIT_SEAL_SECONDS) then gives the unsealed entries, in the order
they were inserted, their place in the chain and their hashes, under the chain head's lock. On a
database with one writer at a time (SQLite) the writer seals its own entry at once.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = ""
APPEND_ONLY = "The audit log is append-only."


class ChainBreak(NamedTuple):
    entry_id: int
    reason: str


class SealLag(NamedTuple):
    """How far the sealer is behind: what health reports, and the entry verify_audit names."""

    oldest_unsealed_at: datetime | None
    last_pass_at: datetime | None
    # The oldest unsealed entry when the sealer is behind, else None (AuditQuerySet.seal_lag).
    overdue: "AuditEntry | None"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied(APPEND_ONLY)

    def delete(self):
        raise PermissionDenied(APPEND_ONLY)

    def first_break(self, now=None) -> tuple[ChainBreak | None, int]:
        """Walk the chain in sealing order; return the first broken link (or None) and the entries checked.

        An overdue entry (seal_lag) is a break too: until sealed, only the database trigger protects it.
        """
        head = AuditChainHead.current()
        expected_prev, count, last_id = head.anchor_hash, 0, 0
        for entry in self.filter(position__isnull=False).order_by("position").iterator(chunk_size=2000):
            count, last_id = count + 1, entry.pk
            if entry.prev_hash != expected_prev:
                return ChainBreak(entry.pk, "prev_hash does not match the previous entry: an entry was removed"), count
            if entry.hash != entry.compute_hash():
                return ChainBreak(entry.pk, "hash does not match the entry's content: the entry was altered"), count
            expected_prev = entry.hash
        if expected_prev != head.hash:
            reason = "the chain head does not match this last entry: newer entries were removed"
            return ChainBreak(last_id, reason), count
        stale = self.seal_lag(now).overdue
        if stale is not None:
            reason = f"not sealed within {settings.AUDIT_SEAL_MAX_AGE_SECONDS} s: is the sealer running?"
            return ChainBreak(stale.pk, reason), count
        return None, count

    def unsealed(self) -> "AuditQuerySet":
        return self.filter(position__isnull=True).order_by("id")

    def seal_lag(self, now=None) -> SealLag:
        """Return when the oldest unsealed entry was written, when the last seal pass finished, and the overdue entry.

        Overdue: an entry written more than AUDIT_SEAL_MAX_AGE_SECONDS ago is unsealed and no seal pass has
        finished within that time either. An entry of a long transaction that has just committed is older
        than that, but the sealer, still passing, takes it next.
        """
        limit = (now or timezone.now()) - timedelta(seconds=settings.AUDIT_SEAL_MAX_AGE_SECONDS)
        oldest_at = self.unsealed().values_list("at", flat=True).first()
        last_pass_at = AuditChainHead.current().sealed_at
        behind = oldest_at is not None and (last_pass_at is None or last_pass_at < limit)
        overdue = self.unsealed().filter(at__lt=limit).first() if behind else None
        return SealLag(oldest_at, last_pass_at, overdue)

    def seal_pending(self, batch: int = 2000) -> int:
        """Seal the unsealed entries in insertion order, a batch per transaction; return how many."""
        sealed = 0
        while True:
            with transaction.atomic(using=self.db):
                head = AuditChainHead.locked()
                pending = list(self.unsealed()[:batch])
                if not pending:
                    AuditChainHead.objects.filter(pk=1).update(sealed_at=timezone.now())
                    return sealed
                prev, position = head.hash, head.position
                for entry in pending:
                    position += 1
                    entry.prev_hash, entry.position = prev, position
                    entry.hash = prev = entry.compute_hash()
                # The one change the trigger lets through (this queryset's own update() refuses any).
                with connections[self.db].cursor() as cursor:
                    cursor.executemany(_SEAL, [(e.position, e.prev_hash, e.hash, e.pk) for e in pending])
                AuditChainHead.objects.filter(pk=1).update(hash=prev, position=position, sealed_at=timezone.now())
            sealed += len(pending)
            if len(pending) < batch:
                return sealed

    def purge_before(self, cutoff) -> tuple[int, str]:
        """Delete the oldest entries written before the cutoff; return how many and the new anchor hash."""
        self.seal_pending()
        with transaction.atomic():
            AuditChainHead.locked()
            last = self.filter(at__lt=cutoff, position__isnull=False).order_by("-position").first()
            if last is None:
                return 0, AuditChainHead.current().anchor_hash
            # The trigger lets deletes through only while this flag is set, inside this transaction.
            AuditChainHead.objects.filter(pk=1).update(purging=True)
            deleted, _ = models.QuerySet.delete(self.filter(position__lte=last.position))
            AuditChainHead.objects.filter(pk=1).update(purging=False, anchor_hash=last.hash)
        return deleted, last.hash


class AuditChainHead(models.Model):
    """One row holding the newest sealed entry's hash and place; the sealer locks it so the chain cannot fork."""

    hash = models.CharField(max_length=64, blank=True)
    position = models.BigIntegerField(default=0)
    # When the sealer last finished a pass, with or without entries to seal: health tells a stopped sealer by it.
    sealed_at = models.DateTimeField(null=True, blank=True)
    # Hash of the newest purged entry: where the chain of the remaining entries starts.
    anchor_hash = models.CharField(max_length=64, blank=True)
    # True only inside the purge's own transaction; the database trigger refuses deletes otherwise.
    purging = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.hash

    @classmethod
    def locked(cls) -> "AuditChainHead":
        """Return the head row locked for this transaction (create it on first use)."""
        # One round trip once the row exists: every audited request passes here.
        head = cls.objects.select_for_update().filter(pk=1).first()
        if head is None:
            cls.objects.get_or_create(pk=1)
            head = cls.objects.select_for_update().get(pk=1)
        return head

    @classmethod
    def current(cls) -> "AuditChainHead":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class AuditEntry(models.Model):
    """Who did what, when, to which subject. Never updated; deleted only by the retention purge after its term."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=60, db_index=True)
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    # Bound persons shown or touched, for "who looked at this person" queries.
    person_ids = models.JSONField(default=list)
    # Protected persons (victims) whose data was shown: a separate id space from persons.
    protected_person_ids = models.JSONField(default=list)
    details = models.JSONField(default=dict)
    # Set once, by the sealer: the entry's place in the chain, the previous entry's hash and its own.
    position = models.BigIntegerField(null=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "at"]),
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["id"], condition=models.Q(position__isnull=True), name="registry_auditentry_unsealed"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied(APPEND_ONLY)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        if connections[using].vendor == "postgresql":
            self._insert_unsealed(using)
            return
        with transaction.atomic(using=using):
            super().save(*args, **kwargs)
            AuditEntry.objects.using(using).seal_pending()
        self.position, self.prev_hash, self.hash = (
            AuditEntry.objects.using(using).filter(pk=self.pk).values_list("position", "prev_hash", "hash").get()
        )

    def _insert_unsealed(self, using: str) -> None:
        """Insert the entry in one statement (one round trip, no BEGIN/COMMIT, no lock shared with other writers).

        Every lookup writes an entry before its answer is sent, and its commit waits for the disk: a
        shared lock held until then (the chain head's) would queue every lookup behind one slow flush.
        """
        with connections[using].cursor() as cursor:
            cursor.execute(_INSERT_UNSEALED, self._row_values())
            self.pk = cursor.fetchone()[0]
        self._state.adding, self._state.db = False, using

    def _row_values(self) -> list:
        return [
            self.actor_id,
            self.actor_name,
            self.action,
            self.at,
            self.target_type,
            self.target_id,
            json.dumps(self.person_ids),
            json.dumps(self.protected_person_ids),
            json.dumps(self.details),
        ]

    def delete(self, *args, **kwargs):
        raise PermissionDenied(APPEND_ONLY)

    def compute_hash(self) -> str:
        """Return the SHA-256 of the previous hash and this entry's content, in a canonical JSON form."""
        return hashlib.sha256(_canonical({**self._content(), "prev": self.prev_hash}).encode()).hexdigest()

    def _content(self) -> dict:
        return {
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "target": [self.target_type, self.target_id],
            "person_ids": self.person_ids,
            "protected_person_ids": self.protected_person_ids,
            "details": self.details,
        }

    @classmethod
    def record(
        cls, user, action: str, target=None, person_ids: Iterable = (), protected_person_ids: Iterable = (), **details
    ) -> "AuditEntry":
        """Append one entry for the user's action on an optional target row."""
        authenticated = user is not None and user.is_authenticated
        entry = cls(
            actor=user if authenticated else None,
            actor_name=user.get_username() if authenticated else "",
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            # A key-like primary key (an API token's digest) is longer than the column: its start names it.
            target_id=str(target.pk)[:60] if target is not None else "",
            person_ids=list(person_ids),
            protected_person_ids=list(protected_person_ids),
            details=_json_roundtrip(details),
        )
        entry.save()
        return entry


def _canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_SEAL = "UPDATE registry_auditentry SET position = %s, prev_hash = %s, hash = %s WHERE id = %s"

_INSERT_UNSEALED = """
INSERT INTO registry_auditentry
    (actor_id, actor_name, action, at, target_type, target_id, person_ids, protected_person_ids, details,
     prev_hash, hash)
VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb, %s::jsonb, '', '')
RETURNING id
"""


def _json_roundtrip(details: dict) -> dict:
    # Hash what the database will return: JSON turns tuples into lists and keys into strings.
    return json.loads(json.dumps(details))
