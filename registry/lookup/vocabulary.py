"""The surname words and given names on record, held in memory for phonetic and typo-tolerant matching.

A typed word is compared with every distinct word on record (some tens of
thousands at a million persons), not with every person: exact, same Dutch
sound (registry.names.sound_key), same consonant skeleton (transliterations),
or one or two typos (rapidfuzz's optimal string alignment distance). The
surname keys holding the matched words are then fetched by the indexed key.
This is the same on SQLite and PostgreSQL.

Each process loads the words once and, at most once a second, picks up the
persons added or changed since (by id, and by updated_at, indexed, reaching
CHANGE_OVERLAP back for transactions that committed after they stamped their
rows). A person saved in this process is added at once. An exact surname key is
always searched as typed, so a person registered a moment ago in another process
is found by the exact name in any case.

A change only adds: a surname no one holds any more stays a word to match until
the full reload every RELOAD_SECONDS, which also counts the keys' persons anew
and picks up changes committed too late for the overlap. That reload runs in a
thread of its own, or, in a web worker, after a response has been sent
(reload_between_requests): it is seconds of CPU, and a lookup sharing the
interpreter with it took two to six times as long. On two cores the other
workers' lookups slow too while one worker reloads, hence an hour apart.
"""

import gc
import logging
import os
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import DatabaseError, connection, connections
from django.db.models import Count, Max, Q
from django.db.models.signals import post_save
from django.utils import timezone

from registry.models import Person
from registry.names import fold

from .key_table import KeyTable
from .near_words import NearWords
from .similarity import MIN_SKELETON_LENGTH, max_typos, skeleton_of, sound_of, word_similarity

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 1.0
RELOAD_SECONDS = 3600.0
# How far before its previous look a catch-up reads changes again: a row is stamped when saved and seen
# only once its transaction commits (an import chunk, IMPORT_CHUNK_ROWS decisions, commits within a second
# or two). Rows changed within it are read again at every look (1,000 rows: 9 ms of CPU at a million
# persons), so it is short; a change committed later than this is left to the full reload.
CHANGE_OVERLAP = timedelta(seconds=5)
# Typed words whose matches a process remembers (officers type the same names again and again).
MAX_REMEMBERED_ANSWERS = 20_000


@dataclass
class WordIndex:
    """Distinct words with their sound and skeleton keys, searchable by similarity."""

    words: set[str] = field(default_factory=set)
    by_sound: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_skeleton: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Words and sound keys searchable by typos, added to as words are.
    _near_words: NearWords = field(default_factory=NearWords)
    _near_sounds: NearWords = field(default_factory=NearWords)
    # Answers of similar() per typed word; a new word on record empties it.
    _answers: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, word: str) -> None:
        if word in self.words:
            return
        self.words.add(word)
        self._near_words.add(word)
        sound = sound_of(word)
        if sound not in self.by_sound:
            self._near_sounds.add(sound)
        self.by_sound[sound].add(word)
        self.by_skeleton[skeleton_of(word)].add(word)
        self._answers.clear()

    def count_letters(self) -> None:
        """Count the letters of the words and sound keys now, rather than in the first lookups that search them."""
        self._near_words.count_all()
        self._near_sounds.count_all()

    def similar(self, typed: str) -> dict[str, int]:
        """Return the words on record that match the typed word, scored by word_similarity.

        Each rule of word_similarity has its way in here (sound and skeleton by key,
        typos by rapidfuzz over the words and over their sound keys); the score is then
        word_similarity's own, so retrieval and ranking cannot disagree.
        """
        found = self._answers.get(typed)
        if found is None:
            if len(self._answers) >= MAX_REMEMBERED_ANSWERS:
                self._answers.clear()
            found = self._answers[typed] = self._similar(typed)
        return found

    def _similar(self, typed: str) -> dict[str, int]:
        candidates = set(self.by_sound.get(sound_of(typed), ()))
        if len(typed) >= MIN_SKELETON_LENGTH:
            candidates |= self.by_skeleton.get(skeleton_of(typed), set())
        allowed = max_typos(typed)
        if allowed:
            candidates.update(self._near_words.within(typed, allowed))
            for near_sound in self._near_sounds.within(sound_of(typed), 1):
                candidates |= self.by_sound[near_sound]
        if typed in self.words:
            candidates.add(typed)
        scored = {word: word_similarity(typed, word) for word in candidates}
        return {word: score for word, score in scored.items() if score is not None}


@dataclass
class SurnameKeys:
    """Surname keys by the words they hold, those words searchable by similarity."""

    words: WordIndex = field(default_factory=WordIndex)
    by_word: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, key: str) -> None:
        for word in key.split():
            self.by_word[word].add(key)
            self.words.add(word)

    def like(self, typed_words: list[str]) -> dict[str, int]:
        """Return the keys holding a word like a typed one, with the best similarity of each."""
        found: dict[str, int] = {}
        for typed in typed_words:
            for word, score in self.words.similar(typed).items():
                for key in self.by_word.get(word, ()):
                    found[key] = max(found.get(key, 0), score)
        return found


class Vocabulary:
    """Surname keys with their person counts, their words, and the given names on record.

    The surname keys of persons without a date of birth are kept apart as well: a lookup with a
    date of birth searches only those by name (search._search_born), a few words instead of all.
    """

    def __init__(self):
        self.key_counts: dict[str, int] = defaultdict(int)
        self.surnames = SurnameKeys()
        self.undated_surnames = SurnameKeys()
        self.key_table = KeyTable()
        self.given_words = WordIndex()
        self.max_id = 0
        self.loaded_at = self.checked_at = time.monotonic()
        # The moment from which catch_up() reads changes, and the changes read since it (id: updated_at).
        self.changes_since = timezone.now() - CHANGE_OVERLAP
        self._changes_seen: dict[int, datetime] = {}

    @property
    def surname_words(self) -> WordIndex:
        return self.surnames.words

    def add(self, surname: str, given_names: str, count: int = 1, undated: bool = False) -> None:
        """Count `count` persons with this surname key and given names; `undated`: one of them has no date of birth."""
        if surname:
            if surname not in self.key_counts:
                # The glued key's sound and skeleton are worked out here, at load, rather than in a lookup.
                self.key_table.add(surname)
                self.surnames.add(surname)
            self.key_counts[surname] += count
            if undated:
                self.undated_surnames.add(surname)
        for word in fold(given_names).split():
            self.given_words.add(word)

    def load(self) -> "Vocabulary":
        """Read every surname key with its count (and whether anyone of it is undated), and the distinct given names."""
        self.max_id = Person.objects.aggregate(last=Max("id"))["last"] or 0
        counts = (
            Person.objects.order_by()
            .values_list("surname_key")
            .annotate(n=Count("id"), undated=Count("id", filter=Q(date_of_birth__isnull=True)))
        )
        for surname, count, undated in counts.iterator(chunk_size=10_000):
            self.add(surname, "", count, undated=undated > 0)
        given = Person.objects.order_by().values_list("given_names", flat=True).distinct()
        for names in given.iterator(chunk_size=10_000):
            self.add("", names)
        # Counted lazily, the first lookup of each word length paid for all words of that length, up to
        # 15 ms each at a million persons: after every reload, in the lookups of the hour's first officers.
        for index in (self.surnames.words, self.undated_surnames.words, self.given_words):
            index.count_letters()
        return self

    def catch_up(self) -> None:
        """Add the persons created or changed since the last look.

        A new person (by id) counts for its surname key; a changed one counts only where its key is new
        (its old key is not known here, and keeps its count until the full reload).
        """
        looked_at = timezone.now()
        # Written out: a lookup a second after the last one runs this first, and compiling the queryset
        # cost more than the read (0.33 ms of CPU through the queryset, 0.08 written out, at a million persons).
        table = connection.ops.quote_name(Person._meta.db_table)
        since = connection.ops.adapt_datetimefield_value(self.changes_since)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, surname_key, given_names, date_of_birth IS NULL, updated_at FROM {table} "  # noqa: S608
                "WHERE updated_at >= %s OR id > %s ORDER BY id",
                [since, self.max_id],
            )
            rows = cursor.fetchall()
        seen = self._changes_seen
        for person_id, surname, given, undated, updated_at in rows:
            if seen.get(person_id) == updated_at:
                continue  # read again within the overlap
            seen[person_id] = updated_at
            new = person_id > self.max_id
            counted = new or not self.key_counts.get(surname)
            self.add(surname, given, count=1 if counted else 0, undated=bool(undated))
            self.max_id = max(self.max_id, person_id)
        self.changes_since = looked_at - CHANGE_OVERLAP
        for person_id in [p for p, stamp in seen.items() if _aware(stamp) < self.changes_since]:
            del seen[person_id]  # no longer read again
        self.checked_at = time.monotonic()

    def surname_keys(self, typed_words: list[str], undated: bool = False) -> dict[str, int]:
        """Return the surname keys holding a word like a typed one, with the best similarity of each.

        `undated`: only keys of persons without a date of birth.
        """
        return (self.undated_surnames if undated else self.surnames).like(typed_words)

    def persons_with(self, keys) -> int:
        return sum(self.key_counts.get(key, 0) for key in keys)


def _aware(stamp: datetime) -> datetime:
    # SQLite's rows come back naive, in UTC as stored.
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


_current: Vocabulary | None = None
_lock = threading.Lock()
_reloading: threading.Thread | None = None
# Set by reload_between_requests(): reload_if_due() reloads, not a thread, after RELOAD_SECONDS times this factor.
_between_requests = False
_reload_factor = 1.0


def vocabulary() -> Vocabulary:
    """Return this process's vocabulary, loaded on first use and kept up to date.

    The full reload runs in a thread of its own (or between requests, see reload_between_requests): a
    lookup meanwhile uses the vocabulary it has (caught up by id each second), instead of waiting seconds
    for a million names to be read again.
    """
    global _current
    with _lock:
        now = time.monotonic()
        if _current is None:
            _current = Vocabulary().load()
        else:
            if not _between_requests and _reload_due(_current, now):
                _reload_in_background()
            if now - _current.checked_at > REFRESH_SECONDS:
                _current.catch_up()
        return _current


def reload_between_requests(spread: float = 0.25) -> None:
    """From now on, reload in reload_if_due() calls, each process after a reload interval drawn within `spread`.

    A web worker calls reload_if_due() once a response has been sent (gunicorn.conf.py): for the
    seconds of a reload it takes no request, and the other workers answer. Workers started
    together would reload together; each draws its own interval, so that they take turns.
    """
    global _between_requests, _reload_factor
    _between_requests = True
    _reload_factor = random.Random(os.getpid()).uniform(1 - spread, 1 + spread)


def reload_in_threads() -> None:
    """Undo reload_between_requests(): a due reload runs in a thread again, every RELOAD_SECONDS (tests)."""
    global _between_requests, _reload_factor
    _between_requests, _reload_factor = False, 1.0


def reload_if_due() -> bool:
    """Reload the vocabulary now if its reload interval has passed; return whether it did."""
    with _lock:
        due = _current is not None and _reload_due(_current, time.monotonic())
    if due:
        _reload(own_connection=False)
    return due


def _reload_due(vocab: Vocabulary, now: float) -> bool:
    return now - vocab.loaded_at > RELOAD_SECONDS * _reload_factor


def _reload_in_background() -> None:
    global _reloading
    if _reloading is not None and _reloading.is_alive():
        return
    _reloading = threading.Thread(target=_reload, name="lookup-vocabulary-reload", daemon=True)
    _reloading.start()


def _reload(own_connection: bool = True) -> None:
    """Load the vocabulary again and put it in place; `own_connection`: close this thread's connections after."""
    global _current
    try:
        fresh = Vocabulary().load()
    except DatabaseError:
        logger.warning("lookup vocabulary reload failed; the loaded one stays in use", exc_info=True)
        with _lock:
            if _current is not None:
                _current.loaded_at = time.monotonic()  # try again after RELOAD_SECONDS, not at every lookup
        return
    finally:
        if own_connection:
            connections.close_all()  # the reload thread's; a web worker keeps its connection for the next request
    with _lock:
        _current = fresh
    if gc.get_freeze_count():
        # A process that froze its heap at start (a web worker, gunicorn.conf.py) keeps the new vocabulary
        # out of the collector's full passes too; the old one is freed as ever, when nothing refers to it.
        gc.freeze()


def warm() -> None:
    """Load the vocabulary before the first lookup (a web worker starting); an unreachable database is left to it."""
    try:
        vocabulary()
    except DatabaseError:
        logger.warning("lookup vocabulary not loaded at start; the first lookup loads it", exc_info=True)


def forget() -> None:
    """Drop the vocabulary so the next lookup reloads it (tests, after a bulk load)."""
    global _current
    with _lock:
        _current = None


def _person_saved(sender, instance: Person, created: bool, **kwargs) -> None:
    # Findable at once; counted by the next catch_up(), which sees every save once.
    with _lock:
        if _current is not None:
            _current.add(instance.surname_key, instance.given_names, count=0, undated=instance.date_of_birth is None)


post_save.connect(_person_saved, sender=Person, dispatch_uid="lookup-vocabulary")
