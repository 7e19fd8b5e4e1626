"""Parse OM/CJIB decision files (JSON array, JSON Lines, CSV) into rows with line numbers, streaming.

Pure: no database. Each ImportRow is one decision with its person and bans,
in the nested shape of the JSON format. The file is read in pieces: a JSON
array one object at a time, JSON Lines and CSV line by line, so memory does
not grow with the file. The format is described in docs/import-format.md.
"""

import codecs
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from config.jsonsafety import value_problem

from .import_keys import UNKNOWN_CODE, unknown_keys

READ_SIZE = 64 * 1024


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
    last_line: int = 0  # the file's last line of this decision (CSV: its last row)

    def line_of(self, path: str) -> int:
        """Return the file line of an error path such as "bans[2].radius_m"."""
        if path.startswith("bans[") and self.ban_lines:
            index = int(path[5 : path.index("]")])
            if index < len(self.ban_lines):
                return self.ban_lines[index]
        return self.line

    @property
    def end_line(self) -> int:
        return max(self.last_line, self.line)


class FileError(ValueError):
    """The file cannot be read on from this line; nothing after it is imported."""

    def __init__(self, line: int, code: str, message: str) -> None:
        self.line, self.code, self.message = line, code, message
        super().__init__(f"regel {line}: {message}")


class TextReader:
    """Decode a binary stream as UTF-8 piece by piece, refusing bad bytes and NUL with their line."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.lines_read = 0  # newlines in the text handed out so far
        self.started = False

    def read(self, size: int = READ_SIZE) -> str:
        """Return the next piece of text ("" at the end)."""
        while True:
            data = self.stream.read(size)
            try:
                text = self.decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                line = self.lines_read + data[: exc.start].count(b"\n") + 1
                raise FileError(line, "encoding", _("het bestand is geen UTF-8")) from exc
            if not self.started and text:
                self.started = True
                text = text.removeprefix("\ufeff")
            if "\x00" in text:
                line = self.lines_read + text.count("\n", 0, text.index("\x00")) + 1
                raise FileError(line, "encoding", _("het bestand bevat NUL-tekens: is het een tekstbestand?"))
            self.lines_read += text.count("\n")
            if text or not data:
                return text

    def lines(self, pending: str = "") -> Iterator[str]:
        """Yield the text (after `pending`, text already read) line by line, each with its "\n"."""
        while True:
            start = 0
            while (end := pending.find("\n", start)) >= 0:
                yield pending[start : end + 1]
                start = end + 1
            pending = pending[start:]
            piece = self.read()
            if not piece:
                break
            pending += piece
        if pending:
            yield pending

    def position(self) -> int | None:
        """Return how many bytes of the stream were read, when it can tell."""
        try:
            return self.stream.tell()
        except (OSError, AttributeError):
            return None


def iter_rows(stream: IO[bytes], file_format: str, reader: TextReader | None = None) -> Iterator[ImportRow]:
    """Yield the decisions of a JSON or CSV stream in file order; raise FileError where it cannot go on."""
    from .import_csv import iter_csv  # the CSV reader uses the types above

    reader = reader or TextReader(stream)
    try:
        if file_format == "csv":
            yield from iter_csv(reader)
        elif file_format == "json":
            yield from iter_json(reader)
        else:
            message = _("onbekend formaat %(format)s: kies json of csv") % {"format": repr(file_format)}
            raise FileError(0, "format", message)
    except RecursionError as exc:
        raise FileError(reader.lines_read + 1, "invalid_json", _("ongeldige JSON: te diep genest")) from exc


def parse_file(content: bytes, file_format: str) -> list[ImportRow]:
    """Return all rows of a file held in memory (small files and tests)."""
    return list(iter_rows(io.BytesIO(content), file_format))


def guess_format(filename: str, content_type: str = "") -> str:
    """Return "csv" or "json" from a file name or content type (default json)."""
    if filename.lower().endswith(".csv") or "csv" in content_type:
        return "csv"
    return "json"


def iter_json(reader: TextReader) -> Iterator[ImportRow]:
    """Yield the decisions of a JSON array, or of JSON Lines (one decision per line)."""
    start = ""
    while not start.strip():
        piece = reader.read()
        if not piece:
            return
        start += piece
    if start.lstrip().startswith("["):
        yield from JsonArray(reader, start, 1).rows()
        return
    for number, line in enumerate(reader.lines(start), start=1):
        if line.strip():
            text = line.rstrip("\r\n")
            yield json_row(text, number, lambda text=text: json.loads(text, parse_constant=str))


class JsonArray:
    """Read a JSON array one element at a time from a text stream, with the line each element starts on."""

    def __init__(self, reader: TextReader, first: str, first_line: int) -> None:
        self.reader = reader
        self.decoder = json.JSONDecoder(parse_constant=str)  # NaN stays text, refused per field
        self.buf, self.pos, self.line, self.eof = first, 0, first_line, False

    def rows(self) -> Iterator[ImportRow]:
        self._skip_ws()
        self._advance(1)  # the "["
        self._skip_ws()
        if self._peek() == "]":
            return self._expect_end()
        while True:
            start_line, raw, obj = self._element()
            yield json_row(raw, start_line, lambda obj=obj: obj)
            self._skip_ws()
            char = self._peek()
            if char == ",":
                self._advance(1)
                self._skip_ws()
                continue
            if char == "]":
                return self._expect_end()
            raise FileError(self.line, "invalid_json", _("ongeldige JSON: verwacht ',' of ']'"))

    def _element(self) -> tuple[int, str, Any]:
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                line = self.line + self.buf.count("\n", self.pos, exc.pos)
                message = _("ongeldige JSON: %(reason)s (kolom %(column)s)") % {"reason": exc.msg, "column": exc.colno}
                raise FileError(line, "invalid_json", message) from exc
            if end >= len(self.buf) and self._more():
                continue  # a number cut off by the end of the piece read
            start_line, raw = self.line, self.buf[self.pos : end]
            self._advance(end - self.pos)
            return start_line, raw, obj

    def _expect_end(self) -> None:
        self._advance(1)
        while True:
            rest = self.buf[self.pos :]
            if rest.strip():
                line = self.line + rest[: len(rest) - len(rest.lstrip())].count("\n")
                raise FileError(line, "invalid_json", _("ongeldige JSON: tekst na het einde van de lijst"))
            self._advance(len(rest))
            if not self._more():
                return

    def _peek(self) -> str:
        if self.pos >= len(self.buf):
            self._more()
        return self.buf[self.pos] if self.pos < len(self.buf) else ""

    def _skip_ws(self) -> None:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self._advance(1)
            if self.pos < len(self.buf) or not self._more():
                return

    def _advance(self, count: int) -> None:
        self.line += self.buf.count("\n", self.pos, self.pos + count)
        self.pos += count

    def _more(self) -> bool:
        """Read another piece into the buffer, dropping what was consumed; False at the end of the file."""
        if self.eof:
            return False
        piece = self.reader.read()
        self.buf, self.pos = self.buf[self.pos :] + piece, 0
        self.eof = not piece
        return bool(piece)


def json_row(raw: str, line: int, load) -> ImportRow:
    row = ImportRow(line=line, raw=raw, last_line=line + raw.count("\n"))
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
    row.errors += [RowError(line, path, UNKNOWN_CODE, message) for path, message in unknown_keys(data)]
    row.data = data
    bans = data.get("bans")
    row.ban_lines = [line] * (len(bans) if isinstance(bans, list) else 0)
    return row
