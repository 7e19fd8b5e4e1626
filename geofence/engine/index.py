"""ZoneIndex: zones grouped per subject, with their geometry precomputed once."""

from __future__ import annotations

from collections.abc import Iterable

from .zones import Zone


class ZoneIndex:
    """Zones grouped per subject, with per-zone precomputations cached.

    Build once when the zones change and reuse for every batch. A subject
    may have several zones; zone ids must be unique.
    """

    def __init__(self, zones: Iterable[Zone]) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def zones_of(self, subject_id: int) -> list[Zone]:
        """Return the zones of one subject, in index order."""
        raise NotImplementedError
