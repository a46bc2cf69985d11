"""What the meeting pages read: the series a person can see, and the archive of approved minutes."""

from sqlalchemy import select

from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingSeries, Minutes


def series_visible_to(user):
    """The meeting series the person may see, by name."""
    every = db.session.scalars(select(MeetingSeries).order_by(MeetingSeries.name)).all()
    return [series for series in every if series.can_view(user)]


def approved_minutes_by_series():
    """[(series, [minutes newest first])] of every series with approved minutes, by series name."""
    rows = db.session.execute(
        select(MeetingSeries, Minutes)
        .join(Meeting, Meeting.series_id == MeetingSeries.id)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Minutes.approved_at.is_not(None))
        .order_by(MeetingSeries.name, Meeting.held_on.desc(), Meeting.id.desc())
    ).all()
    grouped = {}
    for series, minutes in rows:
        grouped.setdefault(series.id, (series, []))[1].append(minutes)
    return list(grouped.values())
