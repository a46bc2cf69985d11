"""Reading uploaded workbooks: values, dates, hidden columns, fills and % formats, whatever wrote them."""

import io
import re
import zipfile
from datetime import datetime

import pytest
import xlsxwriter
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from tracker.exchange import xlsx
from tracker.exchange.spreadsheet import ImportRefused, read_sheets


def _xlsxwriter_book(**options):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **options})
    sheet = book.add_worksheet("Actions")
    book.add_worksheet("Old plan").hide()
    percent = book.add_format({"num_format": "0%"})
    red = book.add_format({"bg_color": "#FF0000", "pattern": 1})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["Ref", "Action", "Due", "Progress", "RAG", "Flag", "Sum"])
    sheet.write_row(2, 0, ["VV-001", "Map the journey"])
    sheet.write_datetime(2, 2, datetime(2026, 9, 30), day)
    sheet.write_number(2, 3, 0.4, percent)
    sheet.write_blank(2, 4, None, red)
    sheet.write_boolean(2, 5, True)
    sheet.write_formula(2, 6, "=1+1", None, 2)
    sheet.set_column(5, 5, None, None, {"hidden": True})
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize("options", [{}, {"date_1904": True}])
def test_values_dates_fills_percentages_and_hidden_columns(options):
    [sheet] = xlsx.read_workbook(io.BytesIO(_xlsxwriter_book(**options)))
    assert sheet.name == "Actions", "hidden sheets are left out"
    rows = dict(sheet.rows)
    assert rows[2] == [None] * 7, "a blank row keeps its place"
    assert rows[3] == ["VV-001", "Map the journey", datetime(2026, 9, 30), 0.4, None, True, 2]
    assert sheet.fills == {(3, 4): "FF0000"}
    assert sheet.percent_cells == {(3, 3)}
    assert sheet.hidden_columns == {5}


def test_openpyxl_workbooks_with_inline_and_shared_strings():
    book = Workbook()
    sheet = book.active
    sheet.append(["Action", "Owner", "RAG"])
    sheet.append(["Train call handlers  ", "Jordan Blake", None])
    sheet["C2"].fill = PatternFill("solid", fgColor="00B050")
    buffer = io.BytesIO()
    book.save(buffer)
    [read] = xlsx.read_workbook(io.BytesIO(buffer.getvalue()))
    assert read.rows == [(1, ["Action", "Owner", "RAG"]), (2, ["Train call handlers  ", "Jordan Blake", None])]
    assert read.fills == {(2, 2): "00B050"}


def _rewrite(data, part, change):
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, change(content.decode()).encode() if info.filename == part else content)
    return output.getvalue()


def test_a_sheet_written_with_a_namespace_prefix_reads_the_same():
    data = _xlsxwriter_book()

    def prefixed(text):
        text = text.replace(
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        )
        return re.sub(r"<(/?)([a-zA-Z]+)([ >/])", r"<\1x:\2\3", text)

    plain = xlsx.read_workbook(io.BytesIO(data))[0]
    other = xlsx.read_workbook(io.BytesIO(_rewrite(data, "xl/worksheets/sheet1.xml", prefixed)))[0]
    assert (other.rows, other.fills, other.hidden_columns) == (plain.rows, plain.fills, plain.hidden_columns)


def test_entities_in_a_workbook_are_refused_not_expanded():
    def with_entity(text):
        return text.replace("?>", '?><!DOCTYPE x [<!ENTITY big "aaaaaaaaaa">]>', 1)

    data = _rewrite(_xlsxwriter_book(), "xl/sharedStrings.xml", with_entity)
    with pytest.raises(ImportRefused, match="could not be opened"):
        read_sheets(data, "xlsx", "entities.xlsx")


def _as_openpyxl_reads_it(data):
    """The same facts read through openpyxl's own objects: the reference the fast reader must match."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), data_only=True)
    sheets = []
    for worksheet in book.worksheets:
        if worksheet.sheet_state != "visible":
            continue
        fills, percent = {}, set()
        rows = []
        for number, cells in enumerate(worksheet.iter_rows(min_row=1, max_col=worksheet.max_column), start=1):
            rows.append((number, [cell.value for cell in cells]))
            for index, cell in enumerate(cells):
                fill = cell.fill
                if fill.fill_type == "solid" and fill.fgColor is not None and fill.fgColor.type == "rgb":
                    fills[(number, index)] = str(fill.fgColor.rgb)[-6:].upper()
                if isinstance(cell.value, int | float) and "%" in (cell.number_format or ""):
                    percent.add((number, index))
        hidden = {
            index
            for letter, dimension in worksheet.column_dimensions.items()
            if dimension.hidden
            for index in range(dimension.min - 1, dimension.max)
        }
        sheets.append((worksheet.title, rows, hidden, fills, percent))
    return sheets


def _trimmed(rows):
    """Rows without trailing empty cells or trailing empty rows, which readers pad differently."""
    out = [(number, list(values)) for number, values in rows]
    for _, values in out:
        while values and values[-1] is None:
            values.pop()
    while out and not out[-1][1]:
        out.pop()
    return out


def _example_workbooks():
    from tests.workbooks import messy_plan

    class Person:
        def __init__(self, name, email):
            self.name, self.email = name, email

    yield "xlsxwriter", _xlsxwriter_book()
    yield "xlsxwriter 1904", _xlsxwriter_book(date_1904=True)
    yield "messy plan", messy_plan(Person("Sam Lead", "sam@example.org"), Person("Ola Away", "ola@example.org"))


@pytest.mark.parametrize("data", [data for _, data in _example_workbooks()], ids=[n for n, _ in _example_workbooks()])
def test_the_fast_reader_reads_what_openpyxl_reads(data):
    expected = _as_openpyxl_reads_it(data)
    read = xlsx.read_workbook(io.BytesIO(data))
    assert [sheet.name for sheet in read] == [title for title, *_ in expected]
    for sheet, (title, rows, hidden, fills, percent) in zip(read, expected, strict=True):
        assert _trimmed(sheet.rows) == _trimmed(rows), title
        assert sheet.hidden_columns == hidden, title
        assert sheet.fills == fills, title
        assert sheet.percent_cells == percent, title
