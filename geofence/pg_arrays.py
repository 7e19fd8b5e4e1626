"""Number, boolean and NULL arrays for PostgreSQL in its binary wire format, built by numpy.

A batch sends a thousand values per column. psycopg dumps a list element by
element in Python, and a text array literal costs a `repr` per value here
and a number parse per value in PostgreSQL. The binary form is one numpy
pass: a 4-byte length and the big-endian value per element, exactly what
PostgreSQL's `array_recv` reads back. Pass a `binary_array(...)` as a `%b`
parameter of a psycopg cursor (`geofence.db.bulk_cursor`).
"""

import weakref

import numpy as np
from psycopg.adapt import Dumper
from psycopg.pq import Format

# PostgreSQL type name -> (element type oid, array type oid, big-endian numpy type).
_TYPES = {
    "bigint": (20, 1016, ">i8"),
    "integer": (23, 1007, ">i4"),
    "smallint": (21, 1005, ">i2"),
    "double precision": (701, 1022, ">f8"),
    "real": (700, 1021, ">f4"),
    "boolean": (16, 1000, "u1"),
}
ARRAY_TYPES = frozenset(_TYPES)


class BinaryArray:
    """A one-dimensional array of one PostgreSQL type, dumped as `array_recv` reads it."""

    __slots__ = ("body", "oid")

    def __init__(self, body: bytes, oid: int) -> None:
        self.body = body
        self.oid = oid


def binary_array(values, kind: str) -> BinaryArray:
    """Return `values` (numbers or booleans, None for NULL) as an array of the PostgreSQL type `kind`.

    Raise OverflowError for an integer outside the type's range (numpy refuses it).
    """
    element, oid, dtype = _TYPES[kind]
    values = values.tolist() if isinstance(values, np.ndarray) else list(values)
    n = len(values)
    if not n:
        return BinaryArray(np.array([0, 0, element], dtype=">i4").tobytes(), oid)
    nulls = [k for k, v in enumerate(values) if v is None] if None in values else []
    if nulls:
        values = [0 if v is None else v for v in values]
    width = np.dtype(dtype).itemsize
    elements = np.empty(n, dtype=[("length", ">i4"), ("value", dtype)])
    elements["length"] = width
    elements["value"] = values
    # Dimensions 1, the NULL flag, the element type; then the length and lower bound of the one dimension.
    header = np.array([1, int(bool(nulls)), element, n, 1], dtype=">i4").tobytes()
    if not nulls:
        return BinaryArray(header + elements.tobytes(), oid)
    # A NULL is a length of -1 and no value bytes.
    elements["length"][nulls] = -1
    keep = np.ones((n, 4 + width), dtype=bool)
    keep[nulls, 4:] = False
    return BinaryArray(header + elements.view(np.uint8).reshape(n, 4 + width)[keep].tobytes(), oid)


class _BinaryArrayDumper(Dumper):
    format = Format.BINARY

    def dump(self, obj: BinaryArray) -> bytes:
        return obj.body

    def get_key(self, obj: BinaryArray, format):
        return (BinaryArray, obj.oid)

    def upgrade(self, obj: BinaryArray, format) -> "_BinaryArrayDumper":
        dumper = _BinaryArrayDumper(BinaryArray, self.connection)
        dumper.oid = obj.oid  # the parameter's type: PostgreSQL reads it as that array, no cast needed
        return dumper


_registered: "weakref.WeakSet" = weakref.WeakSet()


def register(conn) -> None:
    """Teach a psycopg connection to send BinaryArray parameters (once per connection)."""
    if conn not in _registered:
        conn.adapters.register_dumper(BinaryArray, _BinaryArrayDumper)
        _registered.add(conn)
