"""Normalised name keys for matching Dutch names regardless of spelling details."""

import re
import unicodedata

# Dutch surname prefixes (tussenvoegsels) that people drop, move or abbreviate.
TUSSENVOEGSELS = frozenset(
    "van de der den het ten ter te in t op aan bij uit voor over onder von zu del la le di da du d l".split()
)
_NON_LETTERS = re.compile(r"[^a-z ]+")


def fold(text: str) -> str:
    """Return text lower-cased, without diacritics, with only letters and single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = ascii_text.replace("ß", "ss").replace("ı", "i").lower()
    return " ".join(_NON_LETTERS.sub(" ", ascii_text.replace("'", "")).split())


def surname_key(surname: str) -> str:
    """Return the surname folded and stripped of tussenvoegsels ("van der Berg" -> "berg")."""
    words = [w for w in fold(surname).split() if w not in TUSSENVOEGSELS]
    return " ".join(words)


def full_name_key(given_names: str, tussenvoegsel: str, surname: str) -> str:
    """Return the folded full name without tussenvoegsels, for display-independent search."""
    return " ".join(part for part in (fold(given_names), surname_key(f"{tussenvoegsel} {surname}")) if part)
