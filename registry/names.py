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


def alias_keys(name: str) -> tuple[str, str]:
    """Return an alias's folded key and its last word, by which the police lookup finds it."""
    key = " ".join(fold(name).split())
    return key, key.rpartition(" ")[2]


def full_name_key(given_names: str, tussenvoegsel: str, surname: str) -> str:
    """Return the folded full name without tussenvoegsels, for display-independent search."""
    return " ".join(part for part in (fold(given_names), surname_key(f"{tussenvoegsel} {surname}")) if part)


# Spellings that sound alike in Dutch, and transliterations, rewritten to one token each (longest first).
# Upper-case tokens stand for a sound, so a rewrite never feeds a later rule.
_SOUNDS = (
    ("sch", "sG"),
    ("ij", "Y"),
    ("ei", "Y"),
    ("ey", "Y"),
    ("y", "Y"),
    ("j", "Y"),
    ("kh", "G"),
    ("gh", "G"),
    ("ch", "G"),
    ("g", "G"),
    ("sh", "S"),
    ("sj", "S"),
    ("ph", "F"),
    ("th", "T"),
    ("dt", "T"),
    ("t", "T"),
    ("ck", "K"),
    ("qu", "K"),
    ("q", "K"),
    ("x", "KS"),
    ("ce", "Se"),
    ("ci", "Si"),
    ("c", "K"),
    ("k", "K"),
    ("z", "S"),
    ("s", "S"),
    ("v", "F"),
    ("f", "F"),
    ("w", "W"),
    ("au", "O"),
    ("ou", "O"),
    ("oe", "U"),
    ("ie", "I"),
)
_SOUND_RE = re.compile("|".join(pattern for pattern, _ in _SOUNDS))
_SOUND_OF = dict(_SOUNDS)
_VOWELS = frozenset("aeiouOUI")


def sound_key(word: str) -> str:
    """Return a Dutch phonetic key of one folded word: "meyer", "meijer" -> "mYer"; "chatib", "khatib" -> "Gatib".

    Covers ij/y/ei, ch/g/kh, c/k, dt/d/t at the end, ou/au, ph/f, v/f, s/z,
    and doubled letters. No library fits Dutch: Soundex and its kin are made for English.
    """
    key = _SOUND_RE.sub(lambda m: _SOUND_OF[m.group(0)], word)
    if key.endswith("d"):
        key = key[:-1] + "T"
    return "".join(ch for i, ch in enumerate(key) if i == 0 or ch != key[i - 1])


def skeleton_key(word: str) -> str:
    """Return the sound key without its vowels after the first letter: "mohammed", "muhammad" -> "mhmT".

    Transliterated names differ mostly in their vowels; the consonants stay.
    """
    key = sound_key(word)
    return key[:1] + "".join(ch for ch in key[1:] if ch not in _VOWELS and ch != "h")
