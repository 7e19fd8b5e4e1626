"""Parse what an officer typed: a Dutch name in any order, or an identifier."""

import re
from dataclasses import dataclass, field

from registry.names import TUSSENVOEGSELS, fold

# Only the first few words are used: enough for "Jan Pieter de Vries-Jansen", bounded for speed.
MAX_WORDS = 5
# Keys this short get no typo tolerance: one edit would make too many other names.
MIN_FUZZY_LENGTH = 4
# Tussenvoegsels typed glued to the surname ("vanDijk", "Vanderberg", "opdeBerg", "in'tVeld"), longest first.
GLUED_PREFIXES = (
    "vanden", "vander", "vande", "van", "opden", "opde", "inden", "inde", "int", "den", "der", "ter", "ten", "de",
)  # fmt: skip
GLUED_PENALTY = 30
# Dates of birth as typed: the Dutch way (08-06-2001, 8-6-2001, 08.06.2001, 08/06/2001) and ISO.
DOB_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d%m%Y"]
# "v.d.", "v/d", "vd": abbreviated "van der"/"van den", read as the words so they are dropped like them.
_ABBREVIATED_PREFIX = re.compile(r"(?i)(?<![^\W\d_])v\s*[./]\s*d\b\.?|(?<![^\W\d_])vd\b")
_INITIALS = re.compile(r"(?<![^\W\d_])([^\W\d_])\.")
_SEPARATORS = re.compile(r"[\s.\-/]")


class IdentifierKind:
    BSN = "bsn"
    STRAFRECHTKETENNUMMER = "strafrechtketennummer"
    CJIB = "cjib"


@dataclass(frozen=True)
class Identifier:
    raw: str
    kind: str
    values: tuple[str, ...]
    checksum_ok: bool = True


@dataclass(frozen=True)
class Hypothesis:
    """One reading of the query: this part is the surname key, the rest are given names."""

    surname: str
    given: tuple[str, ...]
    # Subtracted from the score when this reading needed a repair (e.g. "vanDijk" read as "van Dijk").
    penalty: int = 0


@dataclass(frozen=True)
class NameQuery:
    raw: str
    words: tuple[str, ...]
    initials: tuple[str, ...]
    hypotheses: tuple[Hypothesis, ...] = field(default=())

    @property
    def single_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.surname for h in self.hypotheses if " " not in h.surname))

    @property
    def surname_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.surname for h in self.hypotheses))


def looks_like_identifier(text: str) -> bool:
    """Return True for a number or code: mostly digits ("SKN-2026-0012"), or letters and digits mixed in one word.

    Names hold no digits; "AB12CD34" is a reference, "Jan 2" a name with a stray digit.
    """
    compact = _SEPARATORS.sub("", text.strip())
    if not compact.isalnum():
        return False
    digits = sum(ch.isdigit() for ch in compact)
    mixed = any(_has_letter_and_digit(word) for word in _SEPARATORS.sub(" ", text).split())
    return digits > 0 and (digits * 2 >= len(compact) or mixed)


def _has_letter_and_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)


def parse_identifier(text: str) -> Identifier:
    """Return the identifier with the spellings to try; the kind is a hint, all fields are searched."""
    raw = text.strip()
    compact = _SEPARATORS.sub("", raw).upper()
    values = tuple(dict.fromkeys(v for v in (raw, raw.upper(), compact) if v))
    if compact.isdigit() and len(compact) == 9:
        return Identifier(raw, IdentifierKind.BSN, values, checksum_ok=bsn_checksum_ok(compact))
    if compact.startswith("CJIB") or (compact.isdigit() and len(compact) == 16):
        return Identifier(raw, IdentifierKind.CJIB, values)
    return Identifier(raw, IdentifierKind.STRAFRECHTKETENNUMMER, values)


def bsn_checksum_ok(bsn: str) -> bool:
    """Return True when the BSN passes the elfproef (weights 9..2 and -1)."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(bsn, weights, strict=True)) % 11 == 0


def parse_name(text: str) -> NameQuery:
    """Return the folded words, initials and surname hypotheses of a typed name.

    "Vries, de, J." and "J. de Vries" and "de Vries" all lead to surname key "vries".
    Without a comma every run of words may be the surname ("Vries Jan" is common on the street).
    """
    text = _ABBREVIATED_PREFIX.sub(" van der ", text)
    if "," in text:
        surname_part, rest = text.split(",", 1)
        surname_words, _ = _words(surname_part)
        given_words, initials = _words(rest)
        hypotheses = _comma_hypotheses(surname_words[:MAX_WORDS], given_words)
        return NameQuery(text, surname_words + given_words, initials, hypotheses)
    words, initials = _words(text)
    words = words[:MAX_WORDS]
    return NameQuery(text, words, initials, _run_hypotheses(words) + _glued_hypotheses(words))


def _words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    initials = [fold(m) for m in _INITIALS.findall(text)]
    words = []
    for word in fold(_INITIALS.sub(" ", text)).split():
        if word in TUSSENVOEGSELS:
            continue
        (initials if len(word) == 1 else words).append(word)
    return tuple(words), tuple(initials)


def _comma_hypotheses(surname_words: tuple[str, ...], given: tuple[str, ...]) -> tuple[Hypothesis, ...]:
    if not surname_words:
        return _run_hypotheses(given)
    found = [Hypothesis(" ".join(surname_words), given)]
    if len(surname_words) > 1:
        found += [Hypothesis(w, given) for w in surname_words]
    return tuple(found)


def _run_hypotheses(words: tuple[str, ...]) -> tuple[Hypothesis, ...]:
    found = []
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            found.append(Hypothesis(" ".join(words[start:end]), words[:start] + words[end:]))
    return tuple(found)


def _glued_hypotheses(words: tuple[str, ...]) -> tuple[Hypothesis, ...]:
    """Read "vandekvliet" also as surname "dekvliet": a missing space is a typo too."""
    found = []
    for i, word in enumerate(words):
        for prefix in GLUED_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= MIN_FUZZY_LENGTH:
                found.append(Hypothesis(word[len(prefix) :], words[:i] + words[i + 1 :], GLUED_PENALTY))
    return tuple(found)
