"""The import template: an Actions sheet with the columns the import reads, and instructions."""

import xlsxwriter
from flask import current_app
from sqlalchemy import select

from tracker.auth.models import Department
from tracker.extensions import db
from tracker.plan.models import SOURCE_LABELS, STATUS_LABELS, Status
from tracker.reference.models import CodeRight, Priority

TEMPLATE_COLUMNS = (
    ("Reference", 11, "Leave blank for a new action: the tracker gives it the next VV- number."),
    ("Title", 45, "Required. What will be done, in a sentence."),
    ("Description", 60, "Optional. More detail."),
    ("Source", 28, "Where the action came from: choose from the list."),
    ("Owner", 22, "Required. The owner's full name or work email address, as on the Users page."),
    ("Department", 24, "Optional. Leave blank to use the owner's department."),
    ("Code rights", 12, "The Victims' Code rights it serves, by number: 3, 6 or Right 3; Right 6."),
    ("Priorities", 11, "The group's priorities it serves, by number: 1, 2."),
    ("Touchpoints", 32, "Optional. Touchpoint names separated by semicolons."),
    ("Start date", 12, "Optional. Like 01/04/2026."),
    ("Due date", 12, "Required. Like 30/09/2026 or 30 September 2026."),
    ("Status", 17, "Not started, In progress, Blocked, Complete or Cancelled."),
    ("Progress %", 10, "A number from 0 to 100."),
    ("Owner's RAG", 11, "Red, Amber or Green (or R, A, G)."),
    ("Success measure", 45, "How the group will know it worked."),
    (
        "Update / commentary",
        60,
        "Past updates, one per line, each starting with its date: 12/03/2026 - Letter drafted.",
    ),
)
STEPS = (
    "Fill in one row per action on the Actions sheet. Keep the headings in row 1.",
    "Required for a new action: Title, Owner and Due date.",
    "Owners must already have an account: add people on the Users page first.",
    "Dates can be typed as 30/09/2026, 30 Sept 2026 or 30 September 2026.",
    "Each line of Update / commentary that starts with a date becomes a dated update on the action's timeline.",
    "To change actions already in the tracker, give their reference: the import updates them and never duplicates.",
    "An empty cell leaves what the tracker holds unchanged.",
    "Upload the file on the Import page. You will see every row it would create, update or reject before "
    "anything is saved.",
    "You can also upload an export from the tracker, changed or not: its layout imports as it is.",
)


def _instructions(workbook, formats):
    sheet = workbook.add_worksheet("Instructions")
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 100)
    sheet.write_string(0, 0, "How to fill in this template", formats["title"])
    row = 2
    for number, step in enumerate(STEPS, start=1):
        sheet.write_string(row, 0, f"Step {number}", formats["bold"])
        sheet.write_string(row, 1, step, formats["wrap"])
        row += 1
    row += 1
    sheet.write_string(row, 0, "Column", formats["header"])
    sheet.write_string(row, 1, "What to write", formats["header"])
    for heading, _, guidance in TEMPLATE_COLUMNS:
        row += 1
        sheet.write_string(row, 0, heading, formats["bold"])
        sheet.write_string(row, 1, guidance, formats["wrap"])
    edition = current_app.config["CODE_EDITION"]
    rights = db.session.scalars(select(CodeRight).where(CodeRight.edition == edition).order_by(CodeRight.number))
    row = _reference_list(sheet, row + 2, "Victims' Code rights", [(str(r.number), r.title) for r in rights], formats)
    priorities = db.session.scalars(select(Priority).order_by(Priority.number))
    _reference_list(sheet, row, "Priorities", [(str(p.number), p.title) for p in priorities], formats)
    return sheet


def _reference_list(sheet, row, title, items, formats):
    sheet.write_string(row, 0, title, formats["header"])
    sheet.write_string(row, 1, "", formats["header"])
    for number, text in items:
        row += 1
        sheet.write_string(row, 0, number, formats["bold"])
        sheet.write_string(row, 1, text, formats["wrap"])
    return row + 2


def _actions(workbook, formats, departments):
    sheet = workbook.add_worksheet("Actions")
    sheet.freeze_panes(1, 0)
    for index, (heading, width, guidance) in enumerate(TEMPLATE_COLUMNS):
        sheet.set_column(index, index, width, formats["date"] if "date" in heading.lower() else None)
        sheet.write_string(0, index, heading, formats["header"])
        sheet.write_comment(0, index, guidance)
    lists = {
        "Source": list(SOURCE_LABELS.values()),
        "Status": [
            STATUS_LABELS[s]
            for s in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED, Status.COMPLETE, Status.CANCELLED)
        ],
        "Owner's RAG": ["Red", "Amber", "Green"],
        "Department": departments,
    }
    for index, (heading, _, _) in enumerate(TEMPLATE_COLUMNS):
        if lists.get(heading):
            sheet.data_validation(
                1, index, 1000, index, {"validate": "list", "source": lists[heading], "error_type": "warning"}
            )
    return sheet


def write_template(output):
    """Write the import template workbook to a file object."""
    workbook = xlsxwriter.Workbook(output, {"strings_to_numbers": False, "strings_to_urls": False})
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 16}),
        "bold": workbook.add_format({"bold": True, "valign": "top"}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "header": workbook.add_format({"bold": True, "bg_color": "#F3F2F1", "bottom": 2}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
    }
    names = [d.name for d in db.session.scalars(select(Department).where(Department.active).order_by(Department.name))]
    # Excel limits an in-cell list to 255 characters; beyond that the column takes free text.
    departments = names if len(", ".join(names)) < 250 else []
    _instructions(workbook, formats)
    _actions(workbook, formats, departments)
    workbook.set_properties({"title": "Action plan import template"})
    workbook.close()
