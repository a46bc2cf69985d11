"""Read the cells of an .xlsx workbook with expat callbacks: values, hidden columns, fills, % formats.

openpyxl builds an object for every cell and every shared string, which made opening the workbook
the slowest step of an import. The import needs far less: each visible worksheet's values, with
dates as dates, which columns are hidden, solid fill colours (a RAG written as a colour) and which
numbers are formatted as percentages. DTDs and entities are refused, as defusedxml does.
openpyxl stays the reference: tests/unit/test_exchange_xlsx.py checks this reader against it, and
its date and number-format rules are used here rather than rewritten.
"""

import posixpath
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

READ_CHUNK = 1 << 16


class UnsafeXML(ValueError):
    """The workbook's XML declares a DTD or entities: never expanded, never read."""


@dataclass
class WorksheetCells:
    """What one worksheet holds, as the import reads it."""

    name: str
    rows: list  # [(row number, [values])], every row from 1 to the last, as wide as the widest
    hidden_columns: set = field(default_factory=set)
    fills: dict = field(default_factory=dict)  # {(row number, column index): "RRGGBB"}
    percent_cells: set = field(default_factory=set)


def _local(name):
    return name.rpartition(":")[2]


def _refuse(*_args):
    raise UnsafeXML("The workbook's XML declares entities")


def _parse(source, start, end=None, text=None):
    """Run expat over a file-like object, handing the callbacks tag names without their prefix.

    Parts almost always use the default namespace, so the handlers are called directly; a part
    whose root element carries a prefix ('x:worksheet') gets them stripped on the way.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.buffer_text = True

    def first(name, attrs):
        if ":" in name:
            parser.StartElementHandler = lambda tag, attributes: start(_local(tag), attributes)
            if end is not None:
                parser.EndElementHandler = lambda tag: end(_local(tag))
        else:
            parser.StartElementHandler = start
            if end is not None:
                parser.EndElementHandler = end
        start(_local(name), attrs)

    parser.StartElementHandler = first
    if end is not None:
        parser.EndElementHandler = lambda tag: end(_local(tag))
    if text is not None:
        parser.CharacterDataHandler = text
    while chunk := source.read(READ_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _attr(attrs, name, default=None):
    """An attribute by local name, whatever namespace prefix it carries."""
    if name in attrs:
        return attrs[name]
    for key, value in attrs.items():
        if _local(key) == name:
            return value
    return default


class _Styles:
    """For each cell style index: is it a date, a duration, a percentage, and its solid fill colour."""

    def __init__(self, archive, path):
        self.formats = {}
        self.fills = []
        self.xfs = []
        self._section = None
        self._fill = None
        if path in archive.namelist():
            with archive.open(path) as source:
                _parse(source, self._start, self._end)
        self.dates, self.durations, self.percents, self.fill_of = set(), set(), set(), {}
        for index, (format_id, fill_id) in enumerate(self.xfs):
            code = self.formats.get(format_id, BUILTIN_FORMATS.get(format_id))
            if is_date_format(code):
                self.dates.add(index)
                if is_timedelta_format(code):
                    self.durations.add(index)
            if code and "%" in code:
                self.percents.add(index)
            if 0 <= fill_id < len(self.fills) and self.fills[fill_id]:
                self.fill_of[index] = self.fills[fill_id]

    def _start(self, tag, attrs):
        if tag in ("cellXfs", "cellStyleXfs", "fills", "numFmts"):
            self._section = tag
        elif tag == "numFmt":
            self.formats[int(attrs.get("numFmtId", -1))] = attrs.get("formatCode")
        elif tag == "xf" and self._section == "cellXfs":
            self.xfs.append((int(attrs.get("numFmtId", 0)), int(attrs.get("fillId", 0))))
        elif tag == "fill":
            self._fill = {"solid": False, "rgb": None}
        elif tag == "patternFill" and self._fill is not None:
            self._fill["solid"] = attrs.get("patternType") == "solid"
        elif tag == "fgColor" and self._fill is not None and "rgb" in attrs:
            self._fill["rgb"] = attrs["rgb"]

    def _end(self, tag):
        if tag in ("cellXfs", "cellStyleXfs", "fills", "numFmts"):
            self._section = None
        elif tag == "fill" and self._fill is not None:
            fill = self._fill
            self.fills.append(str(fill["rgb"])[-6:].upper() if fill["solid"] and fill["rgb"] else None)
            self._fill = None


def _shared_strings(archive, path):
    """The shared string table: each entry's text runs joined, phonetic guides left out."""
    strings, parts = [], []
    state = {"in_text": False, "phonetic": 0}

    def start(tag, _attrs):
        if tag == "si":
            parts.clear()
        elif tag == "rPh":
            state["phonetic"] += 1
        elif tag == "t" and not state["phonetic"]:
            state["in_text"] = True

    def end(tag):
        if tag == "t":
            state["in_text"] = False
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "si":
            strings.append("".join(parts).replace("x005F_", ""))

    def text(data):
        if state["in_text"]:
            parts.append(data)

    if path in archive.namelist():
        with archive.open(path) as source:
            _parse(source, start, end, text)
    return strings


_COLUMNS = {}
# Bounds checked while the XML is read, before any row is built: a few bytes of XML can name row
# 1,048,576 or column XFD, which padding would turn into gigabytes.
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000
TOO_LARGE = (
    f"The workbook is too large: a sheet may have at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns."
    " Delete unused rows and columns and try again"
)


# What all the parts of a workbook may unpack to, counted as they are read: a zip can declare
# small sizes and unpack to far more, and expat takes seconds over each hundred megabytes.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
TOO_LARGE_UNPACKED = "The workbook is too large once opened. Remove pictures and unused sheets and try again"


class WorkbookTooLarge(ValueError):
    """The workbook names more rows, columns or cells than an import may hold."""

    def __init__(self, message=TOO_LARGE):
        super().__init__(message)


class _BoundedArchive(zipfile.ZipFile):
    """A zip whose parts together may unpack to at most MAX_UNPACKED_BYTES, whatever they declare."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if sum(info.file_size for info in self.infolist()) > MAX_UNPACKED_BYTES:
            raise WorkbookTooLarge(TOO_LARGE_UNPACKED)
        self.unpacked = 0

    def open(self, name, mode="r", **kwargs):
        return _CountedPart(super().open(name, mode, **kwargs), self)


class _CountedPart:
    def __init__(self, part, archive):
        self.part, self.archive = part, archive

    def read(self, size=-1):
        data = self.part.read(size)
        self.archive.unpacked += len(data)
        if self.archive.unpacked > MAX_UNPACKED_BYTES:
            raise WorkbookTooLarge(TOO_LARGE_UNPACKED)
        return data

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.part.close()


def _column_index(reference):
    """'AB12' -> 27 (zero-based column)."""
    letters = reference.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        number = 0
        for char in letters.upper():
            number = number * 26 + ord(char) - 64
        index = _COLUMNS.setdefault(letters, number - 1)
    return index


class _SheetReader:
    """Collects one worksheet's rows from expat callbacks."""

    def __init__(self, name, strings, styles, epoch):
        self.sheet = WorksheetCells(name=name, rows=[])
        self.strings, self.styles, self.epoch = strings, styles, epoch
        self.row_number, self.cells = 0, {}
        self.column, self.kind, self.style = -1, "n", 0
        self.text, self.collecting = [], False

    def start(self, tag, attrs):
        if tag == "c":
            reference = attrs.get("r")
            self.column = _column_index(reference) if reference else self.column + 1
            if self.column >= MAX_COLUMNS:
                raise WorkbookTooLarge()
            self.kind = attrs.get("t", "n")
            self.style = int(attrs.get("s") or 0)
            self.text.clear()
        elif tag == "v" or (tag == "t" and self.kind == "inlineStr"):
            self.collecting = True
        elif tag == "row":
            number = attrs.get("r")
            self.row_number = int(float(number)) if number else self.row_number + 1
            if not 0 < self.row_number <= MAX_ROWS:
                raise WorkbookTooLarge()
            self.cells, self.column = {}, -1
        elif tag == "col" and attrs.get("hidden") in ("1", "true"):
            first = int(attrs.get("min"))
            # Excel hides "every column to the right" as max="16384": only the columns read matter.
            last = min(int(attrs.get("max", first)), MAX_COLUMNS)
            self.sheet.hidden_columns.update(range(max(first, 1) - 1, last))

    def end(self, tag):
        if tag == "c":
            self._finish_cell()
        elif tag in ("v", "t"):
            self.collecting = False
        elif tag == "row":
            width = max(self.cells) + 1 if self.cells else 0
            values = [None] * width
            for index, value in self.cells.items():
                values[index] = value
            self.sheet.rows.append((self.row_number, values))

    def characters(self, data):
        if self.collecting:
            self.text.append(data)

    def _finish_cell(self):
        raw = "".join(self.text)
        value = self._value(raw) if raw or self.kind == "inlineStr" else None
        if value is None or value == "":
            value = None
        self.cells[self.column] = value
        if self.style:
            fill = self.styles.fill_of.get(self.style)
            if fill:
                self.sheet.fills[(self.row_number, self.column)] = fill
            if self.style in self.styles.percents and isinstance(value, int | float) and not isinstance(value, bool):
                self.sheet.percent_cells.add((self.row_number, self.column))

    def _value(self, raw):
        kind = self.kind
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if self.style in self.styles.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=self.style in self.styles.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        return raw  # str (a formula's text), inlineStr, e (an error such as #N/A)


def _rows_padded(sheet):
    """Every row from 1 to the last, each as wide as the widest, as openpyxl's reader gives them."""
    width = max((len(values) for _, values in sheet.rows), default=0)
    by_number = {number: values for number, values in sheet.rows}
    last = max(by_number, default=0)
    if last * width > MAX_CELLS:
        raise WorkbookTooLarge()
    sheet.rows = [(n, (by_number.get(n, []) + [None] * width)[:width]) for n in range(1, last + 1)]
    return sheet


def _relationships(archive, path):
    targets = {}

    def start(tag, attrs):
        if tag == "Relationship":
            targets[attrs.get("Id")] = (attrs.get("Target", ""), attrs.get("Type", ""))

    if path in archive.namelist():
        with archive.open(path) as source:
            _parse(source, start)
    return targets


def _part(target):
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def read_workbook(source):
    """Every visible worksheet of an .xlsx file (a path or a binary file object), in workbook order."""
    with _BoundedArchive(source) as archive:
        sheets, settings = [], {"epoch": CALENDAR_WINDOWS_1900}

        def start(tag, attrs):
            if tag == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                settings["epoch"] = CALENDAR_MAC_1904
            elif tag == "sheet":
                sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), _attr(attrs, "id")))

        with archive.open("xl/workbook.xml") as workbook:
            _parse(workbook, start)
        relationships = _relationships(archive, "xl/_rels/workbook.xml.rels")
        by_type = {kind.rsplit("/", 1)[-1]: _part(target) for target, kind in relationships.values()}
        strings = _shared_strings(archive, by_type.get("sharedStrings", "xl/sharedStrings.xml"))
        styles = _Styles(archive, by_type.get("styles", "xl/styles.xml"))
        read = []
        for name, state, relation in sheets:
            target, kind = relationships.get(relation, ("", ""))
            if state != "visible" or not kind.endswith("/worksheet"):
                continue
            reader = _SheetReader(name, strings, styles, settings["epoch"])
            with archive.open(_part(target)) as part:
                _parse(part, reader.start, reader.end, reader.characters)
            read.append(_rows_padded(reader.sheet))
        return read
