"""Exports of the action list (Excel and CSV) and the import template workbook.

Workbooks are written with XlsxWriter in constant-memory mode: rows go straight to disk as
they are written, so 5,000 actions with 20,000 updates take seconds and little memory.
"""

import csv
import io
from datetime import datetime

import xlsxwriter
from flask import current_app
from sqlalchemy import select

from tracker.auth.models import User
from tracker.common.dates import local_zone
from tracker.exchange.columns import EXPORT_COLUMNS, UPDATE_COLUMNS
from tracker.extensions import db
from tracker.plan.brag import current_thresholds, rule_rag
from tracker.plan.models import Action, ActionUpdate, EntryKind, Rag, Source, Status
from tracker.plan.queries import filtered_actions

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTRY_LABELS = {
    EntryKind.CREATED: "Action created",
    EntryKind.UPDATE: "Progress update",
    EntryKind.ASSIGNED: "Reassigned",
    EntryKind.EDITED: "Details changed",
    EntryKind.EXTENSION_REQUESTED: "Extension requested",
    EntryKind.EXTENSION_APPROVED: "Extension approved",
    EntryKind.EXTENSION_REFUSED: "Extension refused",
    EntryKind.CLOSURE_REQUESTED: "Sign-off requested",
    EntryKind.CLOSURE_APPROVED: "Signed off",
    EntryKind.CLOSURE_REFUSED: "Sign-off refused",
    EntryKind.CANCELLED: "Cancelled",
    EntryKind.REOPENED: "Reopened",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local_date(moment):
    return moment.astimezone(local_zone()).date() if moment else None


def _label(enum, value):
    try:
        return enum(value).label
    except ValueError:
        return value or ""


def action_row(action, today, thresholds):
    """One action as the export's columns, in EXPORT_COLUMNS order."""
    result = rule_rag(action, today, thresholds)
    return [
        action.reference,
        action.title,
        action.description or "",
        _label(Source, action.source),
        action.owner.name,
        action.owner.email,
        action.department.name,
        ", ".join(str(r.number) for r in action.rights),
        ", ".join(str(p.number) for p in action.priorities),
        "; ".join(t.name for t in action.touchpoints),
        action.start_date,
        action.original_due_date,
        action.current_due_date,
        _label(Status, action.status),
        action.progress,
        _label(Rag, action.declared_rag) if action.declared_rag else "",
        result.label,
        "; ".join(result.reasons),
        action.success_measure or "",
        action.completed_on,
        _local_date(action.last_update_at),
    ]


def export_actions(filters, today):
    """The actions matching the list's filters, in the list's order."""
    return db.session.scalars(filtered_actions(filters, today)).unique()


def export_updates(filters, today):
    """Timeline entries of the filtered actions, oldest first per action, as plain tuples."""
    ids = filtered_actions(filters, today).with_only_columns(Action.id).order_by(None).scalar_subquery()
    query = (
        select(
            Action.reference,
            ActionUpdate.created_at,
            ActionUpdate.kind,
            User.name,
            ActionUpdate.status,
            ActionUpdate.progress,
            ActionUpdate.declared_rag,
            ActionUpdate.narrative,
        )
        .join(Action, ActionUpdate.action_id == Action.id)
        .outerjoin(User, ActionUpdate.author_id == User.id)
        .where(ActionUpdate.action_id.in_(ids))
        .order_by(Action.reference, ActionUpdate.created_at, ActionUpdate.id)
        .execution_options(yield_per=2000)
    )
    zone = local_zone()
    for reference, created_at, kind, name, status, progress, rag, narrative in db.session.execute(query):
        yield [
            reference,
            created_at.astimezone(zone).replace(tzinfo=None),
            _label_entry(kind),
            name or "",
            _label(Status, status) if status else "",
            progress,
            _label(Rag, rag) if rag else "",
            narrative or "",
        ]


def _label_entry(kind):
    try:
        return ENTRY_LABELS[EntryKind(kind)]
    except ValueError:
        return kind


class _Sheet:
    """A worksheet written row by row with the right cell type for each value."""

    def __init__(self, workbook, name, columns, formats):
        self.sheet = workbook.add_worksheet(name)
        self.formats = formats
        self.row = 0
        self.width = len(columns)
        for index, (_, width) in enumerate(columns):
            self.sheet.set_column(index, index, width)
        self.sheet.freeze_panes(1, 0)
        self.sheet.set_header(f"&C{current_app.config['PROTECTIVE_MARKING']}")
        self.sheet.set_footer(f"&C{current_app.config['PROTECTIVE_MARKING']}&RPage &P of &N")
        self.sheet.set_row(0, 30)
        for index, (heading, _) in enumerate(columns):
            self.sheet.write_string(0, index, heading, formats["header"])

    def append(self, values):
        self.row += 1
        for column, value in enumerate(values):
            self._write(column, value)

    def _write(self, column, value):
        if value is None or value == "":
            return
        if isinstance(value, str):
            # write_string: text is never taken for a formula, whatever it starts with.
            self.sheet.write_string(self.row, column, value, self.formats["text"])
        elif isinstance(value, datetime):
            self.sheet.write_datetime(self.row, column, value, self.formats["datetime"])
        elif hasattr(value, "isoformat"):
            self.sheet.write_datetime(self.row, column, value, self.formats["date"])
        else:
            self.sheet.write_number(self.row, column, value)

    def finish(self):
        self.sheet.autofilter(0, 0, max(self.row, 1), self.width - 1)


def _formats(workbook):
    return {
        "header": workbook.add_format({"bold": True, "bg_color": "#F3F2F1", "bottom": 2, "text_wrap": True}),
        "text": workbook.add_format({"valign": "top"}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy", "valign": "top", "align": "left"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm", "valign": "top", "align": "left"}),
    }


def write_workbook(output, filters, today, title="Victims Code actions"):
    """Write the Excel export (sheets Actions and Updates) of the filtered actions to a file object."""
    workbook = xlsxwriter.Workbook(
        output, {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False}
    )
    workbook.set_properties(
        {"title": title, "company": current_app.config["ORGANISATION_NAME"], "comments": "Exported from the tracker"}
    )
    formats = _formats(workbook)
    thresholds = current_thresholds()
    actions = _Sheet(workbook, "Actions", EXPORT_COLUMNS, formats)
    count = 0
    for action in export_actions(filters, today):
        actions.append(action_row(action, today, thresholds))
        count += 1
    actions.finish()
    updates = _Sheet(workbook, "Updates", UPDATE_COLUMNS, formats)
    for values in export_updates(filters, today):
        updates.append(values)
    updates.finish()
    workbook.close()
    return count


def csv_cell(value):
    """A value for CSV: UK dates, and text that a spreadsheet will never run as a formula."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(output, filters, today):
    """Write the actions as CSV (the Actions sheet's columns) to a text file object."""
    writer = csv.writer(output)
    writer.writerow([heading for heading, _ in EXPORT_COLUMNS])
    thresholds = current_thresholds()
    for action in export_actions(filters, today):
        writer.writerow([csv_cell(value) for value in action_row(action, today, thresholds)])


def csv_bytes(filters, today):
    """The CSV export as UTF-8 with a byte-order mark, so that Excel reads names with accents right."""
    buffer = io.StringIO()
    write_csv(buffer, filters, today)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
