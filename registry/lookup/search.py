"""Find persons by name or identifier, and rank them: best match first.

Retrieval works the same on SQLite and PostgreSQL: exact folded surname keys,
every key one typo away (an IN list on the indexed key), words of multi-word
surnames and of aliases (LIKE; on PostgreSQL served by trigram GIN indexes, see
migration lookup_trgm_indexes). Ranking happens in Python on the few columns fetched.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Lookup, Q, QuerySet

from registry.models import Person, PersonAlias
from registry.names import TUSSENVOEGSELS

from .query import (
    MIN_FUZZY_LENGTH,
    Hypothesis,
    Identifier,
    NameQuery,
    one_edit_variants,
    within_one_edit,
)

# Rows fetched per retrieval query; more means the officer must narrow (given name, date of birth).
CANDIDATE_LIMIT = 1000
# Words shorter than this are not searched inside multi-word surnames or aliases.
MIN_WORD_SEARCH_LENGTH = 3
_COLUMNS = ("id", "name_key", "surname_key", "date_of_birth")
_ALIAS_COLUMNS = ("person_id", "person__name_key", "person__surname_key", "person__date_of_birth", "name_key", "name")


class AnyOf(Lookup):
    """`key__any_of=[...]`: one array parameter on PostgreSQL (= ANY), a plain IN list elsewhere.

    Hundreds of typo keys as separate parameters cost more to send and plan than one array.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        values = list(self.rhs) or [""]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*params, *values]


Person._meta.get_field("surname_key").register_lookup(AnyOf)


class Reason:
    IDENTIFIER = "identifier"
    SURNAME_EXACT = "surname_exact"
    SURNAME_WORD = "surname_word"
    SURNAME_TYPO = "surname_typo"
    ALIAS = "alias"
    GIVEN_NAME = "given_name"
    GIVEN_NAME_TYPO = "given_name_typo"
    INITIALS = "initials"
    GIVEN_NAME_DIFFERS = "given_name_differs"
    DOB_EQUAL = "dob_equal"
    DOB_DIFFERS = "dob_differs"


@dataclass
class Match:
    person_id: int
    score: int = 0
    reasons: tuple[str, ...] = ()
    alias: str = ""


@dataclass
class SearchOutcome:
    matches: list[Match] = field(default_factory=list)
    truncated: bool = False
    dob_relaxed: bool = False


def search_identifier(identifier: Identifier) -> SearchOutcome:
    """Return persons whose BSN, strafrechtketennummer or CJIB reference equals the identifier."""
    values = list(identifier.values)
    condition = Q(strafrechtketennummer__in=values) | Q(cjib_reference__in=values)
    digits = [v for v in values if v.isdigit() and len(v) == 9]
    if digits:
        condition |= Q(bsn__in=digits)
    ids = Person.objects.filter(condition).values_list("id", flat=True)[:CANDIDATE_LIMIT]
    return SearchOutcome([Match(pid, 1000, (Reason.IDENTIFIER,)) for pid in ids])


def search_name(query: NameQuery, dob: date | None = None) -> SearchOutcome:
    """Return persons matching the name, ranked; a date of birth narrows when anyone has it."""
    if not query.hypotheses:
        return SearchOutcome()
    if dob is not None:
        outcome = _search_name(query, dob, narrow=True)
        if outcome.matches:
            return outcome
    # Nobody with that birth date: show the name matches anyway, rather than a false "no ban".
    outcome = _search_name(query, dob, narrow=False)
    outcome.dob_relaxed = dob is not None
    return outcome


def _born(dob: date | None, prefix: str = "") -> Q:
    """Match the date of birth, or an unknown one (that person may still be the one stopped)."""
    if dob is None:
        return Q()
    return Q(**{f"{prefix}date_of_birth": dob}) | Q(**{f"{prefix}date_of_birth__isnull": True})


def _search_name(query: NameQuery, dob: date | None, narrow: bool) -> SearchOutcome:
    narrow_dob = dob if narrow else None
    dob_filter = _born(narrow_dob)
    rows, truncated = _candidates_born(query, dob_filter) if narrow else _candidates(query, dob_filter)
    aliases: dict[int, list[tuple[str, str]]] = {}
    for person_id, name_key, surname, born, alias_key, alias_name in _alias_rows(query, _born(narrow_dob, "person__")):
        rows.setdefault(person_id, (person_id, name_key, surname, born))
        aliases.setdefault(person_id, []).append((alias_key, alias_name))
    matches = [m for m in (rank_row(row, aliases.get(pid, ()), query, dob) for pid, row in rows.items()) if m]
    matches.sort(key=lambda m: (-m.score, m.person_id))
    return SearchOutcome(matches, truncated)


def _candidates_born(query: NameQuery, dob_filter: Q) -> tuple[dict, bool]:
    """With a date of birth few rows match: exact and typo keys go in one query."""
    keys = sorted(set(query.surname_keys) | set(_typo_keys(query)))
    rows = _fetch(Person.objects.filter(dob_filter, surname_key__any_of=keys), limit_in_sql=False)
    word_condition = _word_condition(query)
    if word_condition is not None:
        rows += _fetch(Person.objects.filter(dob_filter, word_condition))
    return {row[0]: row for row in rows}, len(rows) >= CANDIDATE_LIMIT


def _candidates(query: NameQuery, dob_filter: Q) -> tuple[dict, bool]:
    exact = sorted(query.surname_keys)
    rows = _fetch(Person.objects.filter(dob_filter, surname_key__any_of=exact))
    truncated = len(rows) >= CANDIDATE_LIMIT
    narrowed = _narrowed_condition(query) if truncated else None
    if narrowed is not None:
        # A common surname: let the database keep only those whose given names fit what was typed.
        rows = _fetch(Person.objects.filter(dob_filter, narrowed))
    if not truncated:
        # Typo matches rank below exact ones, so they are only worth fetching when exact ones fit.
        rows += _fetch(Person.objects.filter(dob_filter, surname_key__any_of=_typo_keys(query)), limit_in_sql=False)
    word_condition = _word_condition(query)
    if word_condition is not None:
        rows += _fetch(Person.objects.filter(dob_filter, word_condition))
    return {row[0]: row for row in rows}, truncated


def _typo_keys(query: NameQuery) -> list[str]:
    """Return every key one edit away from a typed single-word surname (an indexed IN list)."""
    keys: set[str] = set()
    for key in query.surname_keys:
        if " " not in key and len(key) >= MIN_FUZZY_LENGTH:
            keys |= one_edit_variants(key)
    return sorted(keys - set(query.surname_keys))


def _narrowed_condition(query: NameQuery) -> Q | None:
    """Match each reading's surname together with given names that start like the typed ones."""
    condition = None
    for hypothesis in query.hypotheses:
        given = None
        for prefix in {w[:3] for w in hypothesis.given} | set(query.initials[:1]):
            given = _or(given, Q(name_key__startswith=prefix) | Q(name_key__contains=" " + prefix))
        if given is not None:
            condition = _or(condition, Q(surname_key=hypothesis.surname) & given)
    return condition


def _word_condition(query: NameQuery) -> Q | None:
    """Match a typed word inside a multi-word surname key ("de Vries" finds "Jansen-de Vries")."""
    condition = None
    for word in query.single_words:
        if len(word) >= MIN_WORD_SEARCH_LENGTH:
            condition = _or(condition, _word_in("surname_key", word))
    # Only multi-word keys can match; on PostgreSQL this clause selects the partial trigram index.
    return None if condition is None else Q(surname_key__contains=" ") & condition


def _word_in(column: str, word: str) -> Q:
    return (
        Q(**{f"{column}__startswith": word + " "})
        | Q(**{f"{column}__endswith": " " + word})
        | Q(**{f"{column}__contains": f" {word} "})
    )


def _or(left: Q | None, right: Q) -> Q:
    return right if left is None else left | right


def _fetch(queryset: QuerySet, limit_in_sql: bool = True) -> list[tuple]:
    queryset = queryset.order_by().values_list(*_COLUMNS)
    if limit_in_sql:
        return list(queryset[:CANDIDATE_LIMIT])
    # With hundreds of typo keys PostgreSQL overestimates the rows, and a LIMIT then tempts it
    # into a sequential scan of the whole table (seen: 490 ms on 1M persons); cut in Python instead.
    return list(queryset)[:CANDIDATE_LIMIT]


def _alias_rows(query: NameQuery, person_filter: Q) -> list[tuple]:
    """Return (person columns..., alias key, alias) for aliases whose last word is a typed word.

    An alias is read as given names plus surname, like a registered name.
    """
    condition = None
    for word in query.single_words:
        if len(word) >= MIN_WORD_SEARCH_LENGTH:
            condition = _or(condition, Q(name_key=word) | Q(name_key__endswith=" " + word))
    if condition is None:
        return []
    aliases = PersonAlias.objects.filter(condition).filter(person_filter).order_by()
    return list(aliases.values_list(*_ALIAS_COLUMNS)[:CANDIDATE_LIMIT])


def rank_row(row: tuple, aliases, query: NameQuery, dob: date | None) -> Match | None:
    """Return the best match of one person's name and aliases against the query, or None."""
    person_id, name_key, surname_key, person_dob = row
    given = tuple(name_key[: len(name_key) - len(surname_key)].split())
    best = _best_name_score(surname_key.split(), given, query)
    alias_used = ""
    for alias_key, alias_name in aliases:
        alias_score = _alias_score(alias_key, query)
        if alias_score and (best is None or alias_score[0] > best[0]):
            best, alias_used = alias_score, alias_name
    if best is None:
        return None
    score, reasons = best
    dob_score, dob_reasons = _dob_score(person_dob, dob)
    return Match(person_id, score + dob_score, reasons + dob_reasons, alias_used)


def _best_name_score(surname_words: list[str], given: tuple[str, ...], query: NameQuery):
    best = None
    for hypothesis in query.hypotheses:
        surname = _surname_score(surname_words, hypothesis.surname)
        if surname is None:
            continue
        given_score, given_reasons = _given_score(given, hypothesis, query.initials)
        candidate = (surname[0] + given_score - hypothesis.penalty, (surname[1],) + given_reasons)
        if best is None or candidate[0] > best[0]:
            best = candidate
    return best


def _surname_score(surname_words: list[str], typed: str):
    key = " ".join(surname_words)
    if key == typed:
        return 100, Reason.SURNAME_EXACT
    if " " not in typed and len(surname_words) > 1 and typed in surname_words:
        return 80, Reason.SURNAME_WORD
    if len(typed) >= MIN_FUZZY_LENGTH and " " not in typed and within_one_edit(key, typed):
        return 60, Reason.SURNAME_TYPO
    return None


def _given_score(given: tuple[str, ...], hypothesis: Hypothesis, initials: tuple[str, ...]):
    score, reasons = 0, ()
    if hypothesis.given:
        exact = [w for w in hypothesis.given if w in given]
        typo = [w for w in hypothesis.given if w not in exact and any(within_one_edit(w, g) for g in given)]
        if exact:
            score, reasons = 30 + 5 * (given[:1] == exact[:1]), (Reason.GIVEN_NAME,)
        elif typo:
            score, reasons = 15, (Reason.GIVEN_NAME_TYPO,)
        else:
            score, reasons = -25, (Reason.GIVEN_NAME_DIFFERS,)
    if initials:
        person_initials = "".join(w[0] for w in given)
        if person_initials.startswith("".join(initials)):
            score, reasons = score + 15, reasons + (Reason.INITIALS,)
        else:
            score, reasons = score - 15, reasons + (Reason.GIVEN_NAME_DIFFERS,)
    return score, reasons


def _alias_score(alias_key: str, query: NameQuery):
    words = [w for w in alias_key.split() if w not in TUSSENVOEGSELS]
    if not words:
        return None
    best = _best_name_score(words[-1:], tuple(words[:-1]), query)
    if best is None:
        return None
    # An alias is a weaker identification than the registered name.
    return best[0] - 10, (Reason.ALIAS,) + best[1]


def _dob_score(person_dob: date | None, dob: date | None) -> tuple[int, tuple[str, ...]]:
    if dob is None or person_dob is None:
        return 0, ()
    if person_dob == dob:
        return 50, (Reason.DOB_EQUAL,)
    return -50, (Reason.DOB_DIFFERS,)
