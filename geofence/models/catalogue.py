"""A database counter that tells every process when the zone catalogue must be rebuilt."""

from django.db import connection, models
from django.db.models import F
from django.utils import timezone

_ROW = 1


class ZoneCatalogueVersion(models.Model):
    """One row whose version rises in the same transaction as any change to bans, zones or assignments.

    Each process keeps its catalogue until it reads a higher version: one
    indexed read per evaluated batch, so a ban saved by any process is in
    force for the next fix evaluated by every other one.
    """

    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "zonecatalogusversie"

    def __str__(self) -> str:
        return f"zones v{self.version}"

    @classmethod
    def bump(cls) -> None:
        """Raise the version inside the caller's transaction (creating the row on first use)."""
        if not cls.objects.filter(pk=_ROW).update(version=F("version") + 1, changed_at=timezone.now()):
            cls.objects.get_or_create(pk=_ROW, defaults={"version": 1})

    @classmethod
    def current(cls) -> int:
        """Return the committed version as this transaction sees it (0 before any change)."""
        # Written out: asked twice per feed request, and through the ORM it took 0.7 ms of CPU against 0.12.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version FROM {connection.ops.quote_name(cls._meta.db_table)} WHERE id = %s", [_ROW])  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row else 0
