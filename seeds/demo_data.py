"""The demo data set: invented people, real Dutch town centres, one decision per legal basis.

Pure data, no Django import, so the simulator and the tests can read the same
places and keys that `seed_demo` writes. Every person here is made up; the
names are deliberately implausible ("Testhoven", "Voorbeeld") so that nobody
mistakes them for real people. Protected locations are public squares and
town halls, never a home address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

# Seed data keeps fixed dates where the law allows, so `seed_demo` stays idempotent. A ban must also respect
# the term of its legal basis (registry/models/legal.py): 2026-01-05 to 2029-12-31 suits the bases without a
# short maximum; the 90-day gedragsaanwijzing and the one-year strafbeschikking count from the seed day instead.
VALID_FROM = date(2026, 1, 5)
VALID_UNTIL = date(2029, 12, 31)


@dataclass(frozen=True)
class SeedDay:
    """A day counted from the day `seed_demo` runs, for a ban whose legal term is too short for fixed dates."""

    offset: int

    def on(self, today: date) -> date:
        return today + timedelta(days=self.offset)


def resolve(day: date | SeedDay | None, today: date) -> date | None:
    """Return the calendar date of a fixed date or a seed-day offset."""
    return day.on(today) if isinstance(day, SeedDay) else day


@dataclass(frozen=True)
class Place:
    """A public spot in a town centre (a market square or town hall)."""

    name: str
    lat: float
    lon: float


# Town centres: market squares and town halls, taken from public maps.
UTRECHT = Place("Utrecht, Domplein", 52.09074, 5.12167)
AMERSFOORT = Place("Amersfoort, Hof", 52.15640, 5.38780)
ZWOLLE = Place("Zwolle, Grote Markt", 52.51250, 6.09300)
GOUDA = Place("Gouda, Markt (stadhuis)", 52.01150, 4.71050)
HAARLEM = Place("Haarlem, Grote Markt", 52.38120, 4.63680)
DEVENTER = Place("Deventer, Brink", 52.25100, 6.15960)
DELFT = Place("Delft, Markt", 52.01160, 4.35870)
LEEUWARDEN = Place("Leeuwarden, Waagplein", 53.20170, 5.79900)

# A hand-drawn outline roughly following the municipality of Gouda, [lon, lat], closed.
GOUDA_MUNICIPALITY = {
    "type": "Polygon",
    "coordinates": [
        [
            [4.6900, 52.0430],
            [4.7030, 52.0462],
            [4.7160, 52.0440],
            [4.7280, 52.0412],
            [4.7350, 52.0396],
            [4.7430, 52.0372],
            [4.7500, 52.0341],
            [4.7570, 52.0310],
            [4.7640, 52.0252],
            [4.7662, 52.0180],
            [4.7610, 52.0121],
            [4.7520, 52.0082],
            [4.7410, 52.0051],
            [4.7310, 52.0020],
            [4.7220, 51.9981],
            [4.7120, 51.9952],
            [4.7020, 51.9963],
            [4.6940, 51.9990],
            [4.6860, 52.0021],
            [4.6780, 52.0040],
            [4.6700, 52.0062],
            [4.6630, 52.0101],
            [4.6580, 52.0150],
            [4.6570, 52.0210],
            [4.6600, 52.0270],
            [4.6660, 52.0310],
            [4.6720, 52.0352],
            [4.6790, 52.0390],
            [4.6840, 52.0420],
            [4.6900, 52.0430],
        ]
    ],
}

NIGHTLY = [{"days": [0, 1, 2, 3, 4, 5, 6], "start": "22:00", "end": "06:00"}]
WEEKEND_EVENINGS = [{"days": [4, 5], "start": "20:00", "end": "07:00"}]


@dataclass(frozen=True)
class SubjectSpec:
    """A person bound by bans. `key` is the strafrechtketennummer: the seed's natural key."""

    key: str
    given_names: str
    tussenvoegsel: str
    surname: str
    date_of_birth: date
    cjib_reference: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProtectedSpec:
    """A protected person. The address is invented; the coordinates are a town centre."""

    key: str
    given_names: str
    tussenvoegsel: str
    surname: str
    date_of_birth: date
    place: Place
    street: str
    postcode: str
    city: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class BanSpec:
    kind: str  # a registry.models.BanKind value
    protected: tuple[str, ...] = ()
    contact_modes: tuple[str, ...] = ()
    place: Place | None = None
    radius_m: float | None = None  # None: the 5 km default
    polygon: dict | None = None
    time_windows: tuple[dict, ...] = ()
    description: str = ""
    valid_from: date | SeedDay = VALID_FROM
    valid_until: date | SeedDay | None = VALID_UNTIL
    status: str = "active"
    term_justification: str = ""


@dataclass(frozen=True)
class DecisionSpec:
    reference: str
    subject: str
    authority: str  # a registry.models.Authority value
    legal_basis: str  # a registry.models.LegalBasis value
    decision_date: date | SeedDay
    dut: bool = False
    electronic_monitoring: bool = False
    sash_risk: str = ""
    bans: tuple[BanSpec, ...] = field(default_factory=tuple)


SUBJECTS = (
    SubjectSpec("SKN-DEMO-0001", "Joris", "van der", "Testhoven", date(1984, 3, 14), "CJIB-DEMO-1001"),
    SubjectSpec("SKN-DEMO-0002", "Sjoerd", "de", "Proefmaker", date(1979, 11, 2), aliases=("Sjors Proefmaker",)),
    SubjectSpec("SKN-DEMO-0003", "Kevin", "van 't", "Fictief", date(1991, 7, 30)),
    SubjectSpec("SKN-DEMO-0004", "Mehmet", "", "Öztürk-Demonstratie", date(1988, 1, 9), "CJIB-DEMO-1004"),
    SubjectSpec("SKN-DEMO-0005", "Thijs", "in 't", "Veld-Namaak", date(1995, 5, 21)),
    SubjectSpec("SKN-DEMO-0006", "Ruud", "den", "Oefenaar", date(1969, 9, 3)),
    SubjectSpec("SKN-DEMO-0007", "Dennis", "", "Verzinsel", date(1999, 12, 24), aliases=("Denny Verzinsel",)),
    SubjectSpec("SKN-DEMO-0008", "Bram", "ter", "Voorbeeldt", date(1982, 4, 1)),
)

PROTECTED = (
    ProtectedSpec(
        "Hümeyra Çelik-Voorbeeld", "Hümeyra", "", "Çelik-Voorbeeld", date(1987, 6, 12), UTRECHT,
        "Verzonnenstraat 1", "3511 AA", "Utrecht", "06-00000001", "humeyra@voorbeeld.invalid",
    ),
    ProtectedSpec(
        "Anouk van den Proefhuizen", "Anouk", "van den", "Proefhuizen", date(1990, 2, 28), AMERSFOORT,
        "Demolaan 2", "3811 AA", "Amersfoort", "06-00000002",
    ),
    ProtectedSpec(
        "Eline de Fictiefstra", "Eline", "de", "Fictiefstra", date(1993, 10, 5), GOUDA,
        "Testgracht 3", "2801 AA", "Gouda", email="eline@voorbeeld.invalid",
    ),
    ProtectedSpec(
        "Saskia Verzonnen-Blœm", "Saskia", "", "Verzonnen-Blœm", date(1975, 8, 17), HAARLEM,
        "Nepweg 4", "2011 AA", "Haarlem", "06-00000004",
    ),
    ProtectedSpec(
        "Noor el Amrani-Testbeeld", "Noor", "el", "Amrani-Testbeeld", date(2001, 3, 3), ZWOLLE,
        "Proefplein 5", "8011 AA", "Zwolle", "06-00000005",
    ),
    ProtectedSpec(
        "Fenna ten Voorbeeldhuis", "Fenna", "ten", "Voorbeeldhuis", date(1984, 12, 1), DELFT,
        "Bedachtsingel 6", "2611 AA", "Delft", "06-00000006",
    ),
    ProtectedSpec(
        "Zoë Maréchal-Demo", "Zoë", "", "Maréchal-Demo", date(1998, 4, 19), LEEUWARDEN,
        "Fictiekade 7", "8911 AA", "Leeuwarden", "06-00000007",
    ),
)  # fmt: skip

DECISIONS = (
    # The approach scenario: a gedragsaanwijzing, so arrest is possible when caught in the act. It runs its
    # first 90 days (art. 509hh Sv): 30 days before the seed day to 60 days after.
    DecisionSpec(
        "DEMO-OM-2026-0001", "SKN-DEMO-0001", "om", "gedragsaanwijzing", SeedDay(-31),
        dut=True, electronic_monitoring=True, sash_risk="high",
        bans=(
            BanSpec("area", protected=("Hümeyra Çelik-Voorbeeld",), place=UTRECHT,
                    description="5 km rond de woning van de beschermde persoon (Utrecht)",
                    valid_from=SeedDay(-30), valid_until=SeedDay(60)),
            BanSpec("contact", protected=("Hümeyra Çelik-Voorbeeld",), contact_modes=("direct", "indirect", "online"),
                    valid_from=SeedDay(-30), valid_until=SeedDay(60)),
        ),
    ),
    # The jitter scenario walks along this zone's boundary. A one-year proeftijd (art. 257a Sv).
    DecisionSpec(
        "DEMO-OM-2026-0002", "SKN-DEMO-0002", "om", "strafbeschikking", SeedDay(-33),
        electronic_monitoring=True, sash_risk="medium",
        bans=(
            BanSpec("area", protected=("Anouk van den Proefhuizen",), place=AMERSFOORT,
                    description="5 km rond de woning van de beschermde persoon (Amersfoort)",
                    valid_from=SeedDay(-30), valid_until=SeedDay(335)),
            BanSpec("contact", protected=("Anouk van den Proefhuizen",), contact_modes=("direct", "online"),
                    valid_from=SeedDay(-30), valid_until=SeedDay(335)),
        ),
    ),
    # A three-year proeftijd, the standard maximum (art. 14c Sr).
    DecisionSpec(
        "DEMO-RB-2026-0003", "SKN-DEMO-0003", "court", "bijzondere_voorwaarde", date(2025, 12, 18),
        electronic_monitoring=True, sash_risk="medium",
        bans=(
            BanSpec("area", protected=("Eline de Fictiefstra",), polygon=GOUDA_MUNICIPALITY,
                    description="de gemeente Gouda", valid_until=date(2029, 1, 5)),
            BanSpec("contact", protected=("Eline de Fictiefstra",), contact_modes=("direct", "indirect", "online"),
                    valid_until=date(2029, 1, 5)),
        ),
    ),
    # A night-time presence obligation: at home (here: a stand-in town-centre point) 22:00-06:00.
    DecisionSpec(
        "DEMO-OM-2026-0004", "SKN-DEMO-0004", "om", "voorwaardelijke_invrijheidstelling", date(2025, 12, 22),
        electronic_monitoring=True, sash_risk="low",
        bans=(
            BanSpec("presence", place=DEVENTER, radius_m=250.0, time_windows=tuple(NIGHTLY),
                    description="'s nachts (22:00-06:00) thuis in Deventer"),
        ),
    ),
    # A night-only area ban: Friday and Saturday evenings and nights in Haarlem.
    DecisionSpec(
        "DEMO-HOF-2026-0005", "SKN-DEMO-0005", "court_of_appeal", "vrijheidsbeperkende_maatregel",
        date(2025, 11, 27), sash_risk="medium", electronic_monitoring=True,
        bans=(
            BanSpec("area", protected=("Saskia Verzonnen-Blœm",), place=HAARLEM, time_windows=tuple(WEEKEND_EVENINGS),
                    description="5 km rond de woning (Haarlem), vrijdag- en zaterdagavond en -nacht"),
            BanSpec("contact", protected=("Saskia Verzonnen-Blœm",), contact_modes=("direct",)),
        ),
    ),
    # The silent-device scenario's subject.
    DecisionSpec(
        "DEMO-RB-2026-0006", "SKN-DEMO-0006", "court", "schorsing_voorlopige_hechtenis", date(2026, 1, 4),
        dut=True, electronic_monitoring=True, sash_risk="high",
        bans=(
            BanSpec("area", protected=("Noor el Amrani-Testbeeld",), place=ZWOLLE,
                    description="5 km rond de woning van de beschermde persoon (Zwolle)"),
            BanSpec("contact", protected=("Noor el Amrani-Testbeeld",), contact_modes=("direct", "indirect", "online")),
        ),
    ),
    # A mayor's ten-day house ban, long over: it shows how ended bans look. It covers the home (art. 1 Wth).
    DecisionSpec(
        "DEMO-BGM-2026-0007", "SKN-DEMO-0007", "mayor", "tijdelijk_huisverbod", date(2026, 2, 6), dut=True,
        bans=(
            BanSpec("area", protected=("Fenna ten Voorbeeldhuis",), place=DELFT, radius_m=250.0,
                    description="de woning en de directe omgeving (Delft)", valid_from=date(2026, 2, 6),
                    valid_until=date(2026, 2, 16), status="ended"),
            BanSpec("contact", protected=("Fenna ten Voorbeeldhuis",), contact_modes=("direct", "indirect", "online"),
                    valid_from=date(2026, 2, 6), valid_until=date(2026, 2, 16), status="ended"),
        ),
    ),
    # The tamper scenario's subject: a civil-court ban, so a violation is reported, not an arrest.
    DecisionSpec(
        "DEMO-CIV-2026-0008", "SKN-DEMO-0008", "civil_court", "civiel_verbod", date(2025, 10, 14),
        electronic_monitoring=True, sash_risk="low",
        bans=(
            BanSpec("area", protected=("Zoë Maréchal-Demo",), place=LEEUWARDEN, radius_m=2000.0,
                    description="2 km rond de woning (Leeuwarden)"),
            BanSpec("contact", protected=("Zoë Maréchal-Demo",), contact_modes=("direct", "online")),
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class UserSpec:
    username: str
    password: str
    role: str  # a registry.roles.Role value; "" for the superuser
    description: str
    superuser: bool = False


# Demo passwords are public on purpose: `seed_demo` refuses to run unless BANWATCH_DEMO is true.
USERS = (
    UserSpec("griffier", "demo-griffier", "registrar", "registrar (OM/CJIB): API, import, beheer"),
    UserSpec("agent", "demo-agent", "police_officer", "politieagent op straat: /politie/"),
    UserSpec("operator", "demo-operator", "monitoring_operator", "meldkamer enkelbanden: /monitor/"),
    UserSpec("supervisor", "demo-supervisor", "supervisor", "leidinggevende: auditlog"),
    UserSpec("leverancier", "demo-leverancier", "device_feed", "enkelbandleverancier: feed-API"),
    UserSpec("meldkamer", "demo-meldkamer", "police_dispatch", "politiemeldkamer: bevestigt meldingen"),
    UserSpec("admin", "demo-admin", "", "beheerder: /admin/ (alle rechten)", superuser=True),
)


@dataclass(frozen=True)
class VendorSpec:
    name: str
    slug: str
    api_key: str  # "<8-character prefix>.<secret>", as the feed API expects; stored hashed


@dataclass(frozen=True)
class DeviceSpec:
    serial: str
    vendor: str
    model: str
    subject: str  # SubjectSpec.key of the wearer from VALID_FROM on
    home: Place  # where the wearer idles when no scenario moves him (a village centre, not an address)


DEMO_VENDOR = VendorSpec("Enkelband Demo B.V.", "enkelband-demo", "demo0001.openbare-demosleutel-enkelband-demo-bv")
VENDORS = (DEMO_VENDOR,)

# One ankle monitor per monitored subject; the scenarios drive the first four.
DEVICE_APPROACH = "DEMO-EB-0001"
DEVICE_JITTER = "DEMO-EB-0002"
DEVICE_SILENT = "DEMO-EB-0006"
DEVICE_TAMPER = "DEMO-EB-0008"
DEVICES = (
    DeviceSpec(DEVICE_APPROACH, DEMO_VENDOR.name, "EB-3000", "SKN-DEMO-0001", Place("Maarssen", 52.13850, 5.03350)),
    DeviceSpec(DEVICE_JITTER, DEMO_VENDOR.name, "EB-3000", "SKN-DEMO-0002", Place("Barneveld", 52.14000, 5.58500)),
    DeviceSpec("DEMO-EB-0003", DEMO_VENDOR.name, "EB-3000", "SKN-DEMO-0003", Place("Alphen", 52.12900, 4.65700)),
    # This wearer's home stands in at the centre of his own presence-obligation zone.
    DeviceSpec("DEMO-EB-0004", DEMO_VENDOR.name, "EB-2100", "SKN-DEMO-0004", DEVENTER),
    DeviceSpec("DEMO-EB-0005", DEMO_VENDOR.name, "EB-2100", "SKN-DEMO-0005", Place("Hoofddorp", 52.30300, 4.68900)),
    DeviceSpec(DEVICE_SILENT, DEMO_VENDOR.name, "EB-3000", "SKN-DEMO-0006", Place("Kampen", 52.55500, 5.91100)),
    DeviceSpec(DEVICE_TAMPER, DEMO_VENDOR.name, "EB-2100", "SKN-DEMO-0008", Place("Sneek", 53.03250, 5.66000)),
)


def device_homes() -> dict[str, tuple[float, float]]:
    return {d.serial: (d.home.lat, d.home.lon) for d in DEVICES}
