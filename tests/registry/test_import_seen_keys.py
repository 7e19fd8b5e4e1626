"""The importer's memory of references already read in a file: exact answers, rollback, flat memory."""

import tracemalloc

from registry.import_seen import SeenKeys


def key(n: int) -> tuple[str, str]:
    return ("court", f"J{n:07d}-26")


def test_first_line_of_a_reference_survives_checkpoints_and_pending_rows_roll_back():
    seen = SeenKeys()
    seen.add(key(1), 2)
    seen.checkpoint()
    seen.add(key(2), 3)
    assert (seen.first_line(key(1)), seen.first_line(key(2)), seen.first_line(key(3))) == (2, 3, None)
    seen.rollback()  # the chunk holding line 3 was not committed
    assert (seen.first_line(key(1)), seen.first_line(key(2))) == (2, None)
    seen.add(key(2), 3)
    seen.checkpoint()
    assert seen.first_line(key(2)) == 3
    assert seen.first_line(("om", key(2)[1])) is None  # the same reference from another authority is another key


def test_many_checkpoints_keep_every_first_line():
    seen = SeenKeys()
    for n in range(5000):
        seen.add(key(n), n + 2)
        if n % 97 == 0:
            seen.checkpoint()
    seen.checkpoint()
    assert all(seen.first_line(key(n)) == n + 2 for n in range(0, 5000, 7))
    assert seen.first_line(key(5000)) is None


def test_a_hundred_thousand_references_take_under_two_megabytes():
    # Python tuples of two strings in a dict took about 240 bytes a reference: 23 MB for 100,000.
    tracemalloc.start()
    seen = SeenKeys()
    for n in range(100_000):
        seen.add(key(n), n + 2)
        if n % 500 == 499:
            seen.checkpoint()
    seen.checkpoint()
    held, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert held < 2 * 1024 * 1024, held
    assert seen.first_line(key(99_999)) == 100_001
