"""Parse OM/CJIB decision files (JSON, JSON Lines, CSV) into rows with line numbers.

Pure: no database. Each ImportRow is one decision with its person and bans,
in the nested shape of the JSON format; CSV rows of one decision (same
authority and reference) are grouped into one ImportRow. The file format is
described in docs/import-format.md.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from config.jsonsafety import value_problem

from .field_names import BAN_FIELDS, DECISION_COLUMNS, PERSON_FIELDS, PROTECTED_FIELDS

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


@dataclass
class RowError:
    line: int
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "code": self.code, "message": self.message}


@dataclass
class ImportRow:
    """One decision from the file, with where it came from."""

    line: int
    raw: str
    data: dict[str, Any] = field(default_factory=dict)
    ban_lines: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def line_of(self, path: str) -> int:
        """Return the file line of an error path such as "bans[2].radius_m"."""
        if path.startswith("bans[") and self.ban_lines:
            index = int(path[5 : path.index("]")])
            if index < len(self.ban_lines):
                return self.ban_lines[index]
        return self.line


class FileError(ValueError):
    """The file as a whole cannot be read; nothing in it is imported."""

    def __init__(self, line: int, code: str, message: str) -> None:
        self.line, self.code, self.message = line, code, message
        super().__init__(f"regel {line}: {message}")


def parse_file(content: bytes, file_format: str) -> list[ImportRow]:
    """Return the rows of a JSON or CSV file, or raise FileError."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise FileError(line, "encoding", _("het bestand is geen UTF-8")) from exc
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FileError(line, "encoding", _("het bestand bevat NUL-tekens: is het een tekstbestand?"))
    try:
        if file_format == "csv":
            return parse_csv(text)
        if file_format == "json":
            return parse_json(text)
    except csv.Error as exc:  # e.g. a field over the csv module's 128 KiB limit
        raise FileError(0, "invalid_csv", _("ongeldige CSV: %(reason)s") % {"reason": exc}) from exc
    except RecursionError as exc:
        raise FileError(0, "invalid_json", _("ongeldige JSON: te diep genest")) from exc
    raise FileError(0, "format", _("onbekend formaat %(format)s: kies json of csv") % {"format": repr(file_format)})


def guess_format(filename: str, content_type: str = "") -> str:
    """Return "csv" or "json" from a file name or content type (default json)."""
    if filename.lower().endswith(".csv") or "csv" in content_type:
        return "csv"
    return "json"


def parse_json(text: str) -> list[ImportRow]:
    """Parse a JSON array of decisions, or JSON Lines (one decision per line)."""
    if text.lstrip().startswith("["):
        return list(_json_array(text))
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            rows.append(_json_row(line, number, lambda line=line: json.loads(line, parse_constant=str)))
    return rows


def _json_array(text: str):
    decoder = json.JSONDecoder(parse_constant=str)  # NaN stays text, refused per field
    i = _skip_ws(text, text.index("[") + 1)
    if i < len(text) and text[i] == "]":
        return
    while True:
        start = i
        try:
            obj, i = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            message = _("ongeldige JSON: %(reason)s (kolom %(column)s)") % {"reason": exc.msg, "column": exc.colno}
            raise FileError(exc.lineno, "invalid_json", message) from exc
        yield _json_row(text[start:i], _line_at(text, start), lambda obj=obj: obj)
        i = _skip_ws(text, i)
        if i < len(text) and text[i] == ",":
            i = _skip_ws(text, i + 1)
            continue
        if i < len(text) and text[i] == "]" and not text[i + 1 :].strip():
            return
        raise FileError(_line_at(text, i), "invalid_json", _("ongeldige JSON: verwacht ',' of ']'"))


def _json_row(raw: str, line: int, load) -> ImportRow:
    row = ImportRow(line=line, raw=raw)
    try:
        data = load()
    except ValueError as exc:
        row.errors.append(RowError(line, "", "invalid_json", f"ongeldige JSON: {exc}"))
        return row
    if not isinstance(data, dict):
        row.errors.append(RowError(line, "", "invalid_row", _("een beslissing moet een JSON-object zijn")))
        return row
    problem = value_problem(data, max_depth=8)
    if problem is not None:
        row.errors.append(RowError(line, problem[0], "invalid_json", f"ongeldige JSON: {problem[1]}"))
        return row
    row.data = data
    bans = data.get("bans")
    row.ban_lines = [line] * (len(bans) if isinstance(bans, list) else 0)
    return row


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def parse_csv(text: str) -> list[ImportRow]:
    """Parse a CSV file with one ban per row; rows of one decision become one ImportRow."""
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header = [h.strip().lower() for h in next(reader, [])]
    _check_header(header)
    groups: dict[tuple[str, str], ImportRow] = {}
    last = reader.line_num
    for cells in reader:
        first, last = last + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        raw = "\n".join(lines[first - 1 : last])
        if len(cells) != len(header):
            row = ImportRow(line=first, raw=raw)
            row.errors.append(RowError(first, "", "column_count", f"{len(cells)} kolommen, verwacht {len(header)}"))
            groups[("", f"line {first}")] = row
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        key = (values.get("authority", "").lower(), values.get("reference", ""))
        row = groups.setdefault(key, ImportRow(line=first, raw=""))
        _add_csv_line(row, values, first, raw)
    return list(groups.values())


def _delimiter(text: str) -> str:
    # Dutch spreadsheets often write semicolons; take what the header uses.
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _check_header(header: list[str]) -> None:
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        parts = [_("ontbrekende kolommen: %(columns)s") % {"columns": ", ".join(missing)}] if missing else []
        parts += [_("onbekende kolommen: %(columns)s") % {"columns": ", ".join(unknown)}] if unknown else []
        raise FileError(1, "invalid_header", "; ".join(parts))
    if len(set(header)) != len(header):
        raise FileError(1, "invalid_header", _("een kolom komt dubbel voor"))


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
