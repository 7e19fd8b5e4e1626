"""The vocabulary of the detection drill: stories and expectations as small frozen dataclasses.

A scenario is a small story told through the HTTP API only: the bans it needs (saved by the registrar before the
story or during it), the fixes and events its devices send, operator actions on the monitor, and what must (and
must not) come out on the police queue, on the monitoring centre's board and in the feed's answers.

Times are seconds after the story's start. A fix's or event's `t` is its event time (the `ts` it carries); `send` is
when it is posted (by default `t`: a live device). Items with the same device and `send` go in one batch, in the
order listed. Positions are metres and a bearing from a reference: a ban's zone centre or a victim's home.

Nothing here imports Django or the product: a reviewer can read and check the scenarios on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Police priority bands: urgent is priority 1-2 (docs/alert-message.schema.json: 1 is the most urgent).
URGENT, ROUTINE, ANY = "urgent", "routine", "any"
BANDS = {URGENT: (1, 2), ROUTINE: (3, 4, 5), ANY: (1, 2, 3, 4, 5)}

# Incident types as the police message names them.
ZONE, PRESENCE = "zone_violation", "presence_violation"
SILENT, TAMPER, PANIC, BATTERY = "device_silent", "strap_tamper", "panic", "battery_critical"
# Expected by the specification, not yet in the message schema: "protection interrupted" (a distance ban that
# cannot be judged because the victim unit gives no recent position).
PROTECTION = "protection_interrupted"

OPENED, ESCALATED, CLOSED = "opened", "escalated", "closed"
DEFINITE, POSSIBLE = "definite", "possible"
# The incident detail that says it opened on a fix that arrived late (the specification's "marked late").
LATE_DETAIL = "late"


@dataclass(frozen=True)
class Pos:
    """A point `metres` from the reference along `bearing` (degrees from north)."""

    metres: float
    bearing: float = 0.0
    ref: str = "b1"  # a ban key (its zone centre) or a victim key (the home)


@dataclass(frozen=True)
class Window:
    """A ban's weekly time window, placed relative to the story's start when the drill runs.

    `around`: in force from an hour before the story to three hours after; `opens`: from the first whole minute at
    least `after` seconds into the story; `closes`: in force until that minute; `later`: starts hours later.
    """

    how: str  # around | opens | closes | later
    after: float = 0.0


@dataclass(frozen=True)
class Ban:
    subject: str = "s1"
    kind: str = "area"  # area | presence | contact
    shape: str = "circle"  # circle | polygon | "" (contact ban)
    radius_m: float | None = 5000.0
    risk: str = "high"  # SASH risk of the decision: high | medium | low | "" (unscreened)
    victims: tuple[str, ...] = ()
    window: Window | None = None
    centre: Pos | None = None  # from the scenario's centre; default the centre itself
    half_side_m: float = 3000.0  # polygon: a square this far from its centre to each side
    saved: float | None = None  # None: saved before the story; else POST /api/v1/bans at this story time


@dataclass(frozen=True)
class Victim:
    unit: bool = False  # wears a victim unit (its position makes a distance ban's moving zone)
    home: Pos | None = None  # from the scenario's centre


@dataclass(frozen=True)
class Fix:
    t: float
    at: Pos
    device: str = "s1"
    acc: float = 5.0
    send: float | None = None

    @property
    def sent(self) -> float:
        return self.t if self.send is None else self.send


@dataclass(frozen=True)
class Event:
    t: float
    type: str
    device: str = "s1"
    battery_pct: int | None = None
    send: float | None = None

    @property
    def sent(self) -> float:
        return self.t if self.send is None else self.send


@dataclass(frozen=True)
class SaveBan:
    """The registrar saves the ban (POST /api/v1/bans, answered 201).

    The steps after it are sent as long after the 201 as the story says (their event times stay as written).
    """

    sent: float
    ban: str = "b1"


@dataclass(frozen=True)
class Operate:
    """An operator acts on the ban's open incident on the monitor (its JSON API, with the version seen)."""

    sent: float
    action: str = "close"  # close | acknowledge
    ban: str = "b1"
    outcome: str = "violation_confirmed"


@dataclass(frozen=True)
class Silence:
    """The device stops reporting: no more heartbeats from now on."""

    sent: float
    device: str


@dataclass(frozen=True)
class Alert:
    """`count` police alerts that must arrive (exactly that many) with these facts."""

    type: str = ZONE
    change: tuple[str, ...] = (OPENED,)
    count: int = 1
    verdict: str | None = DEFINITE  # None: not checked
    band: str = URGENT
    about: str = "b1"  # a ban key (message ban.id) or a device key (message device.id)
    opened_at: float | str | None = None  # event time of the fix it opens at; "window:b1": first fix in its window
    late: bool = False  # the incident is marked late (LATE_DETAIL)
    not_before: float | None = None  # the fix that caused it (the message's last fix) is no earlier than this
    position: bool = False  # the message carries the device's last position


@dataclass(frozen=True)
class Allow:
    """Alerts that may arrive without counting as extra (the specification leaves them open)."""

    type: str
    band: str = ANY
    about: str | None = None


@dataclass(frozen=True)
class Centre:
    """An incident the monitoring centre must see on its board for the subject (open or closed)."""

    kind: str  # approach | protection | any: matched against the incident type
    subject: str = "s1"


@dataclass(frozen=True)
class Answer:
    """What the feed must say to the batch the device sends at `sent`."""

    sent: float
    check: str  # conflicting_duplicate | all_duplicates | future_timestamp | all_accepted
    device: str = "s1"


@dataclass(frozen=True)
class Scenario:
    name: str
    group: str
    story: str
    bans: dict[str, Ban]
    steps: tuple
    expect: tuple[Alert, ...] = ()
    allow: tuple[Allow, ...] = ()
    centre: tuple[Centre, ...] = ()
    answers: tuple[Answer, ...] = ()
    victims: dict[str, Victim] = field(default_factory=dict)
    until: float = 0.0  # the story lasts at least this long (e.g. until a silence must have been noticed)
    quick: bool = False  # part of the CI drill

    @property
    def subjects(self) -> list[str]:
        return sorted({b.subject for b in self.bans.values()})

    @property
    def devices(self) -> list[str]:
        return self.subjects + [k for k, v in sorted(self.victims.items()) if v.unit]

    @property
    def duration(self) -> float:
        return max([self.until, *(getattr(s, "sent", 0.0) for s in self.steps)])


def line(t0: float, dt: float, metres, *, ref="b1", bearing=0.0, acc=5.0, device="s1", send=None) -> tuple[Fix, ...]:
    """Return fixes every `dt` seconds from `t0` at these distances from the reference."""
    return tuple(Fix(t0 + k * dt, Pos(m, bearing, ref), device, acc, send) for k, m in enumerate(metres))


def sent_at(fixes, send: float) -> tuple[Fix, ...]:
    """Return the same fixes, all posted in one batch at `send` (a buffered device, or a resend)."""
    return tuple(Fix(f.t, f.at, f.device, f.acc, send) for f in fixes)
