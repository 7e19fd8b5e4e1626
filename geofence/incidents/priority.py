"""Incident priority, 1 (most urgent) to 5, computed in one place."""

from geofence.models import IncidentType
from registry.models import BanKind, RiskLevel

HIGHEST, LOWEST = 1, 5

# SASH risk sets the base: the police screen stalking cases with it for exactly this.
_RISK_BASE = {RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 3}
_UNKNOWN_RISK_BASE = 2  # unscreened is not "low": treat it as medium

_DEVICE_TYPE_OFFSET = {
    IncidentType.STRAP_TAMPER: 1,
    IncidentType.DEVICE_SILENT: 1,
    IncidentType.NO_GPS_FIX: 2,
    IncidentType.BATTERY_CRITICAL: 2,
    IncidentType.CLOCK_SKEW: 2,
}

# A cut strap is how a subject goes dark before acting: whatever the SASH risk, the police must hear of it
# urgently. A low-risk subject (base 3) plus the device offset would make it P4, with no banner or sound.
TAMPER_AT_MOST = 2

# Within this distance or arrival estimate the police need to move now.
NEAR_DISTANCE_M = 1000.0
NEAR_ETA_MIN = 10.0


def compute_priority(
    incident_type: str,
    *,
    risk: str | None = None,
    ban_kind: str | None = None,
    definite: bool = False,
    distance_m: float | None = None,
    eta_min: float | None = None,
) -> int:
    """Return the priority of an incident from risk, ban kind, certainty, distance and ETA."""
    if incident_type == IncidentType.PANIC:
        return HIGHEST
    base = _RISK_BASE.get(risk, _UNKNOWN_RISK_BASE) if risk else _UNKNOWN_RISK_BASE
    if incident_type == IncidentType.MASS_OUTAGE:
        return 2
    if incident_type == IncidentType.STRAP_TAMPER:
        return _clamp(min(base + _DEVICE_TYPE_OFFSET[incident_type], TAMPER_AT_MOST))
    if incident_type in _DEVICE_TYPE_OFFSET:
        return _clamp(base + _DEVICE_TYPE_OFFSET[incident_type])
    if not definite:
        base += 1
    if ban_kind == BanKind.PRESENCE:
        base += 1  # away from home at night: serious, but no victim nearby by itself
    if _near(distance_m, eta_min):
        base -= 1
    return _clamp(base)


def _near(distance_m: float | None, eta_min: float | None) -> bool:
    return (distance_m is not None and distance_m <= NEAR_DISTANCE_M) or (
        eta_min is not None and eta_min <= NEAR_ETA_MIN
    )


def _clamp(value: int) -> int:
    return max(HIGHEST, min(LOWEST, value))
