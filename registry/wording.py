"""Facts about a ban put into words once: distances and weekly hours.

The police lookup and the victim letters phrase their sentences differently
(an officer's card, a letter to the victim), but both describe a radius and a
time window through these helpers, so they can never disagree.
"""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ALL_DAYS = list(range(7))  # Monday is 0, as in the engine's WeeklyWindow
DAY_NAMES = (
    gettext_noop("maandag"),
    gettext_noop("dinsdag"),
    gettext_noop("woensdag"),
    gettext_noop("donderdag"),
    gettext_noop("vrijdag"),
    gettext_noop("zaterdag"),
    gettext_noop("zondag"),
)
DAY_ABBREVIATIONS = (
    gettext_noop("ma"),
    gettext_noop("di"),
    gettext_noop("wo"),
    gettext_noop("do"),
    gettext_noop("vr"),
    gettext_noop("za"),
    gettext_noop("zo"),
)


def distance_text(metres: float) -> str:
    """Return a distance or radius as people say it: "5 km", "2,5 km" ("2.5 km" in English) or "750 m"."""
    if metres >= 1000:
        km = metres / 1000
        decimals = 0 if round(km, 1) == round(km) else 1
        return f"{formats.number_format(round(km, decimals), decimals)} km"
    return f"{formats.number_format(round(metres), 0)} m"


def window_phrases(windows: list[dict], long_names: bool = False) -> list[str]:
    """Return each weekly window in words, e.g. "elke nacht van 22:00 tot 06:00"."""
    return [window_phrase(window, long_names) for window in windows]


def window_phrase(window: dict, long_names: bool = False) -> str:
    """Return one window in words; `days` are the days it starts on, and an end before the start is next day."""
    start, end = window.get("start", "00:00"), window.get("end", "24:00")
    overnight = end <= start
    days = days_phrase(window.get("days") or ALL_DAYS, overnight, long_names)
    return _("%(days)s van %(start)s tot %(end)s") % {"days": days, "start": start, "end": end}


def days_phrase(days: list[int], overnight: bool = False, long_names: bool = False) -> str:
    """Return "elke dag", "ma t/m vr", "maandag tot en met vrijdag", "za en zo" or "in de nacht na …"."""
    days = sorted({d for d in days if d in ALL_DAYS})
    if not days or days == ALL_DAYS:
        return _("elke nacht") if overnight else _("elke dag")
    names = [_(DAY_NAMES[d]) if long_names else _(DAY_ABBREVIATIONS[d]) for d in days]
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        through = _("%(first)s tot en met %(last)s") if long_names else _("%(first)s t/m %(last)s")
        text = through % {"first": names[0], "last": names[-1]}
    else:
        text = join_and(names)
    return _("in de nacht na %(days)s") % {"days": text} if overnight else text


def join_and(words: list[str]) -> str:
    """Join words as in a sentence: "a, b en c"."""
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    conjunction = _("en")  # outside the f-string: xgettext does not look inside one
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def join_or(words: list[str]) -> str:
    """Join words as in a sentence: "a, b of c"."""
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    conjunction = _("of")
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
