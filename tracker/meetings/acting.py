"""Acting on an item's action from the room, through the plan's own services and integrity rules."""

from tracker.audit.services import record
from tracker.meetings.services import MeetingError, meeting_words
from tracker.plan import services as plan_services
from tracker.plan.errors import PlanError
from tracker.plan.services import ActionData

ACTING_STATES = ("in_progress", "held")


def check_acting(meeting, item, actor):
    """Only the meeting's recorder who is also the chair (or an admin), on an open action, while it runs."""
    if not (meeting.can_record(actor) and actor.can_manage_plan):
        raise PermissionError("Only the chair or an administrator recording the meeting can act on the plan from it")
    if meeting.state not in ACTING_STATES:
        raise MeetingError("Start the meeting before acting on the plan from it")
    if item.action is None:
        raise MeetingError("This item is not about an action")


def _note(meeting, item, actor, what):
    record(
        "meeting.acted_on_action",
        actor=actor,
        obj=item,
        action=item.action,
        summary=f"{what} at {meeting_words(meeting)}",
    )


def decide_extension(meeting, item, pending, actor, *, approve, reason, version):
    check_acting(meeting, item, actor)
    plan_services.check_version(pending, version)
    plan_services.decide_extension(pending, actor, approve=approve, reason=reason)
    _note(meeting, item, actor, f"Decided the extension of {item.action.reference}")


def decide_closure(meeting, item, pending, actor, *, approve, reason, version, confirm_exception, exception_reason):
    check_acting(meeting, item, actor)
    plan_services.check_version(pending, version)
    plan_services.decide_closure(
        pending,
        actor,
        approve=approve,
        reason=reason,
        confirm_exception=confirm_exception,
        exception_reason=exception_reason,
    )
    _note(meeting, item, actor, f"Decided the sign-off of {item.action.reference}")


def change_owner_or_due_date(meeting, item, actor, *, owner, due_date, reason):
    """Give the action another owner or due date; moving the date needs the reason the plan's rules ask for."""
    check_acting(meeting, item, actor)
    action = item.action
    if owner is None:
        raise PlanError("Choose an owner from the list of people who can sign in", "owner_id")
    department = action.department if owner.id == action.owner_id else (owner.department or action.department)
    data = ActionData(
        title=action.title,
        owner=owner,
        start_date=action.start_date,
        original_due_date=action.original_due_date,
        description=action.description or "",
        source=action.source,
        success_measure=action.success_measure or "",
        department=department,
        current_due_date=due_date,
        rights=list(action.rights),
        priorities=list(action.priorities),
        touchpoints=list(action.touchpoints),
        date_reason=reason or "",
    )
    try:
        changes = plan_services.edit_action(action, data, actor)
    except PlanError as error:
        if error.field == "original_due_date":
            error.field = "current_due_date"
        raise
    if changes:
        names = " and ".join(plan_services.FIELD_NAMES[name] for name in sorted(changes))
        _note(meeting, item, actor, f"Changed the {names} of {action.reference}")
    return changes
