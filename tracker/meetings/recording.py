"""What the chair or secretary records in the room: notes, decisions and actions arising.

Each note on an action goes on the action's timeline and each decision and new action into the
audit log, under the name of the person who recorded it.
"""

from tracker.audit.services import record
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.meetings.models import ActionArising, MeetingState
from tracker.meetings.services import MeetingError, meeting_words
from tracker.plan import services as plan_services
from tracker.plan.models import EntryKind
from tracker.plan.timeline import add_entry

RECORDING_STATES = (MeetingState.IN_PROGRESS, MeetingState.HELD)


def _check_recording(meeting, actor):
    if not meeting.can_record(actor):
        raise PermissionError("Only the meeting's chair or secretary can record it")
    if meeting.state not in RECORDING_STATES:
        raise MeetingError("Start the meeting before recording notes and decisions")
    if meeting.minutes is not None:
        raise MeetingError("The minutes have been drafted, so notes and decisions are now changed in the minutes")


def record_item(item, actor, *, note, decisions):
    """Save the item's note and decisions; a changed note on an action goes on its timeline."""
    meeting = item.meeting
    _check_recording(meeting, actor)
    note, decisions = (note or "").strip(), (decisions or "").strip()
    changed_note, changed_decisions = note != item.note, decisions != item.decisions
    if not (changed_note or changed_decisions):
        return False
    before = {"note": item.note, "decisions": item.decisions}
    item.note, item.decisions = note, decisions
    item.recorded_by, item.recorded_at = actor, utcnow()
    db.session.flush()
    if changed_note and note and item.action is not None:
        add_entry(item.action, actor, EntryKind.DISCUSSED, f"Discussed at {meeting_words(meeting)}: {note}")
    if changed_note:
        record(
            "meeting.note_recorded",
            actor=actor,
            obj=item,
            action=item.action,
            summary=f"Note on “{item.title}” at {meeting_words(meeting)}",
            changes={"note": (before["note"], note)},
        )
    if changed_decisions:
        record(
            "meeting.decision_recorded",
            actor=actor,
            obj=item,
            action=item.action,
            summary=f"Decisions on “{item.title}” at {meeting_words(meeting)}",
            changes={"decisions": (before["decisions"], decisions)},
        )
    return True


def create_arising(item, actor, data: plan_services.ActionData):
    """Add an action to the plan from the meeting, tied to the item it arose from."""
    meeting = item.meeting
    _check_recording(meeting, actor)
    data.description = data.description or f"Arose at {meeting_words(meeting)}, on “{item.title}”."
    action = plan_services.create_action(data, actor)
    arising = ActionArising(meeting_id=meeting.id, item=item, action=action)
    db.session.add(arising)
    db.session.flush()
    record(
        "meeting.action_arising",
        actor=actor,
        obj=arising,
        action=action,
        summary=f"{action.reference} arose at {meeting_words(meeting)}",
        changes={
            "item": (None, item.title),
            "owner": (None, action.owner.name),
            "due": (None, action.current_due_date),
        },
    )
    return action
