"""An action's timeline: writing entries, and reading them newest first a page at a time."""

from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload

from tracker.common.dates import long_date
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.plan.models import ActionUpdate, ClosureRequest, EntryKind, Evidence, ExtensionRequest, Rag, Status

TIMELINE_PAGE_SIZE = 20
HEADINGS = {
    EntryKind.CREATED: "Action created",
    EntryKind.UPDATE: "Progress update",
    EntryKind.ASSIGNED: "Owner changed",
    EntryKind.EDITED: "Details changed",
    EntryKind.EXTENSION_REQUESTED: "More time asked for",
    EntryKind.EXTENSION_APPROVED: "Extension approved",
    EntryKind.EXTENSION_REFUSED: "Extension refused",
    EntryKind.EXTENSION_WITHDRAWN: "Request for more time withdrawn",
    EntryKind.CLOSURE_REQUESTED: "Sign-off asked for",
    EntryKind.CLOSURE_APPROVED: "Signed off as complete",
    EntryKind.CLOSURE_REFUSED: "Sign-off refused",
    EntryKind.CLOSURE_WITHDRAWN: "Request for sign-off withdrawn",
    EntryKind.CANCELLED: "Action cancelled",
    EntryKind.REOPENED: "Action reopened",
    EntryKind.EVIDENCE_ADDED: "Evidence added",
    EntryKind.DUE_DATE_MOVED: "Due date moved by the chair",
    EntryKind.DISCUSSED: "Discussed at a meeting",
}


# The columns a timeline entry may fill beside its author, moment, kind and narrative.
ENTRY_FIELDS = ("status", "progress", "declared_rag", "extension_request_id", "closure_request_id")


def entry_values(action_id, author, kind, narrative, at, **fields):
    """A timeline entry as row values for a bulk insert; every column is named, so rows share one statement."""
    unknown = set(fields) - set(ENTRY_FIELDS) - {"imported_from", "imported_at"}
    if unknown:
        raise TypeError(f"not timeline entry columns: {sorted(unknown)}")
    values = {name: fields.pop(name, None) for name in ENTRY_FIELDS}
    row = {"action_id": action_id, "author_id": author.id, "created_at": at, "kind": kind.value, "narrative": narrative}
    return row | values | fields


def add_entry(action, actor, kind, narrative="", **fields):
    """Append an immutable entry to the action's timeline."""
    entry = ActionUpdate(
        action=action, author=actor, kind=kind.value, narrative=narrative, created_at=utcnow(), **fields
    )
    db.session.add(entry)
    return entry


def heading(entry):
    """What the entry records, in a few words: 'Extension approved: now due 30 January 2027'."""
    kind = EntryKind(entry.kind)
    text = HEADINGS[kind]
    request = entry.extension_request
    if request is not None and kind == EntryKind.EXTENSION_REQUESTED:
        text += f": due date {long_date(request.previous_due_date)} to {long_date(request.new_due_date)}"
    elif request is not None and kind == EntryKind.DUE_DATE_MOVED:
        text += f": now due {long_date(request.new_due_date)}, counted as an extension"
    elif request is not None and kind == EntryKind.EXTENSION_APPROVED:
        text += f": now due {long_date(request.new_due_date)}"
    return text


def facts(entry):
    """The figures an update declared, as (label, text, rag) rows for a summary."""
    rows = []
    if entry.kind != EntryKind.UPDATE.value:
        return rows
    if entry.status:
        rows.append(("Status", Status(entry.status).label, None))
    if entry.progress is not None:
        rows.append(("Progress", f"{entry.progress}%", None))
    if entry.declared_rag:
        rows.append(("Owner's BRAG", Rag(entry.declared_rag).label, entry.declared_rag))
    return rows


def timeline_page(action, page=1, per_page=TIMELINE_PAGE_SIZE):
    """One page of the action's timeline, newest first, with authors, requests and evidence loaded."""
    query = (
        select(ActionUpdate)
        .where(ActionUpdate.action_id == action.id)
        .options(
            # The action is already loaded: take it from the session rather than joining it again.
            lazyload(ActionUpdate.action),
            selectinload(ActionUpdate.extension_request).lazyload(ExtensionRequest.action),
            selectinload(ActionUpdate.closure_request).lazyload(ClosureRequest.action),
            selectinload(ActionUpdate.evidence).lazyload(Evidence.action),
        )
        .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def latest_update(action):
    """The newest progress update a person wrote on the action (not an imported one), or None."""
    return db.session.scalar(
        select(ActionUpdate)
        .where(
            ActionUpdate.action_id == action.id,
            ActionUpdate.kind == EntryKind.UPDATE.value,
            ActionUpdate.imported_from.is_(None),
        )
        .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
        .limit(1)
    )
