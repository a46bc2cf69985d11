"""What the meeting pages share: finding the series or meeting in the URL and checking who may see it."""

from flask import abort

from tracker.common.permissions import ensure
from tracker.extensions import db
from tracker.meetings.models import AgendaItem, Meeting, MeetingSeries
from tracker.plan.pages import actor  # noqa: F401  (the signed-in user, for services)


def load_series(series_id, user):
    """The series in the URL, or 404; 403 for someone who may not see it."""
    series = db.session.get(MeetingSeries, series_id)
    if series is None:
        abort(404)
    ensure(series.can_view(user))
    return series


def load_meeting(meeting_id, user):
    """The meeting in the URL, or 404; 403 for someone who may not see it."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    ensure(meeting.can_view(user))
    return meeting


def load_item(meeting, item_id):
    """An item of this meeting's agenda, or 404."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def item_at(meeting, number):
    """The agenda item at a position (from 1), or 404."""
    items = sorted(meeting.items, key=lambda item: item.position)
    if not 1 <= number <= len(items):
        abort(404)
    return items[number - 1]
