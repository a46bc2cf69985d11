"""Sending the agenda: by hand, or on its own a set number of working days before the meeting.

Each message carries the agenda pack as a PDF. The scheduled send claims the meeting with one
conditional UPDATE (agenda not yet sent), so that two schedulers running at once send it once.
"""

from datetime import timedelta

from sqlalchemy import select, update

from tracker.audit.services import record
from tracker.common.dates import is_working_day, local_today
from tracker.extensions import db
from tracker.meetings.models import Meeting, MeetingState


def working_days_before(day, days):
    """The date that is the given number of working days before `day` (weekends, bank holidays skipped)."""
    remaining = days
    while remaining > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def agenda_due_on(meeting):
    """The day the agenda is sent on its own: the series' number of working days before the meeting."""
    return working_days_before(meeting.held_on, meeting.series.agenda_working_days or 5)


def agenda_sending(meeting, today=None):
    """When the agenda was sent and to how many, or when it will be, in words for the meeting page."""
    from tracker.common.dates import date_time, long_date
    from tracker.common.templating import pluralise

    if meeting.agenda_sent_at is not None:
        to = f" to {pluralise(meeting.agenda_sent_to, 'person', 'people')}" if meeting.agenda_sent_to else ""
        return f"Sent on {date_time(meeting.agenda_sent_at)}{to}"
    if meeting.state != MeetingState.PLANNED:
        return "Not sent"
    today = today or local_today()
    due, days = agenda_due_on(meeting), meeting.series.agenda_working_days
    before = pluralise(days, "working day")
    if due > today:
        return f"Not yet. It will be sent on {long_date(due)}, {before} before the meeting"
    if meeting.held_on < today:
        return "Not sent"
    return (
        f"Not yet. It was due on {long_date(due)}, {before} before the meeting, and goes with the next scheduled send"
    )


def queue_agenda(meeting, recipients, *, sender=None, dedupe=None):
    """Queue the agenda, with its pack attached, to each recipient; returns the messages."""
    from tracker.meetings.agenda_pack import file_name, pack_pdf
    from tracker.meetings.services import meeting_words
    from tracker.notify.kinds import MEETING_AGENDA
    from tracker.notify.services import email_link, queue_email

    pdf = pack_pdf(meeting)
    context = {
        "meeting": meeting,
        "meeting_words": meeting_words(meeting),
        "items": sorted(meeting.items, key=lambda item: item.position),
        "sender": sender,
        "attached": True,
        "link": email_link("meetings.meeting", meeting_id=meeting.id),
    }
    messages = []
    for person in recipients:
        message = queue_email(
            MEETING_AGENDA,
            to_address=person.email,
            to_user=person,
            template="meeting_agenda",
            subject=f"Agenda: {meeting.title}",
            context=context,
            dedupe_key=f"{dedupe}:{person.email.lower()}" if dedupe else None,
        )
        message.attachment = pdf
        message.attachment_name = file_name(meeting)
        message.attachment_type = "application/pdf"
        messages.append(message)
    return messages


def _claim(meeting, count, now):
    """Mark the agenda as sent unless another process did first; True for the one that did."""
    claimed = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.agenda_sent_at.is_(None), Meeting.state == MeetingState.PLANNED)
        .values(agenda_sent_at=now, agenda_sent_to=count, version_id=Meeting.version_id + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(meeting)
    return bool(claimed)


def send_due_agendas(now):
    """Send each planned meeting's agenda on the day it is due, once; a late run still sends it before the day."""
    from tracker.meetings.services import agenda_recipients

    today = local_today(now)
    waiting = db.session.scalars(
        select(Meeting)
        .where(Meeting.state == MeetingState.PLANNED, Meeting.agenda_sent_at.is_(None), Meeting.held_on >= today)
        .order_by(Meeting.held_on, Meeting.id)
    ).all()
    sent = 0
    for meeting in waiting:
        if agenda_due_on(meeting) > today:
            continue
        recipients = agenda_recipients(meeting)
        if not recipients or not _claim(meeting, len(recipients), now):
            continue
        queue_agenda(meeting, recipients, sender=None, dedupe=f"meeting-agenda-{meeting.id}-scheduled")
        record(
            "meeting.agenda_sent",
            obj=meeting,
            actor_label="Scheduled send",
            summary=f"Sent the agenda of {meeting.title}, {meeting.series.agenda_working_days} working days before",
            changes={"recipients": (None, [person.name for person in recipients])},
        )
        sent += 1
    db.session.flush()
    return f"Sent {sent} agenda{'s' if sent != 1 else ''}"
