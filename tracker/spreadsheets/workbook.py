"""Read the cells of an uploaded .xlsx workbook with openpyxl, within bounds a hostile file cannot stretch.

openpyxl reads in read-only mode with cached formula values. Before it sees the file, the zip's
declared and actual unpacked sizes are checked; while rows are read, the row, column and cell
limits are checked on each row, because a few bytes of XML can name row 1,048,576 or column XFD
and the sheet's <dimension> element can say anything. openpyxl parses through defusedxml, so a
workbook declaring XML entities is refused, never expanded.
"""

import io
import zipfile
from dataclasses import dataclass, field

import openpyxl.xml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl import load_workbook
from openpyxl.cell.read_only import EMPTY_CELL

if not openpyxl.xml.DEFUSEDXML:  # pragma: no cover - a deployment without defusedxml must not start
    raise ImportError("openpyxl is not using defusedxml: install it and leave OPENPYXL_DEFUSEDXML unset")

MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000
TOO_LARGE = (
    f"The workbook is too large: a sheet may have at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns."
    " Delete unused rows and columns and try again"
)
# What all the parts of a workbook may unpack to: a zip can declare small sizes and unpack to far more.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
TOO_LARGE_UNPACKED = "The workbook is too large once opened. Remove pictures and unused sheets and try again"
DECLARES_ENTITIES = (
    "The workbook contains XML entities, which can hide harmful content, so it was not read. "
    "Open it in Excel, save it again and upload it"
)
READ_CHUNK = 1 << 16


class WorkbookTooLarge(ValueError):
    """The workbook names more rows, columns, cells or bytes than an import may hold."""

    def __init__(self, message=TOO_LARGE):
        super().__init__(message)


class DeclaresEntities(ValueError):
    """The workbook's XML declares entities (defusedxml refused to parse it)."""

    def __init__(self):
        super().__init__(DECLARES_ENTITIES)


@dataclass
class WorksheetCells:
    """What one worksheet holds, as the import reads it."""

    name: str
    rows: list  # [(row number, [values])], every row from 1 to the last, as wide as the widest
    hidden_columns: set = field(default_factory=set)
    fills: dict = field(default_factory=dict)  # {(row number, column index): "RRGGBB"}
    percent_cells: set = field(default_factory=set)


def check_unpacked_size(data):
    """Refuse a zip whose parts declare, or turn out when unpacked to hold, more than MAX_UNPACKED_BYTES."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            raise WorkbookTooLarge(TOO_LARGE_UNPACKED)
        unpacked = 0
        for part in parts:
            with archive.open(part) as content:
                while chunk := content.read(READ_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise WorkbookTooLarge(TOO_LARGE_UNPACKED)


def read_workbook(data):
    """Every visible worksheet of an .xlsx file (its bytes), in workbook order."""
    check_unpacked_size(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [_read_sheet(sheet) for sheet in book.worksheets if sheet.sheet_state == "visible"]
        finally:
            book.close()
    except Exception as error:
        if _refused_by_defusedxml(error):
            raise DeclaresEntities() from None
        raise


def _refused_by_defusedxml(error):
    """openpyxl wraps parse errors in its own ValueError: look down the chain."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _read_sheet(worksheet):
    sheet = WorksheetCells(name=worksheet.title, rows=[])
    # Read-only worksheets do not load column dimensions, so the <cols> element is read here.
    with worksheet._get_source() as source:
        sheet.hidden_columns = hidden_columns(source)
    # The <dimension> element can be wrong, or lie: read the rows that are there instead.
    worksheet.reset_dimensions()
    width = 0
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        width = max(width, len(cells))
        if number > MAX_ROWS or width > MAX_COLUMNS or number * width > MAX_CELLS:
            raise WorkbookTooLarge()
        values = [_value(sheet, number, index, cell) for index, cell in enumerate(cells)] if cells else []
        sheet.rows.append((number, values))
    sheet.rows = [(number, values + [None] * (width - len(values))) for number, values in sheet.rows]
    return sheet


def _value(sheet, row_number, index, cell):
    """The cell's value ('' as None), noting a solid fill colour and a percentage format."""
    if cell is EMPTY_CELL:
        return None
    value = cell.value
    if cell.has_style:
        fill = cell.fill
        if fill.fill_type == "solid" and fill.fgColor is not None and fill.fgColor.type == "rgb":
            sheet.fills[(row_number, index)] = str(fill.fgColor.rgb)[-6:].upper()
        if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
            sheet.percent_cells.add((row_number, index))
    return None if value == "" else value


def hidden_columns(source):
    """Zero-based indexes of the hidden columns in a worksheet's XML, up to MAX_COLUMNS.

    Only the start of the part is read: <cols> comes before <sheetData>, where reading stops.
    Excel hides "every column to the right" as max="16384": only the columns read matter.
    """
    hidden = set()
    for _, element in iterparse(source, events=("start",)):
        tag = element.tag.rpartition("}")[2]
        if tag == "sheetData":
            break
        if tag == "col" and element.get("hidden") in ("1", "true"):
            first = int(element.get("min"))
            last = min(int(element.get("max", first)), MAX_COLUMNS)
            hidden.update(range(max(first, 1) - 1, last))
    return hidden
