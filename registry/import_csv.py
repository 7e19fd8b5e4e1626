"""Parse CSV decision files row by row: one ban per row, consecutive rows of one decision form one ImportRow.

Pure: no database. The header names the columns (docs/import-format.md); an
unknown or misspelt column refuses the file at line 1, with the column it
probably meant.
"""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from .field_names import BAN_FIELDS, DECISION_COLUMNS, PERSON_FIELDS, PROTECTED_FIELDS
from .import_formats import FileError, ImportRow, RowError, TextReader
from .import_keys import suggestion

CSV_COLUMNS = (
    DECISION_COLUMNS
    + tuple(f"person_{name}" for name in PERSON_FIELDS)
    + tuple("ban_kind" if name == "kind" else "ban_status" if name == "status" else name for name in BAN_FIELDS)
    + tuple(f"protected_{name}" for name in PROTECTED_FIELDS)
)
CSV_REQUIRED = ("authority", "legal_basis", "reference", "ban_kind")
LIST_CELLS = {"contact_modes", "person_aliases"}
JSON_CELLS = {"zone_geojson", "time_windows"}
BOOLEAN_WORDS = {"ja": "true", "nee": "false", "j": "true", "n": "false"}


class _Tap:
    """Hand lines to the csv module and keep those of the current record, for its raw text."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines, self.taken = lines, []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line

    def take(self) -> str:
        raw, self.taken = "".join(self.taken), []
        return raw.rstrip("\r\n")


def iter_csv(reader: TextReader) -> Iterator[ImportRow]:
    """Yield one ImportRow per decision; the rows of a decision must follow each other."""
    lines = reader.lines()
    first = next(lines, "")
    tap = _Tap(_chain(first, lines))
    cells = csv.reader(tap, delimiter=_delimiter(first))
    try:
        yield from _records(cells, tap)
    except csv.Error as exc:  # e.g. a field over the csv module's 128 KiB limit
        line = cells.line_num or 1
        raise FileError(line, "invalid_csv", _("ongeldige CSV: %(reason)s") % {"reason": exc}) from exc


def check_header_of(reader: TextReader) -> None:
    """Read the header line only and refuse it as the importer would."""
    first = next(reader.lines(), "")
    check_header([h.strip().lower() for h in next(csv.reader([first], delimiter=_delimiter(first)), [])])


def _delimiter(first_line: str) -> str:
    # Dutch spreadsheets often write semicolons; take what the header uses.
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _records(cells, tap: _Tap) -> Iterator[ImportRow]:
    header = [h.strip().lower() for h in next(cells, [])]
    tap.take()
    check_header(header)
    current: tuple[tuple[str, str], ImportRow] | None = None
    last = cells.line_num
    for values in cells:
        first, last = last + 1, cells.line_num
        raw = tap.take()
        if not any(c.strip() for c in values):
            continue
        if len(values) != len(header):
            if current is not None:
                yield current[1]
                current = None
            row = ImportRow(line=first, raw=raw, last_line=last)
            row.errors.append(RowError(first, "", "column_count", f"{len(values)} kolommen, verwacht {len(header)}"))
            yield row
            continue
        named = {name: cell.strip() for name, cell in zip(header, values, strict=True)}
        key = (named.get("authority", "").lower(), named.get("reference", ""))
        if current is None or current[0] != key:
            if current is not None:
                yield current[1]
            current = (key, ImportRow(line=first, raw=""))
        _add_csv_line(current[1], named, first, raw)
        current[1].last_line = last
    if current is not None:
        yield current[1]


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def check_header(header: list[str]) -> None:
    """Refuse a header that misses required columns or names unknown ones (with the likely meant name)."""
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [_unknown_column(c) for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        parts = [_("ontbrekende kolommen: %(columns)s") % {"columns": ", ".join(missing)}] if missing else []
        parts += [_("onbekende kolommen: %(columns)s") % {"columns": ", ".join(unknown)}] if unknown else []
        raise FileError(1, "invalid_header", "; ".join(parts))
    if len(set(header)) != len(header):
        raise FileError(1, "invalid_header", _("een kolom komt dubbel voor"))


def _unknown_column(name: str) -> str:
    meant = suggestion(name, CSV_COLUMNS)
    return _("%(name)s (bedoelt u %(meant)s?)") % {"name": name, "meant": meant} if meant else name


def _add_csv_line(row: ImportRow, values: dict[str, str], line: int, raw: str) -> None:
    row.raw = f"{row.raw}\n{raw}" if row.raw else raw
    decision = {c: _cell(c, values[c], row, line, c) for c in DECISION_COLUMNS if values.get(c)}
    person = {
        f: _cell(f"person_{f}", values[f"person_{f}"], row, line, f"person.{f}")
        for f in PERSON_FIELDS
        if values.get(f"person_{f}")
    }
    if not row.data:
        row.data = {**decision, "person": person, "bans": []}
    else:
        _compare(row, {**decision, "person": person}, line)
    row.data["bans"].append(_csv_ban(values, row, line, len(row.ban_lines)))
    row.ban_lines.append(line)


def _csv_ban(values: dict[str, str], row: ImportRow, line: int, index: int) -> dict[str, Any]:
    ban = {}
    for name in BAN_FIELDS:
        column = {"kind": "ban_kind", "status": "ban_status"}.get(name, name)
        if values.get(column):
            ban[name] = _cell(column, values[column], row, line, f"bans[{index}].{name}")
    protected = {f: values[f"protected_{f}"] for f in PROTECTED_FIELDS if values.get(f"protected_{f}")}
    if protected:
        ban["protected_persons"] = [protected]
    return ban


def _cell(column: str, value: str, row: ImportRow, line: int, path: str) -> Any:
    if column in LIST_CELLS:
        return [item.strip() for item in value.split(";") if item.strip()]
    if column in JSON_CELLS:
        try:
            return json.loads(value, parse_constant=str)
        except ValueError as exc:
            row.errors.append(RowError(line, path, "invalid_json", f"ongeldige JSON in kolom {column}: {exc}"))
            return None
    if column in ("dut", "electronic_monitoring"):
        return BOOLEAN_WORDS.get(value.lower(), value)
    return value


def _compare(row: ImportRow, values: dict[str, Any], line: int) -> None:
    """Refuse a later row of the same decision whose decision or person columns differ."""
    for name, value in values.items():
        if name == "person":
            for key, item in value.items():
                if row.data["person"].get(key) != item:
                    msg = _inconsistent(f"person_{key}", row.line)
                    row.errors.append(RowError(line, f"person.{key}", "inconsistent_rows", msg))
        elif row.data.get(name) != value:
            row.errors.append(RowError(line, name, "inconsistent_rows", _inconsistent(name, row.line)))


def _inconsistent(field: str, first_line: int) -> str:
    return _("%(field)s verschilt van regel %(line)s van dezelfde beslissing") % {"field": field, "line": first_line}
