"""Due dates change only through decisions: extensions approved, or the chair's recorded move.

Every approved extension is an ExtensionRequest row in state approved, whoever started it, and
Action.extension_count is kept equal to the number of those rows by apply_extension(), the one
place that moves a due date later. BRAG (rule_rag and rule_rag_sql), "extended N times", the
report's movement and slippage figures and the export all read from these.
"""

from tracker.common.dates import long_date
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.plan.errors import PlanError
from tracker.plan.models import EntryKind, ExtensionRequest, RequestState
from tracker.plan.timeline import add_entry


def apply_extension(action, request):
    """Move the action's current due date to the approved request's date and count the extension."""
    action.current_due_date = request.new_due_date
    action.extension_count = (action.extension_count or 0) + 1


def check_date_changes(action, actor, *, original_due_date, current_due_date, reason):
    """Refuse date changes that are not allowed; the reason to record when a date moves, or ''."""
    reason = (reason or "").strip()
    original_moved = original_due_date != action.original_due_date
    current_moved = current_due_date != action.current_due_date
    if original_moved and not actor.is_admin:
        raise PlanError(
            "The original due date is fixed once the action is assigned. Only an administrator can correct it",
            "original_due_date",
        )
    if (original_moved or current_moved) and not reason:
        raise PlanError("Enter why the due date is changing", "date_reason")
    return reason


def move_current_due_date(action, actor, new_due_date, reason):
    """The chair moves the current due date outside a request: later counts as an extension."""
    previous = action.current_due_date
    if new_due_date == previous:
        return None
    if new_due_date < previous:
        action.current_due_date = new_due_date
        moved = f"Brought forward from {long_date(previous)} to {long_date(new_due_date)}."
        add_entry(action, actor, EntryKind.DUE_DATE_MOVED, f"{moved}\n\n{reason}", due_date_before=previous)
        return None
    request = ExtensionRequest(
        action=action,
        requested_by=actor,
        previous_due_date=previous,
        new_due_date=new_due_date,
        reason=reason,
        state=RequestState.APPROVED.value,
        decided_by=actor,
        decided_at=utcnow(),
        decision_reason=reason,
    )
    db.session.add(request)
    db.session.flush()
    apply_extension(action, request)
    add_entry(
        action, actor, EntryKind.DUE_DATE_MOVED, reason, extension_request_id=request.id, due_date_before=previous
    )
    return request
