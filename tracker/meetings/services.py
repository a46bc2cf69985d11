"""Operations on meetings. Each flushes and never commits; the request commits once."""

from dataclasses import dataclass, field

from sqlalchemy import select

from tracker.audit.services import record
from tracker.common.dates import long_date
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.meetings.models import (
    ActionArising,
    AgendaItem,
    Attendance,
    ItemKind,
    Meeting,
    MeetingSeries,
    MeetingState,
)
from tracker.plan.errors import PlanError


class MeetingError(PlanError):
    """A meeting rule broken by what was asked, with the form field it concerns."""


@dataclass
class SeriesData:
    name: str
    members: list
    default_chair: object = None
    default_secretary: object = None
    agenda_working_days: int = 5


@dataclass
class MeetingData:
    held_on: object
    starts_at: object
    place: str = ""
    chair: object = None
    secretary: object = None
    attendees: list = field(default_factory=list)
    apologies: list = field(default_factory=list)
    guests: str = ""


def _names(users):
    return sorted(user.name for user in users)


def _series_snapshot(series):
    return {
        "name": series.name,
        "members": _names(series.members),
        "default_chair": series.default_chair.name if series.default_chair else None,
        "default_secretary": series.default_secretary.name if series.default_secretary else None,
        "agenda_working_days": series.agenda_working_days,
    }


def _check_series(data, series=None):
    name = (data.name or "").strip()
    if not name:
        raise MeetingError("Enter the name of the meeting series", "name")
    existing = db.session.scalar(select(MeetingSeries).where(MeetingSeries.name == name))
    if existing is not None and existing is not series:
        raise MeetingError("A meeting series with this name already exists", "name")
    return name


def save_series(series, data: SeriesData, actor):
    """Set up a series, or change its name, members, default chair and secretary."""
    if not actor.can_manage_plan:
        raise PermissionError("Only the chair or an administrator can set up meeting series")
    name = _check_series(data, series)
    before = _series_snapshot(series) if series is not None else {}
    if series is None:
        series = MeetingSeries(name=name, members=[])
        db.session.add(series)
    members = list(data.members)
    for person in (data.default_chair, data.default_secretary):
        if person is not None and person not in members:
            members.append(person)
    series.name, series.members = name, members
    series.default_chair, series.default_secretary = data.default_chair, data.default_secretary
    if not 1 <= int(data.agenda_working_days or 0) <= 30:
        raise MeetingError(
            "Send the agenda this many working days before each meeting must be a whole number between 1 and 30",
            "agenda_working_days",
        )
    series.agenda_working_days = int(data.agenda_working_days)
    db.session.flush()
    after = _series_snapshot(series)
    changes = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    verb = "meeting_series.changed" if before else "meeting_series.created"
    if changes:
        record(verb, actor=actor, obj=series, summary=f"Meeting series {series.name}", changes=changes)
    return series


def _meeting_snapshot(meeting):
    return {
        "held_on": meeting.held_on,
        "starts_at": meeting.starts_at.strftime("%H:%M") if meeting.starts_at else None,
        "place": meeting.place,
        "chair": meeting.chair.name if meeting.chair else None,
        "secretary": meeting.secretary.name if meeting.secretary else None,
        "attendees": _names(meeting.attendees),
        "apologies": _names(meeting.apologies),
        "guests": meeting.guests,
    }


def _apply(meeting, data: MeetingData):
    if data.held_on is None:
        raise MeetingError("Enter the date of the meeting", "held_on")
    if data.starts_at is None:
        raise MeetingError("Enter the time the meeting starts", "starts_at")
    both = {user.id for user in data.attendees} & {user.id for user in data.apologies}
    if both:
        raise MeetingError("Someone cannot both attend and send apologies: untick one of the two", "apologies")
    meeting.held_on, meeting.starts_at = data.held_on, data.starts_at
    meeting.place, meeting.guests = (data.place or "").strip(), (data.guests or "").strip()
    meeting.chair, meeting.secretary = data.chair, data.secretary
    wanted = {user.id: False for user in data.attendees} | {user.id: True for user in data.apologies}
    meeting.attendance = [row for row in meeting.attendance if row.user_id in wanted]
    for row in meeting.attendance:
        row.apologies = wanted.pop(row.user_id)
    people = {user.id: user for user in [*data.attendees, *data.apologies]}
    for user_id, apologies in wanted.items():
        meeting.attendance.append(Attendance(user=people[user_id], apologies=apologies))


def create_meeting(series, data: MeetingData, actor, today):
    """Plan a meeting of the series and propose its agenda from the plan as it stands today."""
    if not series.can_manage(actor):
        raise PermissionError("Only the chair or an administrator can plan meetings")
    meeting = Meeting(series=series, state=MeetingState.PLANNED.value, attendance=[], items=[])
    with db.session.no_autoflush:
        _apply(meeting, data)
    db.session.add(meeting)
    db.session.flush()
    record(
        "meeting.created",
        actor=actor,
        obj=meeting,
        summary=f"Planned {meeting.title}",
        changes={k: (None, v) for k, v in _meeting_snapshot(meeting).items()},
    )
    from tracker.meetings.agenda import propose_agenda

    propose_agenda(meeting, today)
    return meeting


def edit_meeting(meeting, data: MeetingData, actor):
    """Change when and where a meeting is, who chairs and minutes it, who comes and who sent apologies."""
    if not meeting.can_record(actor):
        raise PermissionError("Only the meeting's chair or secretary can change it")
    before = _meeting_snapshot(meeting)
    _apply(meeting, data)
    db.session.flush()
    after = _meeting_snapshot(meeting)
    changes = {k: (before[k], v) for k, v in after.items() if before[k] != v}
    if changes:
        record("meeting.changed", actor=actor, obj=meeting, summary=f"Changed {meeting.title}", changes=changes)
    return changes


def _check_agenda_open(meeting, actor):
    if not meeting.can_record(actor):
        raise PermissionError("Only the meeting's chair or secretary can change the agenda")
    if meeting.state not in (MeetingState.PLANNED, MeetingState.IN_PROGRESS):
        raise MeetingError("The meeting has been held, so its agenda can no longer change")


def _renumber(meeting):
    for number, item in enumerate(sorted(meeting.items, key=lambda i: i.position), start=1):
        item.position = number


def add_item(meeting, actor, *, title, action=None, reason="Added by hand"):
    """Add an item at the end of the agenda, about an action of the plan or anything else."""
    _check_agenda_open(meeting, actor)
    title = (title or "").strip()
    if not title and action is None:
        raise MeetingError("Enter what the item is about", "title")
    item = AgendaItem(
        kind=(ItemKind.ACTION if action is not None else ItemKind.ADDED).value,
        title=title or f"{action.reference}: {action.title}",
        action=action,
        reason=reason,
        position=len(meeting.items) + 1,
    )
    meeting.items.append(item)
    db.session.flush()
    record(
        "meeting.item_added",
        actor=actor,
        obj=meeting,
        action=action,
        summary=f"Added “{item.title}” to the agenda of {meeting.title}",
    )
    return item


def remove_item(item, actor):
    """Take an item off the agenda; the others close up."""
    meeting = item.meeting
    _check_agenda_open(meeting, actor)
    if item.note or item.decisions or item.arising:
        raise MeetingError("This item has a note, decisions or actions recorded, so it stays on the agenda")
    meeting.items.remove(item)
    _renumber(meeting)
    db.session.flush()
    record(
        "meeting.item_removed",
        actor=actor,
        obj=meeting,
        action=item.action,
        summary=f"Took “{item.title}” off the agenda of {meeting.title}",
    )


def move_item(item, direction, actor):
    """Swap an item with the one above or below it."""
    meeting = item.meeting
    _check_agenda_open(meeting, actor)
    ordered = sorted(meeting.items, key=lambda i: i.position)
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        raise MeetingError("That item cannot move further")
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for number, each in enumerate(ordered, start=1):
        each.position = number
    db.session.flush()
    record(
        "meeting.agenda_reordered",
        actor=actor,
        obj=meeting,
        summary=f"Moved “{item.title}” {direction} the agenda of {meeting.title}",
        changes={"position": (index + 1, other + 1)},
    )


def _set_state(meeting, actor, state, verb, allowed_from):
    if not meeting.can_record(actor):
        raise PermissionError("Only the meeting's chair or secretary can do this")
    if meeting.state not in allowed_from:
        raise MeetingError(f"The meeting is {meeting.state_label.lower()}, so this cannot be done now")
    before = meeting.state
    meeting.state = state.value
    db.session.flush()
    record(verb, actor=actor, obj=meeting, summary=meeting.title, changes={"state": (before, meeting.state)})


def start_meeting(meeting, actor):
    """Open the meeting for recording."""
    _set_state(meeting, actor, MeetingState.IN_PROGRESS, "meeting.started", (MeetingState.PLANNED,))


def finish_meeting(meeting, actor):
    """Close the meeting: it has been held and its minutes can be drafted."""
    _set_state(meeting, actor, MeetingState.HELD, "meeting.held", (MeetingState.IN_PROGRESS,))
    from tracker.meetings.discussion import clear_discussed

    clear_discussed(meeting, actor)


def previous_meeting(meeting):
    """The series' meeting before this one, or None."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.id != meeting.id,
            (Meeting.held_on < meeting.held_on) | ((Meeting.held_on == meeting.held_on) & (Meeting.id < meeting.id)),
        )
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(1)
    )


def arising_of(meeting):
    """The actions the meeting created, oldest first."""
    return db.session.scalars(
        select(ActionArising).where(ActionArising.meeting_id == meeting.id).order_by(ActionArising.id)
    ).all()


def meeting_words(meeting):
    """'the Victims Code Champions meeting on 14 January 2027'."""
    name = meeting.series.name
    article = "" if name.lower().startswith("the ") else "the "
    return f"{article}{name} on {long_date(meeting.held_on)}"


def agenda_recipients(meeting):
    """Everyone expected at the meeting who can receive mail: attendees, the chair and the secretary."""
    people = {user.id: user for user in [*meeting.attendees, meeting.chair, meeting.secretary] if user is not None}
    return sorted((user for user in people.values() if user.active), key=lambda user: user.name)


def send_agenda(meeting, actor):
    """Queue the agenda to each person expected at the meeting, with a link to its page and its pack attached."""
    from tracker.meetings.sending import queue_agenda

    _check_agenda_open(meeting, actor)
    recipients = agenda_recipients(meeting)
    if not recipients:
        raise MeetingError("Nobody is expected at the meeting yet: add the people attending first")
    queue_agenda(meeting, recipients, sender=actor)
    meeting.agenda_sent_at = utcnow()
    meeting.agenda_sent_to = len(recipients)
    db.session.flush()
    record(
        "meeting.agenda_sent",
        actor=actor,
        obj=meeting,
        summary=f"Sent the agenda of {meeting.title}",
        changes={"recipients": (None, [person.name for person in recipients])},
    )
    return recipients
