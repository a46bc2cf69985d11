"""The demo plan's requests and decisions: creation and sign-off entries, and requests waiting for the chair.

No random numbers are drawn here, so a seed gives the same plan it gave before these were added.
"""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert

from tracker.extensions import db
from tracker.plan.models import OPEN_STATUSES, ActionUpdate, ClosureRequest, EntryKind, ExtensionRequest, Status

CLOSURE_SUMMARY = "The change is in place and the latest monthly figures meet the success measure."
EXTENSION_REASON = "The system change this depends on has moved to next quarter."


def _at(day, hour):
    return datetime.combine(day, time(hour), tzinfo=UTC)


def draft_requests(draft, number, owner, today):
    """Add to a drafted action the requests its status implies: sign-off asked for, or more time."""
    action = draft.action
    draft.owner_name = owner.name
    if action["status"] == Status.AWAITING_SIGNOFF.value:
        draft.closure = {
            "requested_by_id": owner.id,
            "requested_at": _at(today - timedelta(days=number % 6 + 1), 11),
            "summary": CLOSURE_SUMMARY,
        }
    elif Status(action["status"]) in OPEN_STATUSES and number % 9 == 4 and not draft.extension:
        draft.pending_extension = {
            "requested_by_id": owner.id,
            "requested_at": _at(today - timedelta(days=2), 10),
            "previous_due_date": action["current_due_date"],
            "new_due_date": max(action["current_due_date"], today) + timedelta(days=42),
            "reason": EXTENSION_REASON,
        }


def _entry(action_id, author_id, kind, moment, narrative, **fields):
    entry = {"action_id": action_id, "author_id": author_id, "kind": kind.value, "created_at": moment}
    entry |= {"narrative": narrative, "status": None, "progress": None, "declared_rag": None}
    entry |= {"extension_request_id": None, "closure_request_id": None}
    return entry | fields


def _insert_returning_ids(model, rows):
    if not rows:
        return []
    table = model.__table__
    return db.session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).all()


def _standing_entries(action_id, draft, chair_id):
    """The entries every demo action has: its creation and, when complete, its sign-off."""
    action = draft.action
    narrative = f"Action created and assigned to {draft.owner_name}"
    entries = [_entry(action_id, chair_id, EntryKind.CREATED, _at(action["start_date"], 8), narrative)]
    if action["completed_on"]:
        moment = _at(action["completed_on"], 16)
        signed_off = "Signed off at the Champions meeting."
        entries.append(
            _entry(action_id, chair_id, EntryKind.CLOSURE_APPROVED, moment, signed_off, status=Status.COMPLETE.value)
        )
    return entries


def _request_entries(model, requests, kind, narrative_key, link_key, **fields):
    """Insert the requests, then one timeline entry per request pointing at it."""
    ids = _insert_returning_ids(model, [row for _, row in requests])
    return [
        _entry(
            action_id,
            row["requested_by_id"],
            kind,
            row["requested_at"],
            row[narrative_key],
            **fields,
            **{link_key: request_id},
        )
        for request_id, (action_id, row) in zip(ids, requests, strict=True)
    ]


def write_requests(drafts, action_ids, chair_id):
    """Write the drafted requests and the timeline entries that go with them."""
    entries, closures, extensions = [], [], []
    for action_id, draft in zip(action_ids, drafts, strict=True):
        entries += _standing_entries(action_id, draft, chair_id)
        if draft.closure:
            closures.append((action_id, draft.closure | {"action_id": action_id}))
        if draft.pending_extension:
            extensions.append((action_id, draft.pending_extension | {"action_id": action_id}))
    entries += _request_entries(
        ClosureRequest,
        closures,
        EntryKind.CLOSURE_REQUESTED,
        "summary",
        "closure_request_id",
        status=Status.AWAITING_SIGNOFF.value,
    )
    entries += _request_entries(
        ExtensionRequest, extensions, EntryKind.EXTENSION_REQUESTED, "reason", "extension_request_id"
    )
    if entries:
        db.session.execute(insert(ActionUpdate.__table__), entries)
