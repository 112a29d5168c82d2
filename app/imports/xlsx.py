"""The first worksheet of an .xlsx file as rows of text, read as a stream within limits.

An .xlsx file is a zip of XML parts. A small file can unpack to gigabytes (10 million rows in
8 MB), so before anything is parsed the sizes the zip declares for its parts are added up and
checked — the zip module never unpacks more than a part declares, and checks its checksum —
and while the sheet is parsed every row, column and cell is checked against the limits, so a
file beyond them is refused after a fraction of it: the rows of the sheet are first counted in
the unpacked bytes (a regular expression, no parsing). The XML is parsed with expat, by
callbacks that keep only the current row: about three times faster than openpyxl's reader on
a typical export, in constant memory per row. A document type declaration (the door to entity
expansion) is refused.

Cells become text as openpyxl made them before: numbers without a trailing ``.0``, dates and
times of date-formatted cells as ``2026-09-14T08:30`` and ``08:30``, booleans as ``True`` and
``False``, formulas as their last computed value.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

from app.core.stored_text import N_
from app.imports.limits import ImportLimits, TableError, dutch_number

# More parts than a spreadsheet export has (a workbook with a few sheets has about 15).
MAX_PARTS = 1_000
CHUNK = 64 * 1024
SEPARATOR = "|"  # between an element's namespace and its name, as expat reports them
WINDOWS_EPOCH = datetime(1899, 12, 30)
MAC_EPOCH = datetime(1904, 1, 1)
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})", re.ASCII)
_DIGITS = re.compile(r"[0-9]{1,9}", re.ASCII)
_DIMENSION = re.compile(r"[A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}([0-9]{1,9})", re.ASCII)

DAMAGED = (
    "Het .xlsx-bestand is beschadigd of geen Excel-bestand. Open het in Excel en sla het "
    "opnieuw op, of sla het op als CSV."
)


def damaged_sheet(line: int) -> TableError:
    return TableError(
        N_(
            "Regel %(value)s: het werkblad is hier beschadigd (onleesbare of "
            "afgebroken gegevens). Open het bestand in Excel en sla het opnieuw "
            "op, of sla het op als CSV."
        )
        % {"value": dutch_number(line)}
    )


def cell_text(value: object) -> str:
    """A cell's value as the importers read it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep="T", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def from_serial(value: float, epoch: datetime, *, duration: bool) -> datetime | time | timedelta:
    """An Excel date serial as a date-time (a time of day below 1, a duration for ``[h]:mm``),
    as openpyxl converts it. Raises OverflowError or ValueError beyond Python's dates."""
    if duration:
        return timedelta(days=value)
    day, fraction = divmod(value, 1)
    moment = timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= value < 1 and moment.days == 0:
        return (datetime.min + moment).time()
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel's 29 February 1900, which never was
    return epoch + timedelta(days=day) + moment


def _local(name: str) -> str:
    return name.rpartition(SEPARATOR)[2]


def _parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
    *,
    namespaces: bool = True,
) -> Any:
    """An expat parser that refuses a document type declaration. ``namespaces``: element
    names as ``namespace|name``; else as written (``c``, or ``x:c`` with a prefix)."""
    parser = expat.ParserCreate(namespace_separator=SEPARATOR if namespaces else None)
    parser.buffer_text = True

    def refuse_doctype(*_args: object) -> None:
        raise TableError(DAMAGED)

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _parse_part(
    archive: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream one part through expat; a missing or broken part is a damaged file."""
    parser = _parser(start, end, text)
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except TableError:
        raise
    except (KeyError, expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise TableError(DAMAGED) from None
    except (RuntimeError, NotImplementedError, ValueError):  # encrypted, unknown compression
        raise TableError(DAMAGED) from None


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, target part name)."""
    folder, base = posixpath.split(part)
    found: dict[str, tuple[str, str]] = {}

    def start(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(path))

    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels in archive.NameToInfo:
        _parse_part(archive, rels, start)
    return found


@dataclass
class Workbook:
    sheet: str
    strings: str | None
    styles: str | None
    epoch: datetime = WINDOWS_EPOCH


def _workbook(archive: zipfile.ZipFile) -> Workbook:
    package = _relationships(archive, "")
    book = next(
        (target for kind, target in package.values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    parts = _relationships(archive, book)
    sheets: list[str] = []
    epoch = [WINDOWS_EPOCH]

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "sheet":
            ids = [v for k, v in attrs.items() if SEPARATOR in k and _local(k) == "id"]
            kind, target = parts.get(ids[0] if ids else "", ("", ""))
            if kind.endswith("/worksheet"):
                sheets.append(target)
        elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            epoch[0] = MAC_EPOCH

    _parse_part(archive, book, start)
    if not sheets:
        raise TableError(DAMAGED)

    def part(suffix: str) -> str | None:
        return next((t for kind, t in parts.values() if kind.endswith(suffix)), None)

    return Workbook(sheets[0], part("/sharedStrings"), part("/styles"), epoch[0])


def _shared_strings(archive: zipfile.ZipFile, part: str, limits: ImportLimits) -> list[str]:
    """The texts of ``<si>`` items: their ``<t>`` and ``<r><t>``, not the phonetic ``<rPh>``."""
    strings: list[str] = []
    pieces: list[str] = []
    state = {"collect": False, "phonetic": False, "length": 0}

    def start(name: str, _attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "si":
            pieces.clear()
            state["length"] = 0
            if len(strings) >= limits.max_rows:
                raise TableError(
                    N_(
                        "Het .xlsx-bestand bevat meer dan %(value)s verschillende teksten. Dit "
                        "is geen gewone export."
                    )
                    % {"value": dutch_number(limits.max_rows)}
                )
        elif local == "rPh":
            state["phonetic"] = True
        elif local == "t" and not state["phonetic"]:
            state["collect"] = True

    def end(name: str) -> None:
        local = _local(name)
        if local == "t":
            state["collect"] = False
        elif local == "rPh":
            state["phonetic"] = False
        elif local == "si":
            strings.append("".join(pieces))

    def text(data: str) -> None:
        if state["collect"]:
            pieces.append(data)
            state["length"] += len(data)
            if state["length"] > limits.max_cell_chars:
                raise limits.cell_too_long(None)

    _parse_part(archive, part, start, end, text)
    return strings


def _date_styles(archive: zipfile.ZipFile, part: str) -> dict[int, bool]:
    """The cell styles (``s`` of a cell) that show a date or time: style -> is a duration."""
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    cell_formats: list[int] = []
    inside = {"cellXfs": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "numFmt" and _DIGITS.fullmatch(attrs.get("numFmtId", "")):
            formats[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            inside["cellXfs"] = True
        elif local == "xf" and inside["cellXfs"]:
            number = attrs.get("numFmtId", "0")
            cell_formats.append(int(number) if _DIGITS.fullmatch(number) else 0)

    def end(name: str) -> None:
        if _local(name) == "cellXfs":
            inside["cellXfs"] = False

    _parse_part(archive, part, start, end)
    styles = {}
    for style, number in enumerate(cell_formats):
        code = formats.get(number)
        if is_date_format(code):
            styles[style] = is_timedelta_format(code)
    return styles


def _column(letters: str) -> int | None:
    if not (
        0 < len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper()
    ):
        return None
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


A = TypeVar("A")


def _ignore(_argument: object) -> None:
    return None


class _Handlers(dict[str, Callable[[A], None]]):
    """Handlers by element name as written (``c``, or ``x:c`` with a prefix): a name seen for
    the first time is looked up by its local name, then remembered."""

    def __missing__(self, name: str) -> Callable[[A], None]:
        local = name.rpartition(":")[2]
        handler = self[name] = self.get(local, _ignore) if local != name else _ignore
        return handler


@dataclass
class _Sheet:
    """The callbacks that turn a worksheet's XML into rows: ``done`` holds the finished rows
    until :func:`read_xlsx` hands them on. Every element costs a few Python calls, so each
    name is dispatched once through a dictionary and cell columns and styles are cached."""

    strings: list[str]
    date_styles: dict[int, bool]
    epoch: datetime
    limits: ImportLimits
    done: list[tuple[int, list[str]]] = field(default_factory=list)
    line: int = 0
    rows_seen: int = 0
    in_row: bool = False
    cells: dict[int, str] = field(default_factory=dict)
    column: int = 0
    kind: str = "n"
    style: str = "0"
    text: list[str] = field(default_factory=list)
    length: int = 0
    collect: bool = False
    inline: bool = False
    phonetic: bool = False
    columns: dict[str, int] = field(default_factory=dict)
    starts: _Handlers[dict[str, str]] = field(init=False)
    ends: _Handlers[None] = field(init=False)

    def __post_init__(self) -> None:
        self.outside = (
            _Handlers({"sheetData": self.start_data, "dimension": self.start_dimension}),
            _Handlers[None]({}),
        )
        self.inside = (
            _Handlers(
                {
                    "row": self.start_row,
                    "c": self.start_cell,
                    "v": self.start_value,
                    "t": self.start_text,
                    "is": self.start_inline,
                    "rPh": self.start_phonetic,
                }
            ),
            _Handlers(
                {
                    "sheetData": self.end_data,
                    "row": self.end_row,
                    "c": self.end_cell,
                    "v": self.end_text,
                    "t": self.end_text,
                    "is": self.end_inline,
                    "rPh": self.end_phonetic,
                }
            ),
        )
        self.starts, self.ends = self.outside

    # --- dispatch: only sheetData's content makes rows ----------------------------------

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.starts[name](attrs)

    def end(self, name: str) -> None:
        self.ends[name](None)

    # --- elements -------------------------------------------------------------------------

    def start_data(self, _attrs: dict[str, str]) -> None:
        self.starts, self.ends = self.inside

    def end_data(self, _none: None) -> None:
        self.starts, self.ends = self.outside

    def start_dimension(self, attrs: dict[str, str]) -> None:
        """The sheet's own statement of its size: a sheet that says it is too big is."""
        match = _DIMENSION.fullmatch(attrs.get("ref", ""))
        if match and int(match.group(1)) > self.limits.max_rows + 1:
            raise self.limits.too_many_rows()

    def start_row(self, attrs: dict[str, str]) -> None:
        self.rows_seen += 1
        number = attrs.get("r")
        if number is None:
            self.line += 1
        elif number.isascii() and number.isdigit() and len(number) <= 12:
            self.line = int(number)
        else:
            raise damaged_sheet(self.line + 1)
        if self.line > self.limits.max_rows + 1 or self.rows_seen > self.limits.max_rows + 1:
            raise self.limits.too_many_rows(self.line)
        self.in_row = True
        self.cells = {}
        self.column = 0

    def end_row(self, _none: None = None) -> None:
        if self.cells:
            width = max(self.cells)
            self.done.append((self.line, [self.cells.get(i, "") for i in range(1, width + 1)]))
        self.in_row = False

    def start_cell(self, attrs: dict[str, str]) -> None:
        reference = attrs.get("r")
        if reference is None:
            self.column += 1
        else:
            letters = reference.rstrip("0123456789")
            column = self.columns.get(letters)
            if column is None:
                column = _column(letters)
                if column is None:
                    raise damaged_sheet(self.line)
                self.columns[letters] = column
            self.column = column
        if self.column > self.limits.max_columns:
            raise self.limits.too_many_columns(self.line)
        self.kind = attrs.get("t", "n")
        self.style = attrs.get("s", "0")
        self.text = []
        self.length = 0

    def end_cell(self, _none: None = None) -> None:
        value = self.value("".join(self.text))
        if value:
            self.cells[self.column] = value

    def start_value(self, _attrs: dict[str, str]) -> None:
        self.collect = True

    def start_text(self, _attrs: dict[str, str]) -> None:
        self.collect = self.inline and not self.phonetic

    def end_text(self, _none: None = None) -> None:
        self.collect = False

    def start_inline(self, _attrs: dict[str, str]) -> None:
        self.inline = True

    def end_inline(self, _none: None = None) -> None:
        self.inline = False

    def start_phonetic(self, _attrs: dict[str, str]) -> None:
        self.phonetic = True

    def end_phonetic(self, _none: None = None) -> None:
        self.phonetic = False

    def characters(self, data: str) -> None:
        if self.collect:
            self.text.append(data)
            self.length += len(data)
            if self.length > self.limits.max_cell_chars:
                raise self.limits.cell_too_long(self.line)

    # --- values ---------------------------------------------------------------------------

    def value(self, text: str) -> str:
        kind = self.kind
        if kind == "s":
            if not _DIGITS.fullmatch(text.strip()) or int(text) >= len(self.strings):
                raise damaged_sheet(self.line)
            return self.strings[int(text)].strip()
        if kind == "n":
            return self.number(text.strip()) if text else ""
        if kind == "b":
            return "True" if text.strip() in ("1", "true") else "False"
        if kind == "d":
            try:
                return cell_text(datetime.fromisoformat(text.strip()))
            except ValueError:
                return text.strip()
        return text.strip()  # inlineStr, str (a formula's text), e (an error such as #N/A)

    def number(self, text: str) -> str:
        try:
            number = float(text)
            style = int(self.style) if _DIGITS.fullmatch(self.style) else 0
            if style in self.date_styles:
                duration = self.date_styles[style]
                return cell_text(from_serial(number, self.epoch, duration=duration))
            if "." in text or "e" in text.lower():
                return cell_text(number)
            return cell_text(int(text))
        except (ValueError, OverflowError):
            return text  # not a number, or a date Python cannot hold: the text as written


def _open(data: bytes, limits: ImportLimits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise TableError(DAMAGED) from None
    if len(parts) > MAX_PARTS:
        raise TableError(
            N_("Het .xlsx-bestand heeft meer dan %(value)s onderdelen. Dit is geen gewone export.")
            % {"value": dutch_number(MAX_PARTS)}
        )
    if sum(part.file_size for part in parts) > limits.max_bytes:
        raise limits.too_big(unpacked=True)
    return archive


# A row's start tag, with or without a namespace prefix: <row>, <row r="2">, <x:row/>.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][A-Za-z0-9_.-]{0,40}:)?row[\s/>]")
_OVERLAP = 64  # longer than any row tag: a tag cut by a chunk's end is counted in the next


def _count_rows(archive: zipfile.ZipFile, part: str, limits: ImportLimits) -> None:
    """Refuse a sheet with more rows than the limit before parsing any: its row tags are
    counted in the unpacked bytes (a regular expression at C speed), so a compact bomb of
    millions of tiny rows costs neither parsing time nor memory."""
    rows = 0
    tail = b""
    try:
        with archive.open(part) as stream:
            while True:
                chunk = stream.read(1 << 20)
                window = tail + chunk
                cut = max(len(window) - _OVERLAP, 0) if chunk else len(window)
                rows += sum(1 for tag in _ROW_TAG.finditer(window) if tag.start() < cut)
                if rows > limits.max_rows + 1:
                    raise limits.too_many_rows()
                if not chunk:
                    return
                tail = window[cut:]
    except TableError:
        raise
    except KeyError:
        raise TableError(DAMAGED) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):  # cut off, or a wrong checksum
        raise damaged_sheet(rows + 1) from None
    except (RuntimeError, NotImplementedError, ValueError):  # encrypted, unknown compression
        raise TableError(DAMAGED) from None


def read_xlsx(data: bytes, limits: ImportLimits) -> Iterator[tuple[int, list[str]]]:
    """Each row of the first worksheet that has a value: (row number, cell texts). Raises
    :class:`TableError` for a file beyond the limits or damaged (naming the row it got to)."""
    with _open(data, limits) as archive:
        book = _workbook(archive)
        strings = _shared_strings(archive, book.strings, limits) if book.strings else []
        styles = _date_styles(archive, book.styles) if book.styles else {}
        _count_rows(archive, book.sheet, limits)
        sheet = _Sheet(strings, styles, book.epoch, limits)
        parser = _parser(sheet.start, sheet.end, sheet.characters, namespaces=False)
        try:
            stream = archive.open(book.sheet)
        except (KeyError, zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError):
            raise TableError(DAMAGED) from None
        with stream:
            while True:
                try:
                    chunk = stream.read(CHUNK)
                    parser.Parse(chunk, not chunk)
                except TableError:
                    raise
                except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
                    raise damaged_sheet(sheet.line + (0 if sheet.in_row else 1)) from None
                yield from sheet.done
                sheet.done.clear()
                if not chunk:
                    break
