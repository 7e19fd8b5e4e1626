"""The in-memory vocabulary: words found within the typos allowed, answers remembered and renewed, loaded at start."""

import gc
import weakref
from datetime import date, timedelta

import pytest
from django.utils import timezone

from registry.lookup import similarity, vocabulary
from registry.lookup.similarity import EXACT, ONE_TYPO, TWO_TYPOS
from registry.lookup.vocabulary import WordIndex


def _index(*words: str) -> WordIndex:
    index = WordIndex()
    for word in words:
        index.add(word)
    return index


def test_words_one_and_two_letters_longer_or_shorter_are_found():
    index = _index("zwaluwstaart", "zwaluwstaark", "zwaluwstaarten", "zwaluwstrt", "zwaluwstaartjes", "zwaluw")
    found = index.similar("zwaluwstaart")
    assert found["zwaluwstaart"] == EXACT
    assert found["zwaluwstaark"] == ONE_TYPO
    assert found["zwaluwstaarten"] == TWO_TYPOS
    assert "zwaluwstrt" in found
    assert "zwaluwstaartjes" not in found
    assert "zwaluw" not in found


def test_word_added_after_an_answer_was_remembered_is_found():
    index = _index("zwanenburg")
    assert set(index.similar("zwanenbrug")) == {"zwanenburg"}
    index.add("zwanenbrugge")
    assert "zwanenbrugge" in index.similar("zwanenbrug")


def test_warm_loads_the_vocabulary_before_the_first_lookup(registry):
    registry.person("Noor", "Zwanenburg")
    vocabulary.warm()
    loaded = vocabulary.vocabulary()
    vocabulary.warm()
    assert vocabulary.vocabulary() is loaded
    assert loaded.key_counts["zwanenburg"] == 1


@pytest.mark.django_db(transaction=True)  # the reload reads through a connection of its own
def test_a_stale_vocabulary_answers_at_once_and_is_replaced_in_the_background(registry, monkeypatch):
    registry.person("Noor", "Zwanenburg")
    vocabulary.forget()
    stale = vocabulary.vocabulary()
    monkeypatch.setattr(vocabulary, "RELOAD_SECONDS", 0.0)
    assert vocabulary.vocabulary() is stale  # the lookup does not wait for the reload
    vocabulary._reloading.join(timeout=30)
    assert vocabulary._current is not stale and not vocabulary._reloading.is_alive()
    assert vocabulary._current.key_counts["zwanenburg"] == 1
    vocabulary.forget()


def test_surname_keys_of_persons_without_a_date_of_birth_are_kept_apart_when_loaded_and_caught_up(registry):
    registry.person("Noor", "Zwanenburg", dob=None)
    registry.person("Noor", "Zwanenburg", dob=date(1990, 1, 2))
    registry.person("Anouk", "Zwanenbrug", dob=date(1991, 3, 4))
    vocab = vocabulary.Vocabulary().load()
    assert vocab.surname_keys(["zwanenburg"]).keys() == {"zwanenburg", "zwanenbrug"}
    assert vocab.surname_keys(["zwanenburg"], undated=True).keys() == {"zwanenburg"}
    registry.person("Sem", "Zwanenbrug", dob=None)
    vocab.catch_up()
    assert vocab.surname_keys(["zwanenburg"], undated=True).keys() == {"zwanenburg", "zwanenbrug"}


def _saved_elsewhere(person, stamped=None, **changes):
    """Change a person as another process's save would: the row and its keys, no signal in this one."""
    for name, value in changes.items():
        setattr(person, name, value)
    person.refresh_keys()
    fields = [*changes, "name_key", "surname_key"]
    values = {name: getattr(person, name) for name in fields}
    type(person).objects.filter(pk=person.pk).update(updated_at=stamped or timezone.now(), **values)


def test_a_person_renamed_in_another_process_is_found_by_the_new_name_after_the_next_look(registry):
    person = registry.person("Noor", "Zwanenburg")
    vocab = vocabulary.Vocabulary().load()
    _saved_elsewhere(person, surname="Kraaijeveld", given_names="Noortje")
    assert "kraaijeveld" not in vocab.surname_keys(["kraaijveld"])
    vocab.catch_up()
    assert "kraaijeveld" in vocab.surname_keys(["kraaijveld"])
    assert "noortje" in vocab.given_words.similar("nortje")
    assert vocab.key_counts["kraaijeveld"] == 1


def test_a_change_committed_after_the_last_look_but_stamped_before_it_is_read(registry):
    # A transaction stamps its rows when it saves them and commits later (an import chunk).
    person = registry.person("Noor", "Zwanenburg")
    vocab = vocabulary.Vocabulary().load()
    vocab.catch_up()
    _saved_elsewhere(person, stamped=timezone.now() - vocabulary.CHANGE_OVERLAP / 2, surname="Kraaijeveld")
    vocab.catch_up()
    assert "kraaijeveld" in vocab.surname_keys(["kraaijeveld"])


def test_persons_read_again_within_the_overlap_are_counted_once(registry):
    vocab = vocabulary.Vocabulary().load()
    first = registry.person("Noor", "Zwanenburg")
    person = registry.person("Sem", "Zwanenburg")
    for _ in range(3):
        vocab.catch_up()
    assert vocab.key_counts["zwanenburg"] == 2
    _saved_elsewhere(person, given_names="Semmy")  # the same key: its count stays
    vocab.catch_up()
    assert vocab.key_counts["zwanenburg"] == 2
    assert vocab._changes_seen.keys() == {first.pk, person.pk}


def test_changes_older_than_the_overlap_are_forgotten_and_not_read_again(registry, monkeypatch):
    monkeypatch.setattr(vocabulary, "CHANGE_OVERLAP", timedelta(0))
    vocab = vocabulary.Vocabulary().load()
    person = registry.person("Noor", "Zwanenburg")
    vocab.catch_up()
    assert person.pk not in vocab._changes_seen
    vocab.catch_up()
    assert vocab.key_counts["zwanenburg"] == 1


def test_a_person_whose_date_of_birth_is_struck_elsewhere_is_searched_as_undated(registry):
    person = registry.person("Noor", "Zwanenburg", dob=date(1990, 1, 2))
    vocab = vocabulary.Vocabulary().load()
    assert not vocab.surname_keys(["zwanenburg"], undated=True)
    _saved_elsewhere(person, date_of_birth=None)
    vocab.catch_up()
    assert "zwanenburg" in vocab.surname_keys(["zwanenburg"], undated=True)


def test_a_surname_key_gets_its_row_in_the_key_table_when_added():
    vocab = vocabulary.Vocabulary()
    vocab.add("el amrani zwaluwberg", "")
    vocab.add("zwaluwberg", "", count=3)
    vocab.add("zwaluwberg", "")
    assert vocab.key_table.keys == ["el amrani zwaluwberg", "zwaluwberg"]
    assert vocab.key_table.word_count[vocab.key_table.row_of["el amrani zwaluwberg"]] == 3


def test_a_multi_word_surname_key_has_its_glued_sound_and_skeleton_worked_out_when_added():
    # A lookup compares a typed surname with each key glued together; worked out at load, not in the lookup.
    similarity.sound_of.cache_clear()
    similarity.skeleton_of.cache_clear()
    vocab = vocabulary.Vocabulary()
    vocab.add("el amrani zwaluwberg", "")
    vocab.add("zwaluwberg", "")
    sounds, skeletons = similarity.sound_of.cache_info(), similarity.skeleton_of.cache_info()
    similarity.sound_of("elamranizwaluwberg")
    similarity.skeleton_of("elamranizwaluwberg")
    assert similarity.sound_of.cache_info().hits == sounds.hits + 1
    assert similarity.skeleton_of.cache_info().hits == skeletons.hits + 1


@pytest.mark.parametrize("frozen_at_start", [True, False])
def test_a_reload_freezes_the_new_vocabulary_only_where_the_heap_was_frozen(monkeypatch, frozen_at_start):
    # The reload's reading of the persons is the test above's; here a vocabulary of one name will do.
    def load(self):
        self.add("zwanenburg", "Noor")
        return self

    monkeypatch.setattr(vocabulary.Vocabulary, "load", load)
    vocabulary.forget()
    stale = vocabulary.vocabulary()
    gc.unfreeze()
    try:
        if frozen_at_start:
            gc.freeze()  # as a web worker does after loading (gunicorn.conf.py)
        monkeypatch.setattr(vocabulary, "RELOAD_SECONDS", 0.0)
        vocabulary.vocabulary()
        vocabulary._reloading.join(timeout=30)
        fresh = vocabulary._current
        assert fresh is not stale and gc.is_tracked(fresh)
        # The vocabulary itself, not a count of frozen objects: freeing the old one takes as many out again.
        collected = any(obj is fresh for obj in gc.get_objects())  # frozen objects are not among these
        assert collected is not frozen_at_start
        if not frozen_at_start:
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        vocabulary.forget()


def test_a_replaced_vocabulary_is_freed_by_reference_counting_alone():
    # A frozen heap is never searched for cycles: a vocabulary holding one would stay after each reload.
    vocab = vocabulary.Vocabulary()
    for surname, given in [("jansen", "Piet"), ("van dijk", "Anna Maria"), ("el amrani", "Mohamed")]:
        vocab.add(surname, given)
    vocab.surname_words.similar("jansn")
    vocab.given_words.similar("ana")
    refs = [weakref.ref(vocab), weakref.ref(vocab.surname_words), weakref.ref(vocab.surname_words._near_words)]
    gc.disable()
    try:
        del vocab
        assert all(ref() is None for ref in refs)
    finally:
        gc.enable()


@pytest.fixture
def between_requests():
    vocabulary.reload_between_requests()
    yield
    vocabulary.reload_in_threads()
    vocabulary.forget()


def test_a_web_worker_reloads_between_requests_not_in_a_thread_beside_the_lookup(
    registry, monkeypatch, between_requests
):
    from django.db import connection

    registry.person("Noor", "Zwanenburg")
    vocabulary.forget()
    stale = vocabulary.vocabulary()
    threads = vocabulary._reloading
    monkeypatch.setattr(vocabulary, "RELOAD_SECONDS", 0.0)
    assert vocabulary.vocabulary() is stale  # the lookup answers with what it has and starts nothing
    assert vocabulary._reloading is threads
    registry.person("Sem", "Zwanenbrug")
    assert vocabulary.reload_if_due()  # after the response: in the worker itself
    assert vocabulary._current is not stale
    assert vocabulary._current.key_counts["zwanenbrug"] == 1
    # Kept for the worker's next request.
    assert not connection.closed_in_transaction


def test_a_reload_that_is_not_due_does_nothing(registry, between_requests):
    registry.person("Noor", "Zwanenburg")
    loaded = vocabulary.vocabulary()
    assert not vocabulary.reload_if_due()
    assert vocabulary.vocabulary() is loaded


def test_workers_started_together_draw_reload_intervals_of_their_own(monkeypatch, between_requests):
    factors = set()
    for pid in (4101, 4102, 4103):
        monkeypatch.setattr(vocabulary.os, "getpid", lambda pid=pid: pid)
        vocabulary.reload_between_requests(spread=0.25)
        factors.add(vocabulary._reload_factor)
    assert len(factors) == 3
    assert all(0.75 <= factor <= 1.25 for factor in factors)


def test_a_loaded_vocabulary_has_counted_its_words_letters_before_the_first_lookup(registry):
    # Counted lazily, the first lookup of each word length paid for all words of it (seen: 24 ms of one lookup).
    registry.person("Noor", "Zwanenburg")
    registry.person("Daan", "Elst", "van der")
    vocab = vocabulary.Vocabulary().load()
    indexes = (vocab.surname_words, vocab.undated_surnames.words, vocab.given_words)
    near = [words for index in indexes for words in (index._near_words, index._near_sounds)]
    assert all(words.words_counted() == words.words_held() > 0 for words in near)
