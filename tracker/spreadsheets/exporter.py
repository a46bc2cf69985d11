"""Exports of the action list (Excel and CSV) and the import template workbook.

Workbooks are written with XlsxWriter in constant-memory mode: rows go straight to disk as
they are written, so 5,000 actions with 20,000 updates take seconds and little memory.
"""

import csv
import io
from collections import defaultdict
from datetime import datetime

import xlsxwriter
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from tracker.auth.models import Department, User
from tracker.common.dates import local_zone
from tracker.extensions import db
from tracker.plan.brag import current_thresholds, rule_rag
from tracker.plan.models import (
    Action,
    ActionUpdate,
    EntryKind,
    Rag,
    Source,
    Status,
    action_priorities,
    action_rights,
    action_touchpoints,
)
from tracker.plan.queries import SORTS, filtered_actions
from tracker.recommendations.models import Recommendation, RecommendationSource
from tracker.reference.models import CodeRight, Priority, Touchpoint
from tracker.spreadsheets.columns import EXPORT_COLUMNS, UPDATE_COLUMNS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Up to this many rows the workbook is built in memory, where repeated text is stored once and
# writing is about a fifth quicker; beyond it, rows stream to disk so memory stays flat.
IN_MEMORY_ROWS = 60_000
ENTRY_LABELS = {
    EntryKind.CREATED: "Action created",
    EntryKind.UPDATE: "Progress update",
    EntryKind.ASSIGNED: "Reassigned",
    EntryKind.EDITED: "Details changed",
    EntryKind.EXTENSION_REQUESTED: "Extension requested",
    EntryKind.EXTENSION_APPROVED: "Extension approved",
    EntryKind.EXTENSION_REFUSED: "Extension refused",
    EntryKind.EXTENSION_WITHDRAWN: "Extension request withdrawn",
    EntryKind.DUE_DATE_MOVED: "Due date moved by the chair",
    EntryKind.CLOSURE_REQUESTED: "Sign-off requested",
    EntryKind.CLOSURE_APPROVED: "Signed off",
    EntryKind.CLOSURE_REFUSED: "Sign-off refused",
    EntryKind.CLOSURE_WITHDRAWN: "Sign-off request withdrawn",
    EntryKind.CANCELLED: "Cancelled",
    EntryKind.REOPENED: "Reopened",
    EntryKind.EVIDENCE_ADDED: "Evidence added",
    EntryKind.DISCUSSED: "Discussed at a meeting",
}
# What rule_rag() and the export read of an action.
ACTION_COLUMNS = (
    "id",
    "reference",
    "title",
    "description",
    "source",
    "start_date",
    "original_due_date",
    "current_due_date",
    "status",
    "progress",
    "declared_rag",
    "success_measure",
    "completed_on",
    "last_update_at",
    "extension_count",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local_date(moment):
    return moment.astimezone(local_zone()).date() if moment else None


def _label(enum, value):
    try:
        return enum(value).label
    except ValueError:
        return value or ""


def action_row(action, links, today, thresholds):
    """One action (a row of action_rows) as the export's columns, in EXPORT_COLUMNS order."""
    result = rule_rag(action, today, thresholds)
    rights, priorities, touchpoints = (
        links[kind].get(action.id, ()) for kind in ("rights", "priorities", "touchpoints")
    )
    return [
        action.reference,
        action.title,
        action.description or "",
        _label(Source, action.source),
        action.owner_name,
        action.owner_email,
        action.department_name,
        ", ".join(str(number) for number in sorted(rights)),
        ", ".join(str(number) for number in sorted(priorities)),
        "; ".join(name for _, name in sorted(touchpoints)),
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


def _filtered_ids(filters, today):
    return filtered_actions(filters, today).with_only_columns(Action.id).order_by(None).scalar_subquery()


def export_row_count(filters, today):
    """How many rows the workbook will have: the filtered actions and their timeline entries."""
    ids = _filtered_ids(filters, today)
    return db.session.scalar(
        select(
            select(func.count(Action.id)).where(Action.id.in_(ids)).scalar_subquery()
            + select(func.count(ActionUpdate.id)).where(ActionUpdate.action_id.in_(ids)).scalar_subquery()
        )
    )


def export_actions(filters, today):
    """The actions matching the list's filters, in the list's order, as plain rows (no ORM objects:
    thousands of actions load several times faster), with their linked rights, priorities and touchpoints.
    """
    owner = aliased(User)
    query = (
        select(
            *(getattr(Action, name) for name in ACTION_COLUMNS),
            owner.name.label("owner_name"),
            owner.email.label("owner_email"),
            Department.name.label("department_name"),
        )
        .join(owner, Action.owner_id == owner.id)
        .join(Department, Action.department_id == Department.id)
        .where(Action.id.in_(_filtered_ids(filters, today)))
        .order_by(*SORTS[filters.sort][1]())
    )
    rows = db.session.execute(query).all()
    return rows, _links(filters, today)


def _links(filters, today):
    ids = _filtered_ids(filters, today)
    links = {"rights": defaultdict(list), "priorities": defaultdict(list), "touchpoints": defaultdict(list)}
    for action_id, number in db.session.execute(
        select(action_rights.c.action_id, CodeRight.number).join(CodeRight).where(action_rights.c.action_id.in_(ids))
    ):
        links["rights"][action_id].append(number)
    for action_id, number in db.session.execute(
        select(action_priorities.c.action_id, Priority.number)
        .join(Priority)
        .where(action_priorities.c.action_id.in_(ids))
    ):
        links["priorities"][action_id].append(number)
    for action_id, position, name in db.session.execute(
        select(action_touchpoints.c.action_id, Touchpoint.position, Touchpoint.name)
        .join(Touchpoint)
        .where(action_touchpoints.c.action_id.in_(ids))
    ):
        links["touchpoints"][action_id].append((position, name))
    return links


def action_rows(filters, today):
    """Every filtered action as a list of export cells."""
    rows, links = export_actions(filters, today)
    thresholds = current_thresholds()
    for action in rows:
        yield action_row(action, links, today, thresholds)


def export_updates(filters, today):
    """Timeline entries of the filtered actions, oldest first per action, as plain tuples."""
    ids = _filtered_ids(filters, today)
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
            # write_string: text is never taken for a formula, whatever it starts with. No cell
            # format: one per cell costs a third of the export's time.
            self.sheet.write_string(self.row, column, value)
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
        "date": workbook.add_format({"num_format": "dd/mm/yyyy", "align": "left"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm", "align": "left"}),
    }


def write_workbook(output, filters, today, title="Victims Code actions"):
    """Write the Excel export (sheets Actions and Updates of the filtered actions, and Recommendations) to a file object."""
    streamed = export_row_count(filters, today) > IN_MEMORY_ROWS
    workbook = xlsxwriter.Workbook(
        output, {"constant_memory": streamed, "strings_to_numbers": False, "strings_to_urls": False}
    )
    workbook.set_properties(
        {"title": title, "company": current_app.config["ORGANISATION_NAME"], "comments": "Exported from the tracker"}
    )
    formats = _formats(workbook)
    actions = _Sheet(workbook, "Actions", EXPORT_COLUMNS, formats)
    count = 0
    for values in action_rows(filters, today):
        actions.append(values)
        count += 1
    actions.finish()
    updates = _Sheet(workbook, "Updates", UPDATE_COLUMNS, formats)
    for values in export_updates(filters, today):
        updates.append(values)
    updates.finish()
    recommendations = _Sheet(workbook, "Recommendations", RECOMMENDATION_COLUMNS, formats)
    for values in recommendation_rows():
        recommendations.append(values)
    recommendations.finish()
    workbook.close()
    return count


RECOMMENDATION_COLUMNS = (
    ("Report or review", 40),
    ("Made by", 18),
    ("Published", 12),
    ("Response due", 12),
    ("Response published", 12),
    ("Reference", 16),
    ("Recommendation", 60),
    ("Addressed to", 18),
    ("Lead", 22),
    ("Lead email", 30),
    ("Status", 17),
    ("Reason for the status", 45),
    ("Actions", 20),
    ("Code rights", 12),
    ("Priorities", 11),
)


def recommendation_rows():
    """Every recommendation, by report (newest first) and position, with the actions that answer it.

    All of them, whatever the action list's filters: every signed-in person reads every recommendation.
    """
    query = (
        select(Recommendation)
        .join(Recommendation.source)
        .order_by(RecommendationSource.published_on.desc(), RecommendationSource.id, Recommendation.position)
    )
    for recommendation in db.session.scalars(query):
        source = recommendation.source
        yield [
            source.title,
            source.body_label,
            source.published_on,
            source.response_due_on,
            source.responded_on,
            recommendation.reference,
            recommendation.text,
            recommendation.addressed_to_label,
            recommendation.lead.name,
            recommendation.lead.email,
            recommendation.status_label,
            recommendation.status_reason or "",
            ", ".join(action.reference for action in recommendation.actions),
            ", ".join(str(right.number) for right in recommendation.rights),
            ", ".join(str(priority.number) for priority in recommendation.priorities),
        ]


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
    for values in action_rows(filters, today):
        writer.writerow([csv_cell(value) for value in values])


def csv_bytes(filters, today):
    """The CSV export as UTF-8 with a byte-order mark, so that Excel reads names with accents right."""
    buffer = io.StringIO()
    write_csv(buffer, filters, today)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
