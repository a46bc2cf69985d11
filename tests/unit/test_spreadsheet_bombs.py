"""Small workbooks that name huge sheets are refused while being read, in bounded memory and time."""

import io
import struct
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from tracker.spreadsheets import spreadsheet, workbook

SHEET = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</worksheet>'
HOSTILE_SHEETS = {
    "a cell in column XFD": '<sheetData><row r="6000"><c r="XFD6000"><v>1</v></c></row></sheetData>',
    "the last row of Excel": '<sheetData><row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>',
    "row 1e12": '<sheetData><row r="1e12"><c><v>1</v></c></row></sheetData>',
    "a far corner within the row and column limits": (
        '<sheetData><row r="1"><c r="GR1"><v>1</v></c></row><row r="49999"><c r="A49999"><v>1</v></c></row></sheetData>'
    ),
}


def _workbook_with_sheet(sheet_xml):
    """A real workbook from openpyxl with its first sheet's XML replaced."""
    source = io.BytesIO()
    Workbook().save(source)
    output = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            bomb.writestr(item, data)
    return output.getvalue()


@pytest.mark.parametrize("name", HOSTILE_SHEETS)
def test_a_workbook_naming_a_huge_sheet_is_refused_in_bounded_memory_and_time(name):
    data = _workbook_with_sheet(SHEET.format(HOSTILE_SHEETS[name]))
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(spreadsheet.ImportRefused) as refusal:
            spreadsheet.read_sheets(data, "xlsx", f"{name}.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refusal.value) == workbook.TOO_LARGE
    assert peak < 50 * 1024 * 1024 and time.perf_counter() - started < 10


def test_hidden_columns_to_the_end_of_the_sheet_are_read_without_building_the_range():
    data = _workbook_with_sheet(
        SHEET.format(
            '<cols><col min="2" max="2000000000" hidden="1"/></cols>'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c></row></sheetData>'
        )
    )
    tracemalloc.start()
    try:
        [sheet] = spreadsheet.read_sheets(data, "xlsx", "hidden.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sheet.hidden_columns == set(range(1, workbook.MAX_COLUMNS))
    assert sheet.rows == [(1, ["Title"])]
    assert peak < 50 * 1024 * 1024


def _lying_about_its_sizes(data, name="xl/worksheets/sheet1.xml", declared=1000):
    """The workbook with one part's unpacked size declared far smaller than it is, in both headers."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo(name).header_offset
    struct.pack_into("<I", data, local + 22, declared)
    central = _central_header(data, name)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def _central_header(data, name):
    position = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == name.encode():
            return position
        position = data.index(b"PK\x01\x02", position + 4)


def _huge_sheet_xml(megabytes):
    row = '<row r="1"><c r="A1"><v>1</v></c></row>'
    return SHEET.format("<sheetData>" + row * (megabytes * 1024 * 1024 // len(row)) + "</sheetData>")


@pytest.mark.parametrize("lies", [False, True], ids=["declaring huge XML", "lying about its sizes"])
def test_a_zip_unpacking_to_huge_xml_is_refused_in_bounded_memory_and_time(lies):
    data = _workbook_with_sheet(_huge_sheet_xml(80))
    if lies:
        data = _lying_about_its_sizes(data)
    assert len(data) < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(spreadsheet.ImportRefused) as refusal:
            spreadsheet.read_sheets(data, "xlsx", "bomb.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refusal.value) in {
        workbook.TOO_LARGE_UNPACKED,
        "The workbook could not be opened. It may be damaged: save it again in Excel",
    }
    assert peak < 50 * 1024 * 1024 and time.perf_counter() - started < 10
