"""The quarterly report's section on the quarter's meetings: when each met, who came, what it decided."""

from sqlalchemy import select

from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingState

HELD_STATES = (MeetingState.HELD.value, MeetingState.MINUTES_APPROVED.value)


def _decisions(meeting):
    """One decision a line: from the approved minutes where there are some, else as recorded in the room."""
    minutes = meeting.minutes
    if minutes is not None and minutes.approved:
        texts = [item.decisions for item in minutes.items]
    else:
        texts = [item.decisions for item in meeting.items]
    return [line.strip() for text in texts for line in (text or "").splitlines() if line.strip()]


def quarter_meetings(start, end):
    """Every meeting held from start to end, oldest first, as plain data for a report snapshot."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.held_on >= start, Meeting.held_on <= end, Meeting.state.in_(HELD_STATES))
        .order_by(Meeting.held_on, Meeting.starts_at, Meeting.id)
    ).all()
    return [
        {
            "series": meeting.series.name,
            "held_on": meeting.held_on.isoformat(),
            "present": len(meeting.attendees),
            "apologies": len(meeting.apologies),
            "guests": len(meeting.guest_names),
            "decisions": _decisions(meeting),
            "arising": sum(len(item.arising) for item in meeting.items),
            "minutes_approved": meeting.state == MeetingState.MINUTES_APPROVED.value,
        }
        for meeting in meetings
    ]
