"""FixBatch: GPS fixes as parallel arrays, and the checks every fix must pass before it is judged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .constants import SUPPORTED_LAT_RANGE, SUPPORTED_LON_RANGE
from .errors import InvalidFix, UnsupportedArea


def to_unix(t: float | datetime) -> float:
    """Return UTC seconds since the epoch; naive datetimes are refused."""
    if isinstance(t, datetime):
        if t.tzinfo is None:
            raise ValueError(f"{t!r} is naive: give fix times with a timezone")
        return t.timestamp()
    return float(t)


@dataclass(frozen=True)
class FixBatch:
    """GPS fixes as parallel arrays; `t` is UTC seconds since the epoch."""

    subject_id: np.ndarray  # int64
    t: np.ndarray  # float64
    lat: np.ndarray  # float64, degrees WGS84
    lon: np.ndarray  # float64, degrees WGS84
    accuracy_m: np.ndarray  # float64, horizontal accuracy radius, >= 0

    @classmethod
    def from_arrays(cls, subject_id, t, lat, lon, accuracy_m) -> FixBatch:  # noqa: ANN001
        """Build a batch from array-likes; `t` may hold aware datetimes or UTC seconds."""
        t = np.asarray(t)
        if t.dtype == object:
            t = np.array([to_unix(v) for v in t], dtype=np.float64)
        return cls(
            np.asarray(subject_id, dtype=np.int64),
            np.asarray(t, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            np.asarray(lon, dtype=np.float64),
            np.asarray(accuracy_m, dtype=np.float64),
        )

    def __len__(self) -> int:
        return len(self.t)


def check_fixes(fixes: FixBatch) -> None:
    """Raise UnsupportedArea or InvalidFix for the first fix the engine cannot judge."""
    n = len(fixes)
    for name in ("subject_id", "lat", "lon", "accuracy_m"):
        if len(getattr(fixes, name)) != n:
            raise ValueError(f"FixBatch.{name} has {len(getattr(fixes, name))} values, t has {n}")
    lat, lon = fixes.lat, fixes.lon
    ok = (lat >= SUPPORTED_LAT_RANGE[0]) & (lat <= SUPPORTED_LAT_RANGE[1])
    ok &= (lon >= SUPPORTED_LON_RANGE[0]) & (lon <= SUPPORTED_LON_RANGE[1])
    if not ok.all():
        i = int(np.argmin(ok))
        raise UnsupportedArea(i, float(lat[i]), float(lon[i]))
    bad_acc = ~(fixes.accuracy_m >= 0.0) | ~np.isfinite(fixes.accuracy_m)
    if bad_acc.any():
        i = int(np.argmax(bad_acc))
        raise InvalidFix(i, "accuracy_m", float(fixes.accuracy_m[i]), "must be a finite number >= 0")
    bad_t = ~np.isfinite(fixes.t)
    if bad_t.any():
        i = int(np.argmax(bad_t))
        raise InvalidFix(i, "t", float(fixes.t[i]), "must be finite UTC seconds")
