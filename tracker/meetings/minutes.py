"""Minutes: drafted from what was recorded, worded by the chair or secretary, approved, then never changed.

A correction to approved minutes is a dated addendum under them. Approving the minutes sends them,
with their PDF, to the people at the meeting, once; sending them again is its own step.
"""

import re

from tracker.audit.services import record
from tracker.common.dates import long_date
from tracker.common.templating import pluralise
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.meetings.models import MeetingState, Minutes, MinutesAddendum, MinutesItem
from tracker.meetings.services import MeetingError, agenda_recipients, arising_of, meeting_words
from tracker.notify.kinds import register_mail_kind

MEETING_MINUTES = register_mail_kind(
    "meeting_minutes",
    "Meeting minutes",
    "To the people at a meeting when its chair approves the minutes, with the minutes attached.",
).kind

ADDENDUM_MAX = 5000
LOCKED_MESSAGE = "These minutes have been approved, so they never change: add an addendum to correct them"


class MinutesLocked(MeetingError):
    """Approved minutes asked to change."""


def _present(meeting):
    """The people at the meeting: the chair, the secretary, then the others by name."""
    away = {user.id for user in meeting.apologies}
    lines, seen = [], set()
    for person, role in ((meeting.chair, "chair"), (meeting.secretary, "secretary")):
        if person is not None and person.id not in away and person.id not in seen:
            lines.append(f"{person.name} ({role})")
            seen.add(person.id)
    lines += [user.name for user in sorted(meeting.attendees, key=lambda u: u.name) if user.id not in seen]
    return "\n".join(lines)


def _arising_rows(meeting):
    items = {item.id: item for item in meeting.items}
    return [
        {
            "reference": row.action.reference,
            "title": row.action.title,
            "owner": row.action.owner.name,
            "due": row.action.current_due_date.isoformat(),
            "item": items[row.item_id].position if row.item_id in items else None,
        }
        for row in arising_of(meeting)
    ]


def draft_minutes(meeting, actor):
    """Draft the minutes from what was recorded: who came, each item's note and decisions, actions arising."""
    if not meeting.can_record(actor):
        raise PermissionError("Only the meeting's chair or secretary can draft its minutes")
    if meeting.minutes is not None:
        raise MeetingError("The minutes of this meeting have already been drafted")
    if meeting.state != MeetingState.HELD:
        raise MeetingError("Finish the meeting before drafting its minutes")
    minutes = Minutes(
        meeting=meeting,
        present=_present(meeting),
        apologies="\n".join(user.name for user in sorted(meeting.apologies, key=lambda u: u.name)),
        guests="\n".join(meeting.guest_names),
        arising=_arising_rows(meeting),
        drafted_by=actor,
        drafted_at=utcnow(),
        items=[
            MinutesItem(position=item.position, title=item.title, minute=item.note, decisions=item.decisions)
            for item in sorted(meeting.items, key=lambda item: item.position)
        ],
        addenda=[],
    )
    db.session.add(minutes)
    db.session.flush()
    record(
        "minutes.drafted",
        actor=actor,
        obj=minutes,
        summary=f"Drafted the minutes of {meeting.title}",
        changes={"items": (None, len(minutes.items)), "arising": (None, len(minutes.arising))},
    )
    return minutes


def _clean(text):
    """Text as saved: surrounding spaces and blank lines at either end taken off."""
    return (text or "").strip()


def edit_minutes(minutes, actor, *, present, apologies, guests, items):
    """Change the wording of the draft; items is {item id: (minute, decisions)}. Returns what changed."""
    if minutes.approved:
        raise MinutesLocked(LOCKED_MESSAGE)
    if not minutes.can_edit(actor):
        raise PermissionError("Only the meeting's chair or secretary can word its minutes")
    if not _clean(present):
        raise MeetingError("Enter who was present, one name a line", "present")
    changes = {}
    for name, value in (("present", present), ("apologies", apologies), ("guests", guests)):
        value = _clean(value)
        if getattr(minutes, name) != value:
            changes[name] = (getattr(minutes, name), value)
            setattr(minutes, name, value)
    for item in minutes.items:
        if item.id not in items:
            continue
        minute, decisions = (_clean(text) for text in items[item.id])
        if item.minute != minute:
            changes[f"item {item.position} minute"] = (item.minute, minute)
            item.minute = minute
        if item.decisions != decisions:
            changes[f"item {item.position} decisions"] = (item.decisions, decisions)
            item.decisions = decisions
    if not changes:
        return changes
    # The minutes row itself is updated on every save, so that its version moves on with any change.
    minutes.edited_by, minutes.edited_at = actor, utcnow()
    db.session.flush()
    record(
        "minutes.edited",
        actor=actor,
        obj=minutes,
        summary=f"Changed the draft minutes of {minutes.meeting.title}",
        changes=changes,
    )
    return changes


def approve_minutes(minutes, actor):
    """Approve the minutes, which then never change, and send them to the people at the meeting."""
    if minutes.approved:
        raise MinutesLocked("These minutes have already been approved")
    if not minutes.can_approve(actor):
        raise PermissionError("Only the meeting's chair can approve its minutes")
    meeting = minutes.meeting
    if meeting.state != MeetingState.HELD:
        raise MeetingError(f"The meeting is {meeting.state_label.lower()}, so its minutes cannot be approved")
    minutes.approved_by, minutes.approved_at = actor, utcnow()
    meeting.state = MeetingState.MINUTES_APPROVED.value
    db.session.flush()
    record(
        "minutes.approved",
        actor=actor,
        obj=minutes,
        summary=f"Approved the minutes of {meeting.title}",
        changes={"state": (MeetingState.HELD.value, meeting.state)},
    )
    return send_minutes(minutes, actor)


def minutes_file_name(minutes):
    """'minutes-victims-code-champions-meeting-2027-01-14.pdf'."""
    meeting = minutes.meeting
    slug = re.sub(r"[^a-z0-9]+", "-", meeting.series.name.lower()).strip("-")
    return f"minutes-{slug}-{meeting.held_on.isoformat()}.pdf"


def send_minutes(minutes, actor, *, again=False):
    """Queue the approved minutes, with their PDF, to each person at the meeting; once, unless sent again."""
    from tracker.meetings.minutes_render import minutes_pdf
    from tracker.notify.services import email_link, queue_email

    if not minutes.approved:
        raise MeetingError("Approve the minutes before sending them")
    meeting = minutes.meeting
    if again and not meeting.can_record(actor):
        raise PermissionError("Only the meeting's chair or secretary can send its minutes again")
    if minutes.sent_at is not None and not again:
        raise MeetingError("The minutes have already been sent: send them again if someone needs them")
    recipients = agenda_recipients(meeting)
    pdf = minutes_pdf(minutes)
    context = {
        "meeting": meeting,
        "meeting_words": meeting_words(meeting),
        "approved_by": minutes.approved_by,
        "approved_on": long_date(minutes.approved_at),
        "addenda": len(minutes.addenda),
        "link": email_link("meetings.minutes", meeting_id=meeting.id),
    }
    for person in recipients:
        message = queue_email(
            MEETING_MINUTES,
            to_address=person.email,
            to_user=person,
            template="meeting_minutes",
            subject=f"Minutes: {meeting.title}",
            context=context,
            dedupe_key=None if again else f"minutes-{minutes.id}-{person.email.lower()}",
        )
        if message.attachment is None:
            message.attachment = pdf
            message.attachment_name = minutes_file_name(minutes)
            message.attachment_type = "application/pdf"
    minutes.sent_at = utcnow()
    db.session.flush()
    record(
        "minutes.sent",
        actor=actor,
        obj=minutes,
        summary=f"{'Sent again' if again else 'Sent'} the minutes of {meeting.title} to "
        f"{pluralise(len(recipients), 'person', 'people')}",
        changes={"recipients": (None, [person.name for person in recipients])},
    )
    return recipients


def add_addendum(minutes, actor, text):
    """Add a dated correction under approved minutes."""
    if not minutes.approved:
        raise MeetingError("The minutes are still a draft: change the draft instead")
    if not minutes.can_add_addendum(actor):
        raise PermissionError("Only the meeting's chair or secretary can correct its minutes")
    text = _clean(text)
    if not text:
        raise MeetingError("Enter the correction", "text")
    if len(text) > ADDENDUM_MAX:
        raise MeetingError(f"The correction must be {ADDENDUM_MAX:,} characters or fewer", "text")
    addendum = MinutesAddendum(text=text, author=actor, created_at=utcnow())
    minutes.addenda.append(addendum)
    db.session.flush()
    record(
        "minutes.addendum_added",
        actor=actor,
        obj=addendum,
        summary=f"Added an addendum to the minutes of {minutes.meeting.title}",
        changes={"text": (None, text)},
    )
    return addendum
