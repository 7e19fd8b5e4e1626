"""The (authority, reference) keys an import job has accepted so far in one file, with their first line.

A file must not hold one decision twice; the job refuses the repeat and names the line of the first.
Remembering every key as a Python tuple of two strings cost about 240 bytes a key, so a job's memory
grew with its file (20 MB a 100,000 rows). Here a key is a 64-bit digest in a sorted numpy array beside
its line: 16 bytes a key. Two different keys sharing a digest would refuse the second as a repeat (and
say so, with both lines in the report): about one chance in 10^8 for a file of a million decisions.

Keys added since the last checkpoint are pending: a chunk whose bulk write fails rolls them back before
its rows are imported one by one.
"""

from hashlib import blake2b

import numpy as np


def _digest(key: tuple[str, str]) -> int:
    raw = blake2b("\x1f".join(key).encode(), digest_size=8).digest()
    return int.from_bytes(raw, "little", signed=True)


class SeenKeys:
    def __init__(self) -> None:
        self._digests = np.empty(0, dtype=np.int64)  # sorted
        self._lines = np.empty(0, dtype=np.int64)  # the first line of each digest, same order
        self._pending: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._digests) + len(self._pending)

    def first_line(self, key: tuple[str, str]) -> int | None:
        """Return the line where the key was first accepted, or None for a key not seen yet."""
        digest = _digest(key)
        if digest in self._pending:
            return self._pending[digest]
        at = int(np.searchsorted(self._digests, digest))
        if at < len(self._digests) and self._digests[at] == digest:
            return int(self._lines[at])
        return None

    def add(self, key: tuple[str, str], line: int) -> None:
        """Remember the key's line unless the key is known already (the first line stays)."""
        if self.first_line(key) is None:
            self._pending[_digest(key)] = line

    def checkpoint(self) -> None:
        """Keep the pending keys for good (their chunk is committed)."""
        if not self._pending:
            return
        digests = np.fromiter(self._pending.keys(), dtype=np.int64, count=len(self._pending))
        lines = np.fromiter(self._pending.values(), dtype=np.int64, count=len(self._pending))
        order = np.argsort(digests)
        digests, lines = digests[order], lines[order]
        at = np.searchsorted(self._digests, digests)
        self._digests = np.insert(self._digests, at, digests)
        self._lines = np.insert(self._lines, at, lines)
        self._pending.clear()

    def rollback(self) -> None:
        """Forget the keys added since the last checkpoint (their chunk was not committed)."""
        self._pending.clear()
