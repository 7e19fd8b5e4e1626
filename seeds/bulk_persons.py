"""Bulk synthetic persons and bans for benchmarks: invented Dutch-style names, loaded with COPY.

Names are built from syllable lists, so they are made up; a few carry
diacritics or tussenvoegsels, some persons have aliases. Everything is
deterministic for a given seed. Use on an empty benchmark database only:
`load(conninfo, persons=1_000_000, bans=1_200_000)`.
"""

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

import psycopg

from registry.names import alias_keys, full_name_key, surname_key

GIVEN_ONSETS = (
    "Aar Ad Ank Ans Ar Bas Bep Ber Bram Daan Dirk Door Ee Ger Gijs Han Hen Ine Jan Jet Joost Kees Klaas "
    "Lies Lot Lu Maar Mar Mees Niek Noor Pie Rin Roel Saar Sas Sien Stijn Teun Thijs Wil Wout Zo"
).split()
GIVEN_ENDINGS = ["", "", "je", "ke", "loes", "ina", "ien", "us", "ard", "rik", "tje", "da", "ma", "mijn", "nout"]
SURNAME_ONSETS = (
    "Bak Ber Blom Bos Brak Brin Dek Dor Dui Elz Gel Groot Ham Harm Hees Hol Hoog Hui Jans Kal Kam Klo Kop "
    "Kui Lan Leeu Lin Maas Mee Mol Mul Nij Oos Pie Ploe Poel Raa Rijn Roo Scha Schel Smee Spek Stam Ten "
    "Tim Veen Ver Vis Vlie Vos Wal Wes Wij Zan Zee Zwa"
).split()
SURNAME_MIDDLES = "be de ke le me ne re se te ge ver der ker".split()
SURNAME_ENDINGS = (
    "berg brink dijk donk feld gaard hof horst huis ink kamp land man meer sma stra veld vliet voort weg "
    "wijk sen ssen ma ing hout"
).split()
# Invented-by-combination names need company: common Dutch and Moroccan/Turkish-Dutch surnames
# and given names, with the spellings officers mishear (ij/y, kh/ch, Mohammed/Muhammad).
COMMON_SURNAMES = (
    "Meijer Mulder Smit Bakker Visser Dekker Brouwer Hendriks Verhoeven Schouten Kok Kuipers Jacobs Post "
    "El-Amrani El-Khatib Bouzid Ouali Yilmaz Kaya Demir Benali Chaouch Haddou"
).split()
COMMON_GIVEN = "Mohammed Mustafa Youssef Ahmed Fatima Khadija Mehmet Ayse Sophie Lucas Daan Emma Bram".split()
TUSSENVOEGSELS = ["van", "de", "van de", "van der", "van den", "den", "ter", "ten", "op de", "in 't", "'t"]
DIACRITICS = {"e": "ë", "i": "ï", "u": "ü", "o": "ö", "c": "ç", "a": "á"}
BAN_KINDS = ["contact", "area", "presence"]
LEGAL_BASES = [
    "gedragsaanwijzing",
    "strafbeschikking",
    "bijzondere_voorwaarde",
    "voorwaardelijke_invrijheidstelling",
    "vrijheidsbeperkende_maatregel",
    "schorsing_voorlopige_hechtenis",
    "tijdelijk_huisverbod",
    "civiel_verbod",
]


@dataclass
class SyntheticPerson:
    given_names: str
    tussenvoegsel: str
    surname: str
    date_of_birth: date
    bsn: str
    strafrechtketennummer: str
    cjib_reference: str


def _zipf_cumulative(n: int, exponent: float = 0.5) -> list[float]:
    return list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


class NameMaker:
    """Draw invented names; common syllables are drawn more often, as with real surnames."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.onset_w = _zipf_cumulative(len(SURNAME_ONSETS))
        self.ending_w = _zipf_cumulative(len(SURNAME_ENDINGS))

    def given(self) -> str:
        names = [self._given_one() for _ in range(1 if self.rng.random() < 0.7 else 2)]
        return self._maybe_accent(" ".join(names))

    def _given_one(self) -> str:
        if self.rng.random() < 0.05:
            return self.rng.choice(COMMON_GIVEN)
        return self.rng.choice(GIVEN_ONSETS) + self.rng.choice(GIVEN_ENDINGS)

    def surname(self) -> str:
        name = self._surname_one()
        if self.rng.random() < 0.03:
            name += "-" + self._surname_one()
        return self._maybe_accent(name)

    def _surname_one(self) -> str:
        if self.rng.random() < 0.02:
            return self.rng.choice(COMMON_SURNAMES).replace("-", " ")
        onset = self.rng.choices(SURNAME_ONSETS, cum_weights=self.onset_w)[0]
        middle = self.rng.choice(SURNAME_MIDDLES) if self.rng.random() < 0.35 else ""
        return onset + middle + self.rng.choices(SURNAME_ENDINGS, cum_weights=self.ending_w)[0]

    def tussenvoegsel(self) -> str:
        return self.rng.choice(TUSSENVOEGSELS) if self.rng.random() < 0.3 else ""

    def _maybe_accent(self, name: str) -> str:
        if self.rng.random() >= 0.08:
            return name
        spots = [i for i, ch in enumerate(name) if ch in DIACRITICS and i > 0]
        if not spots:
            return name
        i = self.rng.choice(spots)
        return name[:i] + DIACRITICS[name[i]] + name[i + 1 :]


def bsn_numbers() -> Iterator[str]:
    """Yield unique BSNs that pass the elfproef."""
    prefix = 10_000_000
    while True:
        prefix += 1
        digits = [int(d) for d in f"{prefix:08d}"]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            yield f"{prefix:08d}{check}"


def persons(count: int, seed: int = 20261128) -> Iterator[SyntheticPerson]:
    rng = random.Random(seed)
    names = NameMaker(rng)
    bsns = bsn_numbers()
    first_day = date(1950, 1, 1).toordinal()
    for i in range(count):
        yield SyntheticPerson(
            given_names=names.given(),
            tussenvoegsel=names.tussenvoegsel(),
            surname=names.surname(),
            date_of_birth=date.fromordinal(first_day + rng.randrange(58 * 365)),
            bsn=next(bsns) if rng.random() < 0.8 else "",
            strafrechtketennummer=f"SKN-{i + 1:08d}" if rng.random() < 0.6 else "",
            cjib_reference=f"{9_000_000_000_000_000 + i}" if rng.random() < 0.5 else "",
        )


def load(conninfo: str, persons_count: int, bans_count: int, now: datetime | None = None, seed: int = 1) -> None:
    """Empty the registry tables and fill them with synthetic persons, aliases, decisions and bans."""
    now = now or datetime.now(UTC)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE registry_ban_protected_persons, registry_ban, registry_decision, registry_personalias, "
            "registry_person RESTART IDENTITY CASCADE"
        )
        dropped = _drop_secondary_indexes(conn, ["registry_person", "registry_personalias", "registry_ban"])
        _copy_persons(conn, persons_count, now)
        _copy_aliases(conn, persons_count, random.Random(seed))
        _copy_decisions_and_bans(conn, persons_count, bans_count, now, random.Random(seed + 1))
        for statement in dropped:
            conn.execute(statement)
        # VACUUM too: it marks the pages all-visible, so the lookup's covering index is read without the table.
        conn.execute("VACUUM ANALYZE")


def _drop_secondary_indexes(conn, tables: list[str]) -> list[str]:
    # Building indexes once after COPY is many times faster than maintaining them row by row.
    rows = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (tables,),
    ).fetchall()
    for name, _definition in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _copy_persons(conn, count: int, now: datetime) -> None:
    columns = "given_names, tussenvoegsel, surname, date_of_birth, bsn, strafrechtketennummer, cjib_reference, "
    columns += "name_key, surname_key, created_at, updated_at"
    with conn.cursor().copy(f"COPY registry_person ({columns}) FROM STDIN") as copy:
        for p in persons(count):
            surname = surname_key(f"{p.tussenvoegsel} {p.surname}")
            keys = (full_name_key(p.given_names, p.tussenvoegsel, p.surname), surname)
            copy.write_row(
                (p.given_names, p.tussenvoegsel, p.surname, p.date_of_birth, p.bsn, p.strafrechtketennummer)
                + (p.cjib_reference,)
                + keys
                + (now, now)
            )


def _copy_aliases(conn, persons_count: int, rng: random.Random) -> None:
    names = NameMaker(rng)
    with conn.cursor().copy("COPY registry_personalias (person_id, name, name_key, last_word) FROM STDIN") as copy:
        for person_id in range(1, persons_count + 1):
            if rng.random() < 0.05:
                alias = f"{names.given()} {names.surname()}"
                copy.write_row((person_id, alias, *alias_keys(alias)))


def _copy_decisions_and_bans(conn, persons_count: int, bans_count: int, now: datetime, rng: random.Random) -> None:
    decisions = "person_id, authority, legal_basis, reference, decision_date, dut, electronic_monitoring, sash_risk, "
    decisions += "version, created_at, updated_at"
    owners = [1 + (i if i < persons_count else rng.randrange(persons_count)) for i in range(bans_count)]
    with conn.cursor().copy(f"COPY registry_decision ({decisions}) FROM STDIN") as copy:
        for i, person_id in enumerate(owners):
            basis = rng.choice(LEGAL_BASES)
            copy.write_row(
                (person_id, "om", basis, f"BENCH-{i + 1:08d}", (now - timedelta(days=100)).date())
                + (rng.random() < 0.3, rng.random() < 0.2, rng.choice(["low", "medium", "high", ""]), 1, now, now)
            )
    ban_columns = "decision_id, person_id, kind, status, valid_from, valid_until, contact_modes, zone_shape, "
    ban_columns += "centre_lat, centre_lon, radius_m, time_windows, zone_description, term_justification, version, "
    ban_columns += "created_at, updated_at"
    with conn.cursor().copy(f"COPY registry_ban ({ban_columns}) FROM STDIN") as copy:
        for i, person_id in enumerate(owners):
            copy.write_row(_ban_row(i + 1, person_id, now, rng))


def _ban_row(decision_id: int, person_id: int, now: datetime, rng: random.Random) -> tuple:
    kind = rng.choices(BAN_KINDS, [5, 4, 1])[0]
    status, valid_from, valid_until = _ban_validity(now, rng)
    zoned = kind != "contact"
    return (
        (decision_id, person_id, kind, status, valid_from, valid_until)
        + (json.dumps(["direct", "indirect", "online"] if kind == "contact" else []), "circle" if zoned else "")
        + ((52.0 + rng.random(), 4.5 + rng.random() * 2) if zoned else (None, None))
        + ((5000.0 if zoned else None), json.dumps([]), "", "", 1, now, now)
    )


def _ban_validity(now: datetime, rng: random.Random) -> tuple[str, datetime, datetime | None]:
    day = timedelta(days=1)
    roll = rng.random()
    if roll < 0.70:
        return "active", now - rng.randrange(1, 700) * day, (now + rng.randrange(1, 700) * day) if roll < 0.6 else None
    if roll < 0.80:
        return "active", now - 900 * day, now - rng.randrange(1, 30) * day
    if roll < 0.90:
        return "ended", now - 1500 * day, now - rng.randrange(31, 900) * day
    if roll < 0.95:
        return "active", now + rng.randrange(1, 30) * day, now + 400 * day
    return "suspended", now - 100 * day, now + 200 * day
