"""Actions their owners raise for discussion at the next meeting, from a progress update.

The mark stays until a meeting has discussed the action (a note or a decision recorded on its
item, and the meeting held); every proposed agenda until then carries the action with who raised
it and when.
"""

from sqlalchemy import select

from tracker.audit.services import record
from tracker.common.dates import local_today, long_date
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.meetings.models import DiscussionRequest


def raise_for_discussion(action, actor, update):
    """Mark the action for discussion at the next meeting, from the update just posted."""
    if not action.can_update(actor):
        raise PermissionError("Only the owner or a lead of the owning department can raise an action for discussion")
    request = DiscussionRequest(action=action, update_id=update.id if update else None, raised_by=actor)
    request.raised_at = utcnow()
    db.session.add(request)
    db.session.flush()
    record(
        "action.raised_for_discussion",
        actor=actor,
        obj=request,
        action=action,
        summary=f"{actor.name} raised {action.reference} for discussion at the next meeting",
    )
    return request


def open_requests(action_ids=None):
    """{action id: the earliest uncleared request} for these actions (or all)."""
    query = select(DiscussionRequest).where(DiscussionRequest.cleared_at.is_(None)).order_by(DiscussionRequest.id)
    if action_ids is not None:
        query = query.where(DiscussionRequest.action_id.in_(list(action_ids)))
    found = {}
    for request in db.session.scalars(query):
        found.setdefault(request.action_id, request)
    return found


def raised_reason(request):
    """'Raised for discussion by Jordan Blake in the update of 3 December 2026'."""
    return f"Raised for discussion by {request.raised_by.name} in the update of {long_date(local_today(request.raised_at))}"


def clear_discussed(meeting, actor):
    """Clear the marks of the actions the meeting discussed: their items have a note or decisions."""
    discussed = {item.action_id for item in meeting.items if item.action_id and (item.note or item.decisions)}
    cleared = []
    for action_id, request in open_requests(discussed).items():
        for each in db.session.scalars(
            select(DiscussionRequest).where(
                DiscussionRequest.action_id == action_id, DiscussionRequest.cleared_at.is_(None)
            )
        ):
            each.cleared_at, each.cleared_by_meeting_id = utcnow(), meeting.id
        cleared.append(request)
        record(
            "action.discussion_cleared",
            actor=actor,
            obj=request,
            action=request.action,
            summary=f"{request.action.reference} was discussed at {meeting.title}",
        )
    db.session.flush()
    return cleared
