"""PostgreSQL's binary COPY format, built from numpy columns in one pass.

Every field has a fixed width (int8, float8, timestamptz as int8), so a row
is one record of a numpy structured array and the whole COPY body is that
array's bytes between a header and a trailer: no per-row Python work. A NULL
would change a row's width, so callers send NaN and turn it back into NULL in SQL.
"""

from collections.abc import Sequence

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + np.array([0, 0], dtype=">i4").tobytes()  # signature, flags, no extension
TRAILER = np.array([-1], dtype=">i2").tobytes()
# timestamptz travels as microseconds since 2000-01-01 UTC.
PG_EPOCH_S = 946_684_800

# One fixed-width field per kind: (numpy type, byte length).
_FIELDS = {"int8": (">i8", 8), "float8": (">f8", 8), "timestamptz": (">i8", 8)}


def binary_copy(kinds: Sequence[str], columns: Sequence[np.ndarray]) -> bytes:
    """Return the COPY ... (FORMAT BINARY) body of the rows given column by column.

    `kinds` names each column's type (int8, float8, timestamptz); timestamptz
    columns hold Unix seconds (float), kept to the microsecond.
    """
    n = len(columns[0]) if columns else 0
    layout = [("count", ">i2")]
    for k, kind in enumerate(kinds):
        layout += [(f"len{k}", ">i4"), (f"v{k}", _FIELDS[kind][0])]
    rows = np.empty(n, dtype=np.dtype(layout))
    rows["count"] = len(kinds)
    for k, (kind, column) in enumerate(zip(kinds, columns, strict=True)):
        rows[f"len{k}"] = _FIELDS[kind][1]
        if kind == "timestamptz":
            column = np.rint((np.asarray(column, dtype=np.float64) - PG_EPOCH_S) * 1e6)
        rows[f"v{k}"] = column
    return HEADER + rows.tobytes() + TRAILER
