"""The facts of a ban that a victim letter states.

A letter is current while these facts are unchanged. Comparing the stored
snapshot with the ban's present state finds every change that matters to the
victim (zone, dates, status, DUT, ...) however the ban was changed: through
the registrar API, an import, the admin or a bulk update.
"""

from datetime import UTC, datetime

from registry.models import Ban, BanKind, ZoneShape


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def victim_snapshot(ban: Ban) -> dict:
    """Return the facts of the ban that its victim letter states."""
    decision = ban.decision
    snapshot = {
        "kind": ban.kind,
        "status": ban.status,
        "valid_from": _iso(ban.valid_from),
        "valid_until": _iso(ban.valid_until),
        "reference": decision.reference,
        "authority": decision.authority,
        "legal_basis": decision.legal_basis,
        "dut": decision.dut,
    }
    if ban.kind == BanKind.CONTACT:
        snapshot["contact_modes"] = sorted(ban.contact_modes or [])
    if ban.has_zone:
        snapshot.update(
            zone_shape=ban.zone_shape,
            centre=[_round(ban.centre_lat), _round(ban.centre_lon)],
            radius_m=ban.effective_radius_m if ban.zone_shape != ZoneShape.POLYGON else None,
            zone_geojson=ban.zone_geojson,
            time_windows=ban.time_windows or [],
            zone_description=ban.zone_description,
        )
    return snapshot


def _round(value: float | None) -> float | None:
    # A metre is about 1e-5 degrees: six decimals ignore float noise, not real moves.
    return round(value, 6) if value is not None else None
