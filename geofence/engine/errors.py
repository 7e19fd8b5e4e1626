"""Errors the engine raises, each carrying what a caller needs to fix the input."""


class EngineError(Exception):
    """Base class for every error raised by the geofence engine."""


class UnsupportedArea(EngineError, ValueError):
    """A coordinate lies outside the area where the engine's bounds hold."""

    def __init__(self, index: int, lat: float, lon: float, what: str = "fix") -> None:
        self.index = index
        self.lat = lat
        self.lon = lon
        self.what = what
        super().__init__(
            f"{what} {index} at lat={lat!r}, lon={lon!r} is outside the supported area (lat 34..72, lon -25..45)"
        )


class InvalidZone(EngineError, ValueError):
    """A zone definition cannot be used; `field` and `reason` say why."""

    def __init__(self, reason: str, field: str = "geometry") -> None:
        self.reason = reason
        self.field = field
        super().__init__(f"{field}: {reason}")


class InvalidTimeWindow(InvalidZone):
    """A weekly time window is malformed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, field="windows")


class InvalidFix(EngineError, ValueError):
    """A fix has a value the engine cannot judge (e.g. negative accuracy)."""

    def __init__(self, index: int, field: str, value: object, reason: str) -> None:
        self.index = index
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"fix {index}: {field}={value!r} {reason}")
