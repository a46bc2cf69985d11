"""The plan as it stood at the end of a day, read back from the timeline.

A report describes the plan as at its quarter end, but is built days later, and the movement
since the previous quarter needs the plan as at that quarter's end too. Each action's current
values are rolled back by what its timeline records after the day; anything the timeline does
not record is taken as it is now.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from tracker.auth.models import User
from tracker.common.dates import local_zone
from tracker.extensions import db
from tracker.plan.models import (
    ActionUpdate,
    ClosureRequest,
    EntryKind,
    Evidence,
    ExtensionRequest,
    RequestState,
    Status,
)

# The status a timeline entry leaves behind when it does not record one itself.
STATUS_AFTER_ENTRY = {
    EntryKind.CLOSURE_REQUESTED.value: Status.AWAITING_SIGNOFF.value,
    EntryKind.CLOSURE_APPROVED.value: Status.COMPLETE.value,
    EntryKind.CANCELLED.value: Status.CANCELLED.value,
    EntryKind.REOPENED.value: Status.IN_PROGRESS.value,
}
# Entries after which progress may differ: updates set it, sign-off makes it 100%.
PROGRESS_KINDS = (EntryKind.UPDATE.value, EntryKind.CLOSURE_APPROVED.value)


def end_of_day(day: date) -> datetime:
    """The first moment after a local day, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_zone())


def local_date(moment):
    """The local calendar date of a moment."""
    return moment.astimezone(local_zone()).date() if moment else None


@dataclass
class Entry:
    """The parts of a timeline entry a report uses."""

    created_at: datetime
    kind: str
    narrative: str
    status: str | None
    progress: int | None
    declared_rag: str | None
    author: str
    # The file an import brought it from; None for what a person wrote in the tracker.
    imported_from: str | None = None
    # On the chair's due-date moves: the current due date until the move.
    due_date_before: date | None = None


@dataclass
class Extension:
    previous_due_date: date
    new_due_date: date
    state: str
    reason: str
    decided_at: datetime | None
    decision_reason: str | None


@dataclass
class Timeline:
    """Every action's entries, extension requests, closure summaries and evidence, by action id."""

    entries: dict = field(default_factory=lambda: defaultdict(list))
    extensions: dict = field(default_factory=lambda: defaultdict(list))
    closures: dict = field(default_factory=dict)
    # The chair's reason for signing off without evidence or below 100%, by action.
    signoff_notes: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=lambda: defaultdict(list))


def load_timeline(action_ids) -> Timeline:
    """Read the timelines of the given actions in a handful of queries, whatever their number."""
    timeline = Timeline()
    ids = list(action_ids)
    if not ids:
        return timeline
    entry_rows = db.session.execute(
        select(
            ActionUpdate.action_id,
            ActionUpdate.created_at,
            ActionUpdate.kind,
            ActionUpdate.narrative,
            ActionUpdate.status,
            ActionUpdate.progress,
            ActionUpdate.declared_rag,
            ActionUpdate.imported_from,
            ActionUpdate.due_date_before,
            User.name,
        )
        .outerjoin(User, User.id == ActionUpdate.author_id)
        .where(ActionUpdate.action_id.in_(ids))
        .order_by(ActionUpdate.created_at, ActionUpdate.id)
    )
    for action_id, *values, imported_from, due_date_before, author in entry_rows:
        timeline.entries[action_id].append(
            Entry(*values, author=author or "Unknown", imported_from=imported_from, due_date_before=due_date_before)
        )
    extension_rows = db.session.execute(
        select(
            ExtensionRequest.action_id,
            ExtensionRequest.previous_due_date,
            ExtensionRequest.new_due_date,
            ExtensionRequest.state,
            ExtensionRequest.reason,
            ExtensionRequest.decided_at,
            ExtensionRequest.decision_reason,
        )
        .where(ExtensionRequest.action_id.in_(ids))
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
    )
    for action_id, *values in extension_rows:
        timeline.extensions[action_id].append(Extension(*values))
    closure_rows = db.session.execute(
        select(ClosureRequest.action_id, ClosureRequest.summary, ClosureRequest.exception_note)
        .where(ClosureRequest.action_id.in_(ids), ClosureRequest.state == RequestState.APPROVED.value)
        .order_by(ClosureRequest.decided_at, ClosureRequest.id)
    )
    for action_id, summary, note in closure_rows:
        timeline.closures[action_id] = summary
        timeline.signoff_notes[action_id] = note
    evidence_rows = db.session.execute(
        select(Evidence.action_id, Evidence.is_link, Evidence.description, Evidence.filename, Evidence.url)
        .where(Evidence.action_id.in_(ids))
        .order_by(Evidence.uploaded_at, Evidence.id)
    )
    for action_id, is_link, description, filename, url in evidence_rows:
        label = description or filename or url or "Evidence"
        timeline.evidence[action_id].append({"label": label, "kind": "link" if is_link else "file"})
    return timeline


@dataclass
class ActionState:
    """An action's fields as they stood on a day: what rule_rag() reads, and the owner's word."""

    status: str
    progress: int
    current_due_date: date
    extension_count: int
    last_update_at: datetime | None
    start_date: date
    completed_on: date | None
    declared_rag: str | None


def _status_of(entry):
    return entry.status or STATUS_AFTER_ENTRY.get(entry.kind)


def state_as_at(action, day: date, timeline: Timeline) -> ActionState:
    """The action as it stood at the end of `day`, rolling back what its timeline records after it."""
    cutoff = end_of_day(day)
    entries = timeline.entries.get(action.id, [])
    before = [e for e in entries if e.created_at < cutoff]
    after = [e for e in entries if e.created_at >= cutoff]
    updates_before = [e for e in before if e.kind == EntryKind.UPDATE.value]

    status, progress, declared = action.status, action.progress or 0, action.declared_rag
    if any(_status_of(e) for e in after):
        known = [e for e in before if _status_of(e)]
        status = _status_of(known[-1]) if known else Status.NOT_STARTED.value
    if any(e.kind in PROGRESS_KINDS for e in after):
        last = updates_before[-1] if updates_before else None
        progress = last.progress if last and last.progress is not None else 0
        declared = last.declared_rag if last else None

    completed_on = action.completed_on if action.completed_on and action.completed_on <= day else None
    if status == Status.COMPLETE.value and completed_on is None and action.completed_on:
        status = Status.AWAITING_SIGNOFF.value

    last_update_at = action.last_update_at
    if last_update_at is None or last_update_at >= cutoff:
        last_update_at = updates_before[-1].created_at if updates_before else None

    due, count = action.current_due_date, action.extension_count or 0
    later = [
        x
        for x in timeline.extensions.get(action.id, [])
        if x.state == RequestState.APPROVED.value and x.decided_at and x.decided_at >= cutoff
    ]
    if later:
        count = max(count - len(later), 0)
    # The due date as it stood: the date before the first move after the day, by an extension or the chair.
    moves = [(x.decided_at, x.previous_due_date) for x in later]
    moves += [(e.created_at, e.due_date_before) for e in after if e.due_date_before is not None]
    if moves:
        due = min(moves, key=lambda move: move[0])[1]
    return ActionState(status, progress, due, count, last_update_at, action.start_date, completed_on, declared)


def latest_commentary(action_id, day: date, timeline: Timeline):
    """The newest progress update a person wrote, with a narrative, on or before the day, as plain data.

    Entries an import wrote are left out: the board reads only people's own words as commentary.
    """
    cutoff = end_of_day(day)
    for entry in reversed(timeline.entries.get(action_id, [])):
        if entry.imported_from or entry.kind != EntryKind.UPDATE.value:
            continue
        if entry.created_at < cutoff and entry.narrative.strip():
            return {"on": local_date(entry.created_at).isoformat(), "author": entry.author, "text": entry.narrative}
    return None


def updates_between(action_id, first: date, last: date, timeline: Timeline):
    """How many progress updates were posted from the first day to the last, inclusive."""
    start, cutoff = end_of_day(first - timedelta(days=1)), end_of_day(last)
    return sum(
        1
        for e in timeline.entries.get(action_id, [])
        if e.kind == EntryKind.UPDATE.value and start <= e.created_at < cutoff
    )


def extension_history(action_id, day: date, timeline: Timeline):
    """Every extension decided on or before the day, oldest first, as plain data."""
    cutoff = end_of_day(day)
    history = []
    for x in timeline.extensions.get(action_id, []):
        if x.decided_at is None or x.decided_at >= cutoff:
            continue
        if x.state not in (RequestState.APPROVED.value, RequestState.REFUSED.value):
            continue
        history.append(
            {
                "from": x.previous_due_date.isoformat(),
                "to": x.new_due_date.isoformat(),
                "state": x.state,
                "decided_on": local_date(x.decided_at).isoformat(),
                "reason": x.reason,
                "decision_reason": x.decision_reason or "",
            }
        )
    return history
