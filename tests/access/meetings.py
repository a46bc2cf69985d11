"""Access rules for meetings: members see their series' meetings; the meeting's chair and secretary
(and administrators) arrange and record them; admins and chairs set up series and plan meetings.
Members read draft minutes, which the chair and secretary word and the chair approves; everyone
signed in reads approved minutes and the archive of them.

In the world, the series' members are the lead and the chair; the chair chairs both meetings.
The viewer and the other department's lead are not members. The running meeting's last item is
about the lead's action, for which the plan's set-up then adds a request for more time.
"""

from tests.access import MANAGERS_POST, READ_ALL

MEMBERS = {"anon": 302, "viewer": 403, "lead": 200, "other_lead": 403, "chair": 200, "admin": 200}
RECORDERS_POST = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": "ok", "admin": "ok"}


def SETUP(data, make):
    """A series with a planned meeting and one in progress, each with its proposed agenda."""
    from datetime import time, timedelta

    from tracker.common.dates import local_today
    from tracker.extensions import db
    from tracker.meetings import services
    from tracker.meetings.models import MeetingState

    today = local_today()
    data.series = services.save_series(
        None,
        services.SeriesData(name="Victims Code Champions meeting", members=[data.lead], default_chair=data.chair),
        data.chair,
    )

    def meeting(days):
        details = services.MeetingData(
            held_on=today + timedelta(days=days), starts_at=time(14), place="Room 4", chair=data.chair
        )
        details.attendees = [data.lead, data.chair]
        return services.create_meeting(data.series, details, data.chair, today)

    data.running = meeting(-1)
    data.running.state = MeetingState.IN_PROGRESS.value
    data.action_item = services.add_item(data.running, data.chair, title="", action=data.action)
    data.meeting = meeting(14)
    db.session.commit()
    _minutes_setup(data, meeting)


def _minutes_setup(data, meeting):
    """Three held meetings: one without minutes yet, one with draft minutes and one with approved minutes."""
    from tracker.common.types import utcnow
    from tracker.extensions import db
    from tracker.meetings.minutes import draft_minutes
    from tracker.meetings.models import MeetingState

    data.held, data.drafted, data.approved = meeting(-7), meeting(-35), meeting(-63)
    for held in (data.held, data.drafted, data.approved):
        held.state = MeetingState.HELD.value
    draft_minutes(data.drafted, data.chair)
    minutes = draft_minutes(data.approved, data.chair)
    # Approved as the chair would, without drawing the PDF and queueing mail for every world built.
    minutes.approved_by, minutes.approved_at, minutes.sent_at = data.chair, utcnow(), utcnow()
    data.approved.state = MeetingState.MINUTES_APPROVED.value
    db.session.commit()


def _drafted(d):
    return {"meeting_id": d.drafted.id}


def _approved(d):
    return {"meeting_id": d.approved.id}


def _meeting(d):
    return {"meeting_id": d.meeting.id}


def _action_item(d):
    return {"meeting_id": d.running.id, "number": d.action_item.position}


def _item(d):
    return {"meeting_id": d.meeting.id, "item_id": d.meeting.items[0].id}


RULES = {
    "meetings.index": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "meetings.new_series": {"method": "POST", "args": lambda d: {}, "expect": MANAGERS_POST},
    "meetings.series": {"method": "GET", "args": lambda d: {"series_id": d.series.id}, "expect": MEMBERS},
    "meetings.edit_series": {"method": "POST", "args": lambda d: {"series_id": d.series.id}, "expect": MANAGERS_POST},
    "meetings.new_meeting": {"method": "POST", "args": lambda d: {"series_id": d.series.id}, "expect": MANAGERS_POST},
    "meetings.meeting": {"method": "GET", "args": _meeting, "expect": MEMBERS},
    "meetings.edit_meeting": {"method": "POST", "args": _meeting, "expect": RECORDERS_POST},
    "meetings.add_item": {"method": "POST", "args": _meeting, "expect": RECORDERS_POST},
    "meetings.move_item": {
        "method": "POST",
        "args": _item,
        "expect": RECORDERS_POST,
        "fuzz_data": lambda d: {"direction": "down"},
    },
    "meetings.remove_item": {"method": "POST", "args": _item, "expect": RECORDERS_POST},
    "meetings.send_agenda": {"method": "POST", "args": _meeting, "expect": RECORDERS_POST},
    "meetings.start_meeting": {"method": "POST", "args": _meeting, "expect": RECORDERS_POST},
    "meetings.finish_meeting": {
        "method": "POST",
        "args": lambda d: {"meeting_id": d.running.id},
        "expect": RECORDERS_POST,
    },
    "meetings.run_item": {
        "method": "GET",
        "args": _action_item,
        "expect": MEMBERS,
    },
    "meetings.agenda_pack": {"method": "GET", "args": _meeting, "expect": MEMBERS},
    "meetings.decide_extension_here": {
        "method": "POST",
        "args": _action_item,
        "expect": RECORDERS_POST,
        "fuzz_data": lambda d: {"extension-reason": "Agreed in the room"},
    },
    "meetings.decide_closure_here": {
        "method": "POST",
        "args": _action_item,
        "expect": RECORDERS_POST,
        "fuzz_data": lambda d: {"closure-reason": "Not yet"},
    },
    "meetings.change_action_here": {
        "method": "POST",
        "args": _action_item,
        "expect": RECORDERS_POST,
        "fuzz_data": lambda d: {"change-date_reason": "Agreed in the room"},
    },
    "meetings.add_arising": {
        "method": "POST",
        "args": lambda d: {"meeting_id": d.running.id, "number": 1},
        "expect": RECORDERS_POST,
    },
    "meetings.minutes": {"method": "GET", "args": _drafted, "expect": MEMBERS},
    "meetings.draft_minutes": {
        "method": "POST",
        "args": lambda d: {"meeting_id": d.held.id},
        "expect": RECORDERS_POST,
    },
    "meetings.edit_minutes": {"method": "POST", "args": _drafted, "expect": RECORDERS_POST},
    "meetings.approve_minutes": {"method": "POST", "args": _drafted, "expect": RECORDERS_POST},
    "meetings.send_minutes": {"method": "POST", "args": _approved, "expect": RECORDERS_POST},
    "meetings.add_addendum": {"method": "POST", "args": _approved, "expect": RECORDERS_POST},
    "meetings.minutes_download": {"method": "GET", "args": _approved, "expect": READ_ALL},
    "meetings.archive": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
}
