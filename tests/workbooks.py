"""Spreadsheets for the import tests, built the way people really make them."""

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import PatternFill

HEADINGS = [
    "Ref",
    "Action  ",
    "Lead ",
    "Deadline",
    "RAG",
    "Status",
    "Code right(s)",
    "Old deadline",
    "Update / commentary",
]


def workbook_bytes(workbook):
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def messy_plan(owner, other_owner):
    """A plan as it arrives by e-mail: title rows merged above the header, blank rows, mixed dates,
    a hidden column, trailing spaces, names instead of e-mail addresses, a colour instead of a RAG word.

    Each row's comment says what the import should make of it when the tracker already holds
    VV-001 (due 31 August 2026) and VV-003 (exactly as on row 15).
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "Plan 2026-27"
    sheet["A1"] = "Victims Voice Task & Finish Group: improvement plan"
    sheet.merge_cells("A1:I1")
    sheet["A2"] = "OFFICIAL. Last revised 12/03/2026"
    sheet.merge_cells("A2:I2")
    sheet.append([])
    sheet.append(HEADINGS)
    rows = [
        # 5: update VV-001: new deadline (a real date cell), two dated updates, owner by name.
        [
            "VV-001",
            "Map every contact touchpoint  ",
            f"{owner.name} ",
            datetime(2026, 9, 30),
            "G",
            "In progress",
            "3, 6",
            "31/07/2026",
            "12/03/2026 - Walked through 101 calls\n02/04/2026: Draft map shared",
        ],
        None,  # 6: blank
        # 7: new, owner by e-mail, deadline as an Excel serial number.
        [
            None,
            "Rewrite the acknowledgement letter",
            other_owner.email,
            46295,
            "Amber",
            "",
            "Right 3; Right 6",
            None,
            None,
        ],
        # 8: new, "30 Sept 2026", RAG given as a red cell with no word.
        [
            None,
            "Train call handlers on the Code",
            other_owner.name,
            "30 Sept 2026",
            None,
            "Blocked",
            "R4",
            None,
            "Trainer booked",
        ],
        # 9: unreadable deadline.
        ["VV-010", "Publish the survey results", owner.name, "TBC", "A", "Not started", "9", None, None],
        # 10: unknown owner.
        [None, "Review the complaints leaflet", "Pat Nobody", "30/09/2026", "G", "", "12", None, None],
        # 11: right out of range.
        [None, "Check victim personal statements", owner.name, "30/11/2026", "G", "", "7, 13", None, None],
        None,  # 12: blank
        # 13 and 14: the same reference twice.
        ["VV-002", "Set up the Voice of the Victim forum", owner.name, "01/12/2026", "G", "", "1", None, None],
        ["VV-002", "Set up the forum (copy)", owner.name, "01/12/2026", "G", "", "1", None, None],
        # 15: VV-003 exactly as the tracker holds it.
        [
            "VV-003",
            "Refresh the witness care script",
            owner.name,
            "15 October 2026",
            None,
            "Not started",
            "8",
            None,
            None,
        ],
    ]
    for values in rows:
        sheet.append(values or [])
    sheet["E8"].fill = PatternFill(fill_type="solid", fgColor="FFFF0000")
    sheet.column_dimensions["H"].hidden = True
    return workbook_bytes(book)
