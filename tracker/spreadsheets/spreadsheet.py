"""Open an uploaded plan (.xlsx or .csv) safely and find its table: sheet, header row and columns.

Refuses what it cannot read with a sentence the admin can act on: not a spreadsheet, a
password-protected or old-format workbook, an empty sheet, a file that is too large.
"""

import csv
import hashlib
import io
import threading
import zipfile
from dataclasses import dataclass, field

import filetype

from tracker.common.uploads import UploadRefused, check_name, describe_size
from tracker.spreadsheets import workbook
from tracker.spreadsheets.columns import heading_score

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 30
# A workbook that unpacks to far more than it weighs is a zip bomb, not a plan.
MAX_UNPACKED_RATIO = 40
ACCEPTED = "Upload an Excel workbook (.xlsx) or a CSV file"


class ImportRefused(ValueError):
    """A file the import cannot take; the message tells the admin what to do."""


@dataclass
class Sheet:
    """One worksheet's cells as values, with what the values alone do not say."""

    name: str
    rows: list  # [(row number as the spreadsheet shows it, [values])]
    hidden_columns: set = field(default_factory=set)
    fills: dict = field(default_factory=dict)  # {(row number, column index): "RRGGBB"}
    percent_cells: set = field(default_factory=set)  # {(row number, column index)}
    tables: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_empty(self):
        return not any(any(v not in (None, "") for v in values) for _, values in self.rows)


@dataclass
class Table:
    """The part of a sheet under its header row."""

    sheet: Sheet
    header_row: int
    headings: list
    rows: list  # [(row number, [values])], blank rows left out

    def fill(self, row_number, column):
        return self.sheet.fills.get((row_number, column))

    def is_percent(self, row_number, column):
        return (row_number, column) in self.sheet.percent_cells


def check_upload(filename, data, max_bytes):
    """'xlsx' or 'csv' for a file the import can read; ImportRefused with the reason otherwise."""
    try:
        check_name(filename)
    except UploadRefused as refusal:
        raise ImportRefused(str(refusal)) from None
    if not data:
        raise ImportRefused("The selected file is empty")
    if len(data) > max_bytes:
        raise ImportRefused(
            f"The selected file is {describe_size(len(data))}. It must be smaller than {describe_size(max_bytes)}: "
            "split the plan into smaller files, or remove pictures and unused sheets"
        )
    if data.startswith(CFB_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise ImportRefused(
                "The workbook is protected with a password. Open it in Excel, remove the password "
                "(File, Info, Protect Workbook), save it and upload it again"
            )
        raise ImportRefused(
            "The file is an old Excel 97-2003 workbook (.xls). Open it in Excel, save it as an "
            "Excel Workbook (.xlsx) and upload it again"
        )
    if data.startswith(ZIP_MAGIC):
        _check_workbook_archive(data, max_bytes)
        return "xlsx"
    kind = filetype.guess(data[:8192])
    if kind is not None:
        raise ImportRefused(f"The selected file is a {kind.extension.upper()} file, not a spreadsheet. {ACCEPTED}")
    if b"\x00" in data[:8192]:
        raise ImportRefused(f"The selected file is not a spreadsheet. {ACCEPTED}")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportRefused("The file is not a readable Excel workbook. Open it in Excel, save it again and upload it")
    return "csv"


def _check_workbook_archive(data, max_bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype").decode(errors="replace") if "mimetype" in names else ""
    except zipfile.BadZipFile:
        raise ImportRefused("The file is damaged and cannot be opened. Save it again and upload it") from None
    if "opendocument" in mimetype:
        raise ImportRefused(
            "The file is an OpenDocument spreadsheet. Save it as an Excel Workbook (.xlsx) and upload it"
        )
    if "xl/workbook.xml" not in names:
        raise ImportRefused(f"The selected file is not an Excel workbook. {ACCEPTED}")
    if unpacked > min(max_bytes * MAX_UNPACKED_RATIO, workbook.MAX_UNPACKED_BYTES):
        raise ImportRefused(workbook.TOO_LARGE_UNPACKED)


def read_sheets(data, kind, filename="plan.csv"):
    """Every visible sheet of the file, as Sheet objects in workbook order.

    The upload, the dry run and the confirmation each read the same file; parsing a large workbook
    is the slowest step of an import, so the last few parsed files are kept by their digest.
    """
    key = (hashlib.sha256(data).hexdigest(), kind, filename)
    with _PARSED_LOCK:
        if key in _PARSED:
            return _PARSED[key]
    sheets = _parse(data, kind, filename)
    with _PARSED_LOCK:
        while len(_PARSED) >= PARSED_KEPT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = sheets
    return sheets


PARSED_KEPT = 2
_PARSED = {}
_PARSED_LOCK = threading.Lock()


def _parse(data, kind, filename):
    if kind == "csv":
        return [_read_csv(data, filename)]
    try:
        read = workbook.read_workbook(data)
    except (workbook.WorkbookTooLarge, workbook.DeclaresEntities) as refusal:
        raise ImportRefused(str(refusal)) from None
    except Exception:  # a damaged file fails in many ways; all mean the same to the admin
        raise ImportRefused("The workbook could not be opened. It may be damaged: save it again in Excel") from None
    return [
        Sheet(
            name=cells.name,
            rows=cells.rows,
            hidden_columns=cells.hidden_columns,
            fills=cells.fills,
            percent_cells=cells.percent_cells,
        )
        for cells in read
    ]


def _decode(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(f"The file is not a spreadsheet. {ACCEPTED}")


def _read_csv(data, filename):
    content = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(content[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(content, newline=""), dialect)
        rows = [(number, values) for number, values in enumerate(reader, start=1)]
    except csv.Error:
        raise ImportRefused("The CSV file could not be read. Save it from Excel as 'CSV UTF-8' and try again") from None
    return Sheet(name=filename, rows=rows)


def _blank(values):
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def find_table(sheet, header_row=None):
    """The table on a sheet: the header row given, or the row among the first 30 with most known headings.

    The upload, the dry run and the confirmation each ask for the same table of the same parsed
    sheet, so it is kept on the sheet once found.
    """
    key = ("table", header_row)
    if key not in sheet.tables:
        sheet.tables[key] = _find_table(sheet, header_row)
    return sheet.tables[key]


def _find_table(sheet, header_row):
    if sheet.is_empty:
        raise ImportRefused(f"The sheet '{sheet.name}' is empty")
    if header_row is None:
        best_score, header_row = 1, None
        for number, values in sheet.rows[:HEADER_SEARCH_ROWS]:
            score = heading_score(values)
            if score > best_score:
                best_score, header_row = score, number
        if header_row is None:
            raise ImportRefused(
                f"No header row was found on the sheet '{sheet.name}'. The table needs a row of column "
                "headings such as Action, Owner and Due date"
            )
    headings = next(values for number, values in sheet.rows if number == header_row)
    width = max((i + 1 for i, v in enumerate(headings) if v not in (None, "")), default=0)
    headings = [("" if v is None else str(v).strip()) for v in headings[:width]]
    rows = []
    for number, values in sheet.rows:
        if number <= header_row:
            continue
        values = (list(values) + [None] * width)[:width]
        if not _blank(values):
            rows.append((number, values))
    return Table(sheet=sheet, header_row=header_row, headings=headings, rows=rows)


def choose_sheet(sheets):
    """The sheet that holds the plan: one called 'Actions', or the first with a header row."""
    for sheet in sheets:
        if sheet.name.strip().lower() == "actions" and not sheet.is_empty:
            return sheet
    for sheet in sheets:
        if not sheet.is_empty and any(heading_score(v) > 1 for _, v in sheet.rows[:HEADER_SEARCH_ROWS]):
            return sheet
    non_empty = [sheet for sheet in sheets if not sheet.is_empty]
    if non_empty:
        return non_empty[0]
    if len(sheets) == 1:
        name = sheets[0].name
        raise ImportRefused(
            "The file has no data in it" if name.lower().endswith(".csv") else f"The sheet '{name}' is empty"
        )
    raise ImportRefused("Every sheet in the workbook is empty")


def updates_sheet(sheets, plan_sheet):
    """The export's 'Updates' sheet, when the file has one besides the plan."""
    for sheet in sheets:
        if sheet is not plan_sheet and sheet.name.strip().lower() == "updates" and not sheet.is_empty:
            return sheet
    return None
