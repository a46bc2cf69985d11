"""The audit log as a CSV file: each change on its own line, readable values beside the recorded ones."""

import csv
import io
import json

from tracker.audit.models import AuditEvent
from tracker.audit.readable import field_label, kind_label, readable_value
from tracker.common.dates import date_time
from tracker.extensions import db
from tracker.plan.models import Action

HEADINGS = (
    "When",
    "When (UTC)",
    "Who",
    "Who (as recorded)",
    "From address",
    "What happened",
    "Kind (as recorded)",
    "Summary",
    "Action",
    "Field",
    "Field (as recorded)",
    "Old value",
    "New value",
    "Old value (as recorded)",
    "New value (as recorded)",
)
# A spreadsheet runs a cell starting with one of these as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell's text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _raw(value):
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def event_lines(event, reference):
    """The CSV lines of one event: one per recorded change, or one when nothing was recorded."""
    head = [
        date_time(event.at),
        event.at.isoformat(timespec="seconds") if event.at else "",
        event.actor.name if event.actor else event.actor_label,
        event.actor_label,
        event.address or "",
        kind_label(event.verb),
        event.verb,
        event.summary,
        reference or "",
    ]
    changes = event.changes or {}
    if not changes:
        return [head + [""] * 6]
    lines = []
    for field, values in changes.items():
        old, new = (list(values) + [None, None])[:2] if isinstance(values, (list, tuple)) else (None, values)
        lines.append(
            head
            + [field_label(field), field, readable_value(field, old), readable_value(field, new), _raw(old), _raw(new)]
        )
    return lines


def _text(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[safe_cell(cell) for cell in row] for row in rows])
    return buffer.getvalue()


def audit_csv(query):
    """The events the search selects, newest first, as CSV text in pieces (a BOM first, for Excel)."""
    query = query.add_columns(Action.reference).outerjoin(Action, Action.id == AuditEvent.action_id)
    yield "\ufeff" + _text([HEADINGS])
    rows = db.session.execute(query.execution_options(yield_per=500))
    for event, reference in rows:
        yield _text(event_lines(event, reference))
