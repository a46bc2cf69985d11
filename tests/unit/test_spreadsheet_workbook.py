"""Reading uploaded workbooks: values, dates, hidden columns, fills and % formats, whatever wrote them."""

import io
import re
import zipfile
from datetime import datetime

import pytest
import xlsxwriter
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from tracker.spreadsheets import workbook
from tracker.spreadsheets.spreadsheet import ImportRefused, read_sheets


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
    [sheet] = workbook.read_workbook(_xlsxwriter_book(**options))
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
    [read] = workbook.read_workbook(buffer.getvalue())
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

    plain = workbook.read_workbook(data)[0]
    other = workbook.read_workbook(_rewrite(data, "xl/worksheets/sheet1.xml", prefixed))[0]
    assert (other.rows, other.fills, other.hidden_columns) == (plain.rows, plain.fills, plain.hidden_columns)


BILLION_LAUGHS = (
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)
EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
ENTITY_CASES = {
    "an entity bomb in the shared strings": ("xl/sharedStrings.xml", BILLION_LAUGHS, "<t>&d;</t>"),
    "an external entity in the sheet": ("xl/worksheets/sheet1.xml", EXTERNAL_ENTITY, "<v>&secret;</v>"),
    "an entity bomb in the workbook part": ("xl/workbook.xml", BILLION_LAUGHS, None),
}


def test_openpyxl_parses_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("case", ENTITY_CASES)
def test_a_workbook_declaring_xml_entities_is_refused_with_a_clear_message(case):
    part, declaration, use = ENTITY_CASES[case]

    def with_entity(text):
        text = text.replace("?>", "?>" + declaration, 1)
        if use is not None:
            text = re.sub(r"<t>[^<]*</t>" if use.startswith("<t>") else r"<v>[^<]*</v>", use, text, count=1)
        return text

    data = _rewrite(_xlsxwriter_book(), part, with_entity)
    with pytest.raises(ImportRefused) as refusal:
        read_sheets(data, "xlsx", f"{case}.xlsx")
    assert str(refusal.value) == (
        "The workbook contains XML entities, which can hide harmful content, so it was not read. "
        "Open it in Excel, save it again and upload it"
    )


def test_a_sheet_whose_dimension_understates_it_is_read_to_its_last_row():
    def lying(text):
        return re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', text)

    data = _rewrite(_xlsxwriter_book(), "xl/worksheets/sheet1.xml", lying)
    assert '<dimension ref="A1"/>' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    [sheet] = workbook.read_workbook(data)
    assert dict(sheet.rows)[3] == ["VV-001", "Map the journey", datetime(2026, 9, 30), 0.4, None, True, 2]


def test_the_messy_plan_reads_with_its_dates_hidden_column_and_red_cell():
    from tests.workbooks import messy_plan

    class Person:
        def __init__(self, name, email):
            self.name, self.email = name, email

    [sheet] = workbook.read_workbook(messy_plan(Person("Sam Lead", "sam@example.org"), Person("Ola Away", "o@x.org")))
    rows = dict(sheet.rows)
    assert sheet.name == "Plan 2026-27"
    assert rows[1][0] == "Victims Voice Task & Finish Group: improvement plan"
    assert rows[5][:5] == ["VV-001", "Map every contact touchpoint  ", "Sam Lead ", datetime(2026, 9, 30), "G"]
    assert rows[7][3] == 46295, "a serial number in a General cell stays a number, read as a date later"
    assert rows[8][3] == "30 Sept 2026"
    assert sheet.hidden_columns == {7}
    assert sheet.fills == {(8, 4): "FF0000"}
    assert len(sheet.rows) == 15 and {len(values) for _, values in sheet.rows} == {9}
