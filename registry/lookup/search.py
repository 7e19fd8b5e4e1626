"""Find persons by name or identifier, and rank them: best match first.

Retrieval works the same on SQLite and PostgreSQL. With a date of birth:
everyone born that day (an index on date_of_birth; a few dozen at a million
persons), and the persons of unknown birth date whose surname is like the typed
one (the vocabulary keeps their keys apart, so this costs nothing where there
are none). By name: the surname keys whose words sound like, or are one or two
typos from, a typed word (registry.lookup.vocabulary), fetched as one indexed
IN list; surnames shared by more persons than CANDIDATE_LIMIT are narrowed by
the typed given name. Aliases by their last word (an indexed column of its
own, migration alias_last_word). Each search reads its candidates in one statement.
Ranking happens in Python on the few columns fetched, with the same word
similarity: rank_row is the rule, row_scores applies it to all candidates at
once.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from django.db import connection

from registry.db import any_of_sql
from registry.models import Person, PersonAlias
from registry.names import TUSSENVOEGSELS

from .key_table import WORD_OF_SEVERAL_PENALTY, KeyTable, Scores
from .query import Hypothesis, Identifier, NameQuery
from .row_scores import (
    GIVEN_DIFFERS_POINTS,
    GIVEN_POINTS,
    INITIALS_POINTS,
    NO_MATCH,
    SAME_FIRST_GIVEN_POINTS,
    UNMATCHED_GIVEN_POINTS,
    row_scores,
)
from .similarity import EXACT, SAME_SOUND, word_similarity
from .vocabulary import Vocabulary, WordIndex, vocabulary

# Rows fetched per retrieval query; more means the officer must narrow (given name, date of birth).
CANDIDATE_LIMIT = 300
# An alias is a weaker identification than the registered name.
ALIAS_PENALTY = 10
# Words shorter than this are not searched inside aliases.
MIN_WORD_SEARCH_LENGTH = 3
# Crowded surname keys narrowed by the typed given name, best first.
MAX_CROWDED_KEYS = 40
# Given names on record tried when a crowded surname is narrowed by the typed given name.
MAX_GIVEN_WORDS = 30
_COLUMNS = ("id", "name_key", "surname_key", "date_of_birth")


class _Part(NamedTuple):
    """A SELECT of a lookup's candidates: _COLUMNS, then an alias key and alias (NULL for a registered name)."""

    sql: str
    params: list
    of_aliases: bool = False


class Reason:
    IDENTIFIER = "identifier"
    SURNAME_EXACT = "surname_exact"
    SURNAME_WORD = "surname_word"
    SURNAME_SOUND = "surname_sound"
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
    columns = {"strafrechtketennummer": values, "cjib_reference": values}
    digits = [v for v in values if v.isdigit() and len(v) == 9]
    if digits:
        columns["bsn"] = digits
    conditions, params = [], []
    for column, wanted in columns.items():
        condition, params = any_of_sql(column, params, wanted, connection.vendor)
        conditions.append(condition)
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        # Written out, as _persons_part: building the queryset cost more than running it.
        cursor.execute(
            f"SELECT id FROM {table} WHERE {' OR '.join(conditions)} LIMIT {CANDIDATE_LIMIT}",  # noqa: S608 - ours
            params,
        )
        return SearchOutcome([Match(pid, 1000, (Reason.IDENTIFIER,)) for (pid,) in cursor.fetchall()])


def search_name(query: NameQuery, dob: date | None = None) -> SearchOutcome:
    """Return persons matching the name, ranked; a date of birth narrows when anyone has it."""
    if not query.hypotheses:
        return SearchOutcome()
    vocab = vocabulary()
    readings = readings_of(query)
    if dob is not None:
        outcome = _search_born(query, dob, _surname_keys(query, vocab, undated=True), readings)
        if outcome.matches:
            return outcome
    # Nobody with that birth date: show the name matches anyway, rather than a false "no ban".
    outcome = _search_by_name(query, dob, _surname_keys(query, vocab), readings)
    outcome.dob_relaxed = dob is not None
    return outcome


def _surname_keys(query: NameQuery, vocab: Vocabulary, undated: bool = False) -> dict[str, int]:
    """Return the surname keys on record like a typed word, and every reading exactly as typed.

    `undated`: only the keys of persons without a date of birth (and every reading as typed).
    """
    typed_words = sorted({word for key in query.surname_keys for word in key.split()})
    keys = vocab.surname_keys(typed_words, undated=undated)
    keys.update(dict.fromkeys(query.surname_keys, EXACT))
    return keys


def _search_born(query: NameQuery, dob: date, keys: dict[str, int], readings) -> SearchOutcome:
    """Rank everyone born that day (a few dozen at a million persons) and those of unknown birth date.

    The date is strong evidence, so a surname two typos off still counts here. `keys` are the
    surname keys of undated persons like the typed surname (_surname_keys with undated=True).
    """
    of_keys, params = any_of_sql("surname_key", [], sorted(keys) or [""], connection.vendor)
    born, undated, aliases = _fetch_parts(
        _persons_part("date_of_birth = %s", [_db_date(dob)]),
        # Limited in Python (_fetch_parts): a LIMIT over a list of keys can tempt PostgreSQL into reading it all.
        _persons_part(f"date_of_birth IS NULL AND {of_keys}", params, limit_in_sql=False),
        _alias_part(query, dob),
    )
    rows = born + undated
    truncated = len(rows) >= CANDIDATE_LIMIT
    return _ranked(query, dob, {row[0]: row for row in rows}, aliases, truncated, readings)


def _search_by_name(query: NameQuery, dob: date | None, keys: dict[str, int], readings) -> SearchOutcome:
    """Fetch the persons of the best-matching surname keys; narrow the crowded ones by given name."""
    counts = vocabulary().key_counts
    scores = _key_scores(query, keys, readings)
    whole, crowded, budget = [], [], CANDIDATE_LIMIT
    for key in sorted(scores, key=lambda k: (-scores[k], counts.get(k, 0), k)):
        if counts.get(key, 0) <= budget:
            whole.append(key)
            budget -= counts.get(key, 0)
        else:
            crowded.append(key)
    whole_part = (
        _persons_part(*any_of_sql("surname_key", [], whole, connection.vendor), limit_in_sql=False) if whole else None
    )
    crowd_parts = []
    if crowded:
        best_keys = [k for k in crowded if scores[k] == scores[crowded[0]]]
        # The rest are keys ranked lower than all fetched whole; only the best few are worth narrowing.
        crowd_parts = _crowd_parts(query, crowded[:MAX_CROWDED_KEYS], best_keys)
    # One statement: each round trip is paid by the officer waiting.
    rows, aliases, *crowd = _fetch_parts(whole_part, _alias_part(query, None), *crowd_parts)
    crowd_rows: list[tuple] = []
    for found in crowd:
        crowd_rows += found[: CANDIDATE_LIMIT - len(crowd_rows)]
    rows += crowd_rows
    truncated = bool(crowded) or len(rows) >= CANDIDATE_LIMIT
    return _ranked(query, dob, {row[0]: row for row in rows}, aliases, truncated, readings)


def _key_scores(query: NameQuery, keys: dict[str, int], readings: "_Readings") -> dict[str, int]:
    """Return the surname score the ranking gives each key (best reading), leaving out keys it would not match.

    The keys in the vocabulary's table are scored per reading all at once (key_table); a key not in it yet
    (registered a moment ago elsewhere) one by one. A word of a longer surname ("vries" in "jansen vries")
    scores below the whole, as in rank_row.
    """
    in_table, found = readings.learn(keys)
    best = np.full(len(in_table), NO_MATCH, dtype=np.int32)
    scores: dict[str, int] = {}
    learned = set(in_table)
    others = [key for key in keys if key not in learned]
    for hypothesis, reading, reading_found in zip(query.hypotheses, readings, found, strict=True):
        score = reading_found.score.astype(np.int32)
        best = np.where((score > 0) & (score - hypothesis.penalty > best), score - hypothesis.penalty, best)
        for key in others:
            answer = reading.match(key)
            if answer is not None and (key not in scores or answer[0] - hypothesis.penalty > scores[key]):
                scores[key] = answer[0] - hypothesis.penalty
    scored = np.flatnonzero(best > NO_MATCH)
    scores.update(zip([in_table[i] for i in scored], best[scored].tolist(), strict=True))
    return scores


def readings_of(query: NameQuery) -> "_Readings":
    """Return one _Reading per hypothesis of the query, in order."""
    vocab = vocabulary()
    return _Readings(query, vocab.surname_words, vocab.key_table, vocab.given_words)


class _Readings(tuple):
    """The readings of one query, in the order of its hypotheses, and what the ranking asks of them remembered.

    Several hundred candidates share a few hundred surnames, most readings match none of them, and
    their given names repeat. A typed given name is compared with the given names on record once
    (the vocabulary's similar()), so each candidate's given names are looked up rather than compared.
    """

    def __new__(cls, query: NameQuery, words: WordIndex, table: KeyTable, given_words: WordIndex):
        # Where each key the readings have learned sits in their scores: one dict for all readings.
        places: dict[str, int] = {}
        readings = super().__new__(
            cls, (_Reading(hypothesis.surname, words, places) for hypothesis in query.hypotheses)
        )
        readings.places = places
        readings.query = query
        readings.hypotheses = query.hypotheses
        readings.table = table
        readings.given_words = given_words
        readings.by_surname = {}
        readings.given_like = {}
        readings.given_scores = {}
        return readings

    def given_score(self, given: tuple[str, ...], typed_given: tuple[str, ...], initials: tuple[str, ...]):
        """Return _given_score(given, typed_given, initials), remembered for this lookup."""
        found = self.given_scores.get((given, typed_given))
        if found is None:
            found = self.given_scores[(given, typed_given)] = _given_score(
                given, typed_given, initials, self._given_similarity
            )
        return found

    @property
    def initials(self) -> tuple[str, ...]:
        return self.query.initials

    def given_like_of(self, typed: str) -> dict[str, int]:
        """Return the given names on record like a typed one, scored (the vocabulary's similar()), remembered."""
        like = self.given_like.get(typed)
        if like is None:
            like = self.given_like[typed] = self.given_words.similar(typed)
        return like

    def _given_similarity(self, typed: str, word: str) -> int | None:
        """word_similarity(typed, word), looked up among the given names on record like the typed one."""
        if word in self.given_words.words:
            return self.given_like_of(typed).get(word)
        return word_similarity(typed, word)  # not on record yet (saved a moment ago in another process)

    def learn(self, surnames: Iterable[str]) -> tuple[list[str], list[Scores]]:
        """Score the surnames the key table holds, and not scored yet, with every reading at once.

        Each reading answers match() for them from these scores after. Return the surnames scored and,
        per reading in order, their scores.
        """
        row_of, places = self.table.row_of, self.places
        new = [key for key in dict.fromkeys(surnames) if key in row_of and key not in places]
        if not new:
            return new, [Scores(np.zeros(0, np.int16), np.zeros(0, bool)) for _reading in self]
        places.update(zip(new, range(len(places), len(places) + len(new)), strict=True))
        rows = np.fromiter((row_of[key] for key in new), dtype=np.intp, count=len(new))
        found = [self.table.surname_scores(rows, reading.typed, reading.similar) for reading in self]
        for reading, scores in zip(self, found, strict=True):
            reading.know(scores)
        return new, found

    def surname_matches(self, surname: str) -> list[tuple[Hypothesis, tuple[int, str]]]:
        """Return (hypothesis, _surname_score) for each reading that matches the surname, in order."""
        found = self.by_surname.get(surname)
        if found is None:
            pairs = zip(self.hypotheses, self, strict=True)
            found = [(hyp, score) for hyp, reading in pairs if (score := reading.match(surname)) is not None]
            self.by_surname[surname] = found
        return found


class _Reading:
    """One typed surname of a lookup: its words' matches on record, and _surname_score(key, typed) per key asked.

    The key table scores keys from these matches (_Readings.learn); a key it has not scored (one
    registered a moment ago in another process, an alias's word that is no surname key) is worked out
    by _surname_score. Each answer is kept: the ranking of the persons asks again.
    """

    def __init__(self, typed: str, words: WordIndex, places: dict[str, int]):
        self.typed = typed
        self._words = words
        self._similar: dict[str, dict[str, int]] | None = None
        self.answers: dict[str, tuple[int, str] | None] = {}
        # The key table's scores of the keys learned (_Readings.learn), at their `places`: the score (0 where
        # _surname_score gives None) and whether the key matched as one word of several.
        self.places = places
        self.scores = np.zeros(0, dtype=np.int16)
        self.word_of_several = np.zeros(0, dtype=bool)

    @property
    def similar(self) -> dict[str, dict[str, int]]:
        """The words on record like each typed word; worked out when first asked (a search by date may not)."""
        if self._similar is None:
            self._similar = {word: self._words.similar(word) for word in self.typed.split()}
        return self._similar

    def know(self, scores: Scores) -> None:
        """Keep the key table's scores of the keys placed next (in `places`) for match() to answer from."""
        if len(self.scores):
            self.scores = np.concatenate((self.scores, scores.score))
            self.word_of_several = np.concatenate((self.word_of_several, scores.word_of_several))
        else:
            self.scores, self.word_of_several = scores.score, scores.word_of_several

    def match(self, key: str) -> tuple[int, str] | None:
        """Return _surname_score(key, typed): from the key table's score when learned, else worked out."""
        if key not in self.answers:
            place = self.places.get(key)
            self.answers[key] = (
                _surname_score(key, self.typed)
                if place is None
                else self._answer(key, int(self.scores[place]), bool(self.word_of_several[place]))
            )
        return self.answers[key]

    def _answer(self, key: str, score: int, word_of_several: bool) -> tuple[int, str] | None:
        if not score:
            return None
        if word_of_several:
            return score, Reason.SURNAME_WORD
        return (EXACT, Reason.SURNAME_EXACT) if key == self.typed else _surname_reason(score)


def _ranked(
    query: NameQuery, dob: date | None, rows: dict, alias_rows: list[tuple], truncated: bool, readings
) -> SearchOutcome:
    """Rank the persons of `rows` ({id: _COLUMNS}) and of `alias_rows` (_alias_part's), best first.

    Persons born on the typed date (a surname two typos off still counts) are ranked one by one
    (rank_row); the rest all at once (_scored_rows), with their reasons worked out only when read.
    """
    aliases: dict[int, list[tuple[str, str]]] = {}
    for person_id, name_key, surname, born, alias_key, alias_name in alias_rows:
        rows.setdefault(person_id, (person_id, name_key, surname, born))
        aliases.setdefault(person_id, []).append((alias_key, alias_name))
    born, others = [], []
    for row in rows.values():
        (born if _born_on(row[3], dob) else others).append(row)
    # The surnames asked about below, registered and alias, scored by every reading at once; not those
    # of persons born on the typed date, whose surnames are compared allowing more typos (rank_row).
    alias_names = (_alias_name(alias_key) for found in aliases.values() for alias_key, _name in found)
    readings.learn([row[2] for row in others] + [name[0] for name in alias_names if name])
    ranked = (rank_row(row, aliases.get(row[0], ()), query, dob, readings) for row in born)
    matches = [m for m in ranked if m] + _scored_rows(others, aliases, query, dob, readings)
    matches.sort(key=lambda m: (-m.score, m.person_id))
    return SearchOutcome(matches, truncated)


class _Explained(Match):
    """A match scored with the other candidates (_scored_rows); rank_row works out its reasons when read."""

    def __init__(self, row: tuple, score: int, aliases, context: tuple):
        self.person_id, self.score = row[0], score
        self._row, self._aliases, self._context = row, aliases, context
        self._explanation: Match | None = None

    def _explained(self) -> Match:
        if self._explanation is None:
            self._explanation = rank_row(self._row, self._aliases, *self._context)
        return self._explanation

    @property
    def reasons(self) -> tuple[str, ...]:
        return self._explained().reasons

    @property
    def alias(self) -> str:
        return self._explained().alias


def _scored_rows(rows: list[tuple], aliases: dict, query: NameQuery, dob: date | None, readings) -> list[Match]:
    """Return the matches among the rows ({person: [(alias key, alias)]}), scored all at once as rank_row would.

    Each registered name and each alias is one name to score (row_scores); a person scores as his best.
    """
    if not rows:
        return []
    person_of, surnames, given, bonus = [], [], [], []
    for i, (person_id, name_key, surname, _born) in enumerate(rows):
        person_of.append(i)
        surnames.append(surname)
        given.append(name_key[: len(name_key) - len(surname)])
        bonus.append(0)
        for alias_key, _alias in aliases.get(person_id, ()):
            name = _alias_name(alias_key)
            if name is not None:
                person_of.append(i)
                surnames.append(name[0])
                given.append(" ".join(name[1]))
                bonus.append(-ALIAS_PENALTY)
    distinct: dict[str, int] = {}
    of_name = [distinct.setdefault(surname, len(distinct)) for surname in surnames]
    scores = row_scores(given, _surname_columns(list(distinct), query, readings)[of_name], readings)
    scores = np.where(scores > NO_MATCH, scores + np.array(bonus, dtype=np.int64), NO_MATCH)
    best = np.full(len(rows), NO_MATCH, dtype=np.int64)
    np.maximum.at(best, np.array(person_of, dtype=np.intp), scores)
    context = (query, dob, readings)
    return [
        _Explained(row, score + _dob_score(row[3], dob)[0], aliases.get(row[0], ()), context)
        for row, score in zip(rows, best.tolist(), strict=True)
        if score > NO_MATCH
    ]


def _crowd_parts(query: NameQuery, crowded: list[str], best_keys: list[str]) -> list[_Part | None]:
    """Select persons of crowded surnames by surname and first given name together, then by a later given name.

    Each step is a range scan of the (surname_key, name_key) index (migration
    lookup_surname_name_index) per given name on record like a typed one, or for the
    first initial: the best surname keys first, then the others, so that the cut at
    CANDIDATE_LIMIT (the caller's, in this order) drops the weaker surnames. Only the
    best keys are then searched for the typed name as a later given name (a call name
    that is not the first), which reads every entry of those keys.
    """
    close, near = _given_words(query)
    prefixes = [word + " " for word in close + near] or list(query.initials[:1])
    if not prefixes:
        return [_first_rows_part(best_keys)]
    best = set(best_keys)
    others = [key for key in crowded if key not in best]
    return [_prefix_part(best_keys, prefixes), _prefix_part(others, prefixes), _later_given_part(best_keys, close)]


def prefix_rows(keys: list[str], prefixes: list[str]) -> list[tuple]:
    """Return _COLUMNS of the persons with one of the surname keys whose name key starts with one of the prefixes."""
    return _fetch_parts(_prefix_part(keys, prefixes))[0]


def _prefix_part(keys: list[str], prefixes: list[str]) -> _Part | None:
    """Select the persons with one of the surname keys whose name key starts with one of the prefixes.

    On PostgreSQL one range scan of the (surname_key, name_key) index per key and
    prefix. Asked as `surname_key = ANY(...) AND (name_key LIKE ... OR ...)`, the
    planner misjudges the prefixes as rare and reads every person whose name starts
    with any of them, whatever the surname (seen: 14,600 rows and 23 ms for 6 hits
    at a million persons). Elsewhere that plain condition. PostgreSQL sends at most
    CANDIDATE_LIMIT rows: a first initial alone matched up to 1,538 persons of one surname.
    """
    if not keys or not prefixes:
        return None
    keys, prefixes = list(dict.fromkeys(keys)), list(dict.fromkeys(prefixes))
    if connection.vendor != "postgresql":
        of_keys, params = any_of_sql("surname_key", [], keys, connection.vendor)
        like, params = _like_any("name_key", [_like_escaped(prefix) + "%" for prefix in prefixes], params)
        return _persons_part(f"{of_keys} AND {like}", params, limit_in_sql=False)
    table = Person._meta.db_table
    # Each key with each prefix, paired in the statement: sent as keys + prefixes, not their product.
    # A plain join of the two lists let the planner read every entry of the keys and filter them
    # (seen: 274 ms against 10 ms); OFFSET 0 keeps one range scan per pair.
    return _Part(
        f"SELECT DISTINCT {', '.join(f'p.{column}' for column in _COLUMNS)}, NULL, NULL "  # noqa: S608 - ours
        "FROM unnest(%b::text[]) AS k(key) CROSS JOIN unnest(%b::text[], %b::text[]) AS r(low, high) "
        f"CROSS JOIN LATERAL (SELECT {', '.join(_COLUMNS)} FROM {table} p WHERE p.surname_key = k.key "
        f"AND p.name_key::text ~>=~ r.low AND p.name_key::text ~<~ r.high OFFSET 0) AS p LIMIT {CANDIDATE_LIMIT}",
        [keys, prefixes, [_after_prefix(prefix) for prefix in prefixes]],
    )


def _later_given_part(keys: list[str], given_words: list[str]) -> _Part | None:
    """Select the persons with one of the surname keys who have one of the given names, not as their first."""
    if not keys or not given_words:
        return None
    of_keys, params = any_of_sql("surname_key", [], keys, connection.vendor)
    like, params = _like_any("name_key", [f"% {_like_escaped(word)} %" for word in given_words], params)
    return _persons_part(f"{of_keys} AND {like}", params)


def _first_rows_part(keys: list[str]) -> _Part:
    """Select persons of the surname keys in index order: a name only, shared by thousands, reads no more."""
    of_keys, params = any_of_sql("surname_key", [], keys, connection.vendor)
    return _persons_part(f"{of_keys} ORDER BY surname_key, name_key", params)


def _like_any(column: str, patterns: list[str], params: list) -> tuple[str, list]:
    """Return SQL testing `column` LIKE any of the patterns (escaped with a backslash)."""
    likes = " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for _pattern in patterns)
    return f"({likes})", [*params, *patterns]


def _like_escaped(text: str) -> str:
    return connection.ops.prep_for_like_query(text)


def _after_prefix(prefix: str) -> str:
    """Return the first string, in code point order, after every string that starts with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _given_words(query: NameQuery) -> tuple[list[str], list[str]]:
    """Return the given names on record like the typed ones: as typed or same sound, and the rest."""
    words: dict[str, int] = {}
    for typed in {w for h in query.hypotheses for w in h.given}:
        for word, score in vocabulary().given_words.similar(typed).items():
            words[word] = max(words.get(word, 0), score)
    ranked = sorted(words, key=lambda w: (-words[w], w))[:MAX_GIVEN_WORDS]
    return [w for w in ranked if words[w] >= SAME_SOUND], [w for w in ranked if words[w] < SAME_SOUND]


def _persons_part(where: str, params: list, limit_in_sql: bool = True) -> _Part:
    """Select _COLUMNS of the persons matching a condition on the person table (at most CANDIDATE_LIMIT).

    Written out: for these few columns Django building the query cost as much as PostgreSQL
    answering it. No LIMIT (`limit_in_sql=False`) for a list of hundreds of keys: PostgreSQL then
    overestimates the rows, and a LIMIT tempts it into a sequential scan of the whole table (seen:
    490 ms on 1M persons); _fetch_parts cuts in Python instead.
    """
    limit = f" LIMIT {CANDIDATE_LIMIT}" if limit_in_sql else ""
    table = connection.ops.quote_name(Person._meta.db_table)
    return _Part(f"SELECT {', '.join(_COLUMNS)}, NULL, NULL FROM {table} WHERE {where}{limit}", params)  # noqa: S608


def _fetch_parts(*parts: _Part | None) -> list[list[tuple]]:
    """Return the rows of each part, at most CANDIDATE_LIMIT each, read in one statement; [] for a None.

    Each round trip is paid by the officer waiting: the persons and aliases of a lookup are read together.
    A person's row is _COLUMNS; an alias's row is _COLUMNS, alias key, alias.
    """
    asked = [(i, part) for i, part in enumerate(parts) if part is not None]
    found: list[list[tuple]] = [[] for _part in parts]
    if not asked:
        return found
    # Each part as a subquery: SQLite allows no LIMIT on a part of a compound SELECT.
    sql = " UNION ALL ".join(f"SELECT {i}, p{i}.* FROM ({part.sql}) AS p{i}" for i, part in asked)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _i, part in asked for param in part.params])
        for row in cursor.fetchall():
            found[row[0]].append(row[1:] if parts[row[0]].of_aliases else row[1 : 1 + len(_COLUMNS)])
    return [rows[:CANDIDATE_LIMIT] for rows in found]


def _db_date(day: date):
    return Person._meta.get_field("date_of_birth").get_db_prep_value(day, connection)


def _alias_part(query: NameQuery, born: date | None) -> _Part | None:
    """Select (_COLUMNS of the person, alias key, alias) of aliases whose last word is a typed word.

    An alias is read as given names plus surname, like a registered name. With `born`, only
    aliases of persons born that day or of unknown birth date. Written out: Django building
    the join cost more than PostgreSQL answering it (one index lookup of the alias's last word).
    None when no typed word is long enough to search.
    """
    words = [word for word in query.single_words if len(word) >= MIN_WORD_SEARCH_LENGTH]
    if not words:
        return None
    qn = connection.ops.quote_name
    conditions, params = any_of_sql("a.last_word", [], words, connection.vendor)
    if born is not None:
        conditions = f"{conditions} AND (p.date_of_birth = %s OR p.date_of_birth IS NULL)"
        params.append(_db_date(born))
    return _Part(
        "SELECT a.person_id, p.name_key, p.surname_key, p.date_of_birth, a.name_key, a.name "  # noqa: S608 - ours
        f"FROM {qn(PersonAlias._meta.db_table)} a JOIN {qn(Person._meta.db_table)} p ON p.id = a.person_id "
        f"WHERE {conditions} LIMIT {CANDIDATE_LIMIT}",
        params,
        of_aliases=True,
    )


def _surname_columns(surnames: list[str], query: NameQuery, readings) -> np.ndarray:
    """Return per surname (row) and reading (column) the reading's _surname_score less its penalty, or NO_MATCH.

    The surnames the readings have learned come from their key table scores all at once (a score of 0
    is no match, as in _Reading.match); the others one by one.
    """
    columns = np.full((len(surnames), len(readings)), NO_MATCH, dtype=np.int64)
    place = np.fromiter((readings.places.get(s, -1) for s in surnames), dtype=np.intp, count=len(surnames))
    learned, unlearned = np.flatnonzero(place >= 0), np.flatnonzero(place < 0).tolist()
    for column, (hypothesis, reading) in enumerate(zip(query.hypotheses, readings, strict=True)):
        score = reading.scores[place[learned]].astype(np.int64)
        columns[learned, column] = np.where(score != 0, score - hypothesis.penalty, NO_MATCH)
        for i in unlearned:
            answer = reading.match(surnames[i])
            if answer is not None:
                columns[i, column] = answer[0] - hypothesis.penalty
    return columns


def rank_row(row: tuple, aliases, query: NameQuery, dob: date | None, readings=None) -> Match | None:
    """Return the best match of one person's name and aliases against the query, or None.

    `readings` (readings_of(query)) carry the surname answers already worked out for this query.
    """
    person_id, name_key, surname_key, person_dob = row
    given = tuple(name_key[: len(name_key) - len(surname_key)].split())
    typos = 2 if _born_on(person_dob, dob) else None
    best = _best_name_score(surname_key, given, query, typos, readings)
    alias_used = ""
    for alias_key, alias_name in aliases:
        alias_score = _alias_score(alias_key, query, readings)
        if alias_score and (best is None or alias_score[0] > best[0]):
            best, alias_used = alias_score, alias_name
    if best is None:
        return None
    score, reasons = best
    dob_score, dob_reasons = _dob_score(person_dob, dob)
    return Match(person_id, score + dob_score, reasons + dob_reasons, alias_used)


def _born_on(person_dob: date | None, dob: date | None) -> bool:
    """Tell whether the person was born on the typed date: then a surname two typos off is still them."""
    return dob is not None and person_dob == dob


def _best_name_score(surname: str, given: tuple[str, ...], query: NameQuery, typos: int | None = None, readings=None):
    if typos is None and readings is not None:
        matches = readings.surname_matches(surname)
    else:
        scores = ((hyp, _surname_score(surname, hyp.surname, typos)) for hyp in query.hypotheses)
        matches = [(hyp, score) for hyp, score in scores if score is not None]
    best = None
    for hypothesis, surname_score in matches:
        if readings is None:
            given_score, given_reasons = _given_score(given, hypothesis.given, query.initials)
        else:
            given_score, given_reasons = readings.given_score(given, hypothesis.given, query.initials)
        candidate = (surname_score[0] + given_score - hypothesis.penalty, (surname_score[1],) + given_reasons)
        if best is None or candidate[0] > best[0]:
            best = candidate
    return best


@lru_cache(maxsize=200_000)
def _surname_score(key: str, typed: str, typos: int | None = None):
    """Score a reading's surname against the person's key: whole, word for word, glued, or one word of several.

    Remembered: the same surname keys come back for every lookup of a common name.
    """
    if key == typed:
        return EXACT, Reason.SURNAME_EXACT
    surname_words = key.split()
    typed_words = typed.split()
    scores = []
    if len(typed_words) == len(surname_words):
        pairs = [word_similarity(t, w, typos) for t, w in zip(typed_words, surname_words, strict=True)]
        scores.append(None if None in pairs else min(pairs))
    if len(surname_words) > 1 or len(typed_words) > 1:
        scores.append(word_similarity(typed.replace(" ", ""), key.replace(" ", ""), typos))
    best = max((s for s in scores if s is not None), default=None)
    if best is not None:
        return _surname_reason(best)
    if len(typed_words) == 1 and len(surname_words) > 1:
        word = max((word_similarity(typed, w, typos) or 0 for w in surname_words), default=0)
        if word:
            return word - WORD_OF_SEVERAL_PENALTY, Reason.SURNAME_WORD
    return None


def _surname_reason(score: int) -> tuple[int, str]:
    return score, Reason.SURNAME_SOUND if score == SAME_SOUND else Reason.SURNAME_TYPO


def _given_score(
    given: tuple[str, ...], typed_given: tuple[str, ...], initials: tuple[str, ...], similarity=word_similarity
):
    """Score a candidate's given names against those typed and the initials; `similarity` gives word_similarity's."""
    score, reasons = 0, ()
    if typed_given:
        matched = [max((similarity(t, g) or 0 for g in given), default=0) for t in typed_given]
        if any(matched):
            score = sum(GIVEN_POINTS.get(m, UNMATCHED_GIVEN_POINTS) for m in matched)
            score += SAME_FIRST_GIVEN_POINTS * (given[:1] == typed_given[:1])
            reasons = (Reason.GIVEN_NAME,) if EXACT in matched else (Reason.GIVEN_NAME_TYPO,)
        else:
            score, reasons = GIVEN_DIFFERS_POINTS, (Reason.GIVEN_NAME_DIFFERS,)
    if initials:
        person_initials = "".join(w[0] for w in given)
        if person_initials.startswith("".join(initials)):
            score, reasons = score + INITIALS_POINTS, reasons + (Reason.INITIALS,)
        else:
            score, reasons = score - INITIALS_POINTS, reasons + (Reason.GIVEN_NAME_DIFFERS,)
    return score, reasons


def _alias_name(alias_key: str) -> tuple[str, tuple[str, ...]] | None:
    """Return an alias's surname (its last word but a tussenvoegsel) and the given names before it."""
    words = [w for w in alias_key.split() if w not in TUSSENVOEGSELS]
    return (words[-1], tuple(words[:-1])) if words else None


def _alias_score(alias_key: str, query: NameQuery, readings=None):
    name = _alias_name(alias_key)
    if name is None:
        return None
    best = _best_name_score(*name, query, readings=readings)
    if best is None:
        return None
    return best[0] - ALIAS_PENALTY, (Reason.ALIAS,) + best[1]


def _dob_score(person_dob: date | None, dob: date | None) -> tuple[int, tuple[str, ...]]:
    if dob is None or person_dob is None:
        return 0, ()
    if person_dob == dob:
        return 50, (Reason.DOB_EQUAL,)
    return -50, (Reason.DOB_DIFFERS,)
