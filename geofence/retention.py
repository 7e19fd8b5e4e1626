"""Retention: delete or anonymise each data class once its term has passed (docs/retention.md).

Each rule names its data class, the moment its term runs from, and what expiry does. The terms are
settings.RETENTION_DAYS; the audit log has a floor below which no setting can purge it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from geofence import partitions
from geofence.alerts.models import AlertOutbox, AlertStatus
from geofence.models import DeviceEvent, Fix, Incident, IncidentState, QuarantinedItem
from geofence.monitor.models import HandoverNote
from geofence.reports.models import ViolationReport
from registry.letters.models import VictimNotice
from registry.lifecycle import FINAL_STATUSES
from registry.models import AuditEntry, Ban, Person, PersonAlias, ProtectedPerson

log = logging.getLogger(__name__)

# Whatever the setting says, the audit log is kept at least this long (docs/retention.md, "Audit log").
AUDIT_MIN_DAYS = 365
ANONYMISED = "[geanonimiseerd]"


@dataclass(frozen=True)
class Rule:
    name: str
    expired: Callable[[datetime], QuerySet]
    expire: Callable[[QuerySet], int]
    # Instead of expire(expired(cutoff)) in one transaction, where set: purge(cutoff, now), which
    # manages its own transactions; returns None where it does not apply (then expire runs).
    purge: Callable[[datetime, datetime], int | None] | None = None


def _delete(queryset: QuerySet) -> int:
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def _expired_fixes(cutoff: datetime) -> QuerySet:
    return Fix.objects.filter(ts__lt=cutoff)


def _purge_partitioned_fixes(cutoff: datetime, now: datetime) -> int | None:
    # PostgreSQL: wholly expired month partitions are dropped, the rest deleted (geofence/partitions.py).
    return partitions.purge_fixes(cutoff, now).total if partitions.is_partitioned() else None


def _expired_device_events(cutoff: datetime) -> QuerySet:
    return DeviceEvent.objects.filter(ts__lt=cutoff, processed_at__isnull=False)


def _expired_quarantine(cutoff: datetime) -> QuerySet:
    return QuarantinedItem.objects.filter(received_at__lt=cutoff)


def _expired_incidents(cutoff: datetime) -> QuerySet:
    # An incident reported to the OM is evidence in the OM's file: the report keeps it (PROTECT).
    reported = ViolationReport.objects.filter(incident=OuterRef("pk"))
    return Incident.objects.filter(state=IncidentState.CLOSED, closed_at__lt=cutoff).exclude(Exists(reported))


def _expired_handover_notes(cutoff: datetime) -> QuerySet:
    return HandoverNote.objects.filter(written_at__lt=cutoff)


def _expired_alerts(cutoff: datetime) -> QuerySet:
    return AlertOutbox.objects.filter(created_at__lt=cutoff).exclude(status=AlertStatus.PENDING)


def _expired_api_tokens(cutoff: datetime) -> QuerySet:
    # Authentication refuses an expired token at once and deletes only that one (config/accounts/tokens.py).
    return AuthToken.objects.filter(expiry__lt=cutoff)


def _expired_letters(cutoff: datetime) -> QuerySet:
    # A sent letter of a ban still in force stays: its snapshot tells whether the victim needs a new one.
    ended = ~Q(ban__in=Ban.objects.filter(_live_bans(cutoff)))
    done = Q(sent_on__lt=timezone.localdate(cutoff)) & ended | Q(superseded_at__lt=cutoff)
    return VictimNotice.objects.filter(done).exclude(pdf=None, snapshot={})


def _clear_letters(queryset: QuerySet) -> int:
    return queryset.update(pdf=None, snapshot={})


def _live_bans(cutoff: datetime) -> Q:
    """Return the condition of a ban still in force, or ended less than the term ago."""
    running = ~Q(status__in=FINAL_STATUSES) & (Q(valid_until__isnull=True) | Q(valid_until__gte=cutoff))
    return running | Q(status__in=FINAL_STATUSES, updated_at__gte=cutoff)


def _expired_persons(cutoff: datetime) -> QuerySet:
    bans = Ban.objects.filter(person=OuterRef("pk"))
    return (
        Person.objects.filter(Exists(bans)).exclude(Exists(bans.filter(_live_bans(cutoff)))).exclude(surname=ANONYMISED)
    )


# Ids per statement: PostgreSQL binds at most 65,535 parameters, and the first run after years of bans
# may find more expired persons than that.
ANONYMISE_CHUNK = 10_000


def _anonymise_persons(queryset: QuerySet) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    blank = {"given_names": "", "tussenvoegsel": "", "bsn": "", "strafrechtketennummer": "", "cjib_reference": ""}
    done = 0
    for start in range(0, len(ids), ANONYMISE_CHUNK):
        chunk = ids[start : start + ANONYMISE_CHUNK]
        PersonAlias.objects.filter(person_id__in=chunk).delete()
        done += Person.objects.filter(pk__in=chunk).update(
            surname=ANONYMISED, date_of_birth=None, name_key="", surname_key="", updated_at=timezone.now(), **blank
        )
    return done


def _expired_protected_persons(cutoff: datetime) -> QuerySet:
    bans = Ban.objects.filter(protected_persons=OuterRef("pk"))
    return (
        ProtectedPerson.objects.filter(Exists(bans))
        .exclude(Exists(bans.filter(_live_bans(cutoff))))
        .exclude(surname=ANONYMISED)
    )


def _anonymise_protected_persons(queryset: QuerySet) -> int:
    blank = {f: "" for f in ("given_names", "tussenvoegsel", "phone", "email", "street", "postcode", "city")}
    return queryset.update(surname=ANONYMISED, date_of_birth=None, home_lat=None, home_lon=None, **blank)


RULES = [
    Rule("fixes", _expired_fixes, _delete, _purge_partitioned_fixes),
    Rule("device_events", _expired_device_events, _delete),
    Rule("quarantine", _expired_quarantine, _delete),
    Rule("incidents", _expired_incidents, _delete),
    Rule("handover_notes", _expired_handover_notes, _delete),
    Rule("alerts", _expired_alerts, _delete),
    Rule("api_tokens", _expired_api_tokens, _delete),
    Rule("letters", _expired_letters, _clear_letters),
    Rule("persons", _expired_persons, _anonymise_persons),
    Rule("protected_persons", _expired_protected_persons, _anonymise_protected_persons),
]


def audit_term() -> timedelta:
    """Return the audit log's term; refuse a setting under the floor."""
    days = settings.RETENTION_DAYS["audit"]
    if days < AUDIT_MIN_DAYS:
        raise ImproperlyConfigured(f"RETENTION_AUDIT_DAYS is {days}: the audit log is kept {AUDIT_MIN_DAYS} or more")
    return timedelta(days=days)


def purge_expired(now: datetime | None = None, dry_run: bool = False, user=None) -> dict[str, int]:
    """Delete or anonymise every expired row; return the count per data class. Dry run: count only."""
    now = now or timezone.now()
    counts = {}
    for rule in RULES:
        cutoff = now - timedelta(days=settings.RETENTION_DAYS[rule.name])
        if rule.purge is not None and not dry_run:
            counts[rule.name] = rule.purge(cutoff, now)
            if counts[rule.name] is not None:
                continue
        with transaction.atomic():
            expired = rule.expired(cutoff)
            counts[rule.name] = expired.count() if dry_run else rule.expire(expired)
    audit_cutoff = now - audit_term()
    if dry_run:
        counts["audit"] = AuditEntry.objects.filter(at__lt=audit_cutoff).count()
    else:
        counts["audit"], anchor = AuditEntry.objects.purge_before(audit_cutoff)
        AuditEntry.record(user, "retention.purged", anchor_hash=anchor, **counts)
    log.info("retention %s: %s", "dry run" if dry_run else "purged", counts)
    return counts


@shared_task(acks_late=True)
def purge_expired_daily() -> dict[str, int]:
    """Run the purge; Celery beat calls this once a day (settings.RETENTION_PURGE_HOUR)."""
    return purge_expired()
