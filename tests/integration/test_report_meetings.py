"""The quarterly report's section on the quarter's meetings, included when the chair chooses it."""

import io
from datetime import time, timedelta

import pytest
from pypdf import PdfReader

from tests.visible import banners, visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import local_today, long_date
from tracker.common.quarters import quarter_of
from tracker.meetings import recording, services
from tracker.plan.services import ActionData
from tracker.reports.render import render_report_html, render_report_pdf
from tracker.reports.snapshot import build_snapshot

LAST = quarter_of(local_today()).previous()


def _meeting(series, chair, held_on, *, attendees, apologies=(), guests="", finish=True):
    data = services.MeetingData(
        held_on=held_on,
        starts_at=time(10),
        place="Room 4",
        chair=chair,
        secretary=chair,
        attendees=list(attendees),
        apologies=list(apologies),
        guests=guests,
    )
    meeting = services.create_meeting(series, data, chair, held_on)
    if finish:
        services.start_meeting(meeting, chair)
    return meeting


@pytest.fixture()
def quarter_meetings(db, make):
    """Two meetings held last quarter (decisions, an action arising), one only planned, one held this quarter."""
    chair = make.user("chair", name="Casey Chair")
    lead = make.user("lead", name="Jordan Blake")
    away = make.user("lead", name="Priya Away")
    action = make.action(owner=lead, title="Send the letter", due=LAST.end)
    series = services.save_series(
        None,
        services.SeriesData(name="Victims Code Champions meeting", members=[lead, away], default_chair=chair),
        chair,
    )
    first = _meeting(series, chair, LAST.start + timedelta(days=20), attendees=[chair, lead], apologies=[away])
    item = (
        next(item for item in first.items if item.action_id == action.id)
        if action.id in {i.action_id for i in first.items}
        else first.items[0]
    )
    recording.record_item(item, chair, note="Discussed.", decisions="Send the letter by hand\nBuy a printer")
    recording.create_arising(
        item,
        chair,
        ActionData(title="Order a new printer", owner=lead, start_date=first.held_on, original_due_date=LAST.end),
    )
    services.finish_meeting(first, chair)
    second = _meeting(
        series,
        chair,
        LAST.start + timedelta(days=60),
        attendees=[chair, lead, away],
        guests="Sam Patel, Witness Service",
    )
    services.finish_meeting(second, chair)
    _meeting(series, chair, LAST.end - timedelta(days=2), attendees=[chair], finish=False)
    db.session.commit()
    return first, second


def _outline_titles(outline):
    titles = []
    for item in outline:
        titles += _outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def _choose(client, *, meetings):
    data = {"decisions": "Note the meetings", "version_id": ""}
    if meetings:
        data["include_meetings"] = "y"
    return client.post(f"/reports/{LAST.slug}/decisions", data=data, follow_redirects=True)


def test_the_chair_includes_the_quarter_s_meetings_and_the_report_lists_them(client, auth, db, quarter_meetings):
    first, second = quarter_meetings
    auth.sign_in("chair")
    page = _choose(client, meetings=True)
    assert banners(page.get_data(as_text=True)) == [
        f"Decisions and sections for {LAST.label} saved. The report will include them."
    ]
    event = db.session.query(AuditEvent).filter_by(verb="report.notes_saved").one()
    assert event.changes["include_meetings"] == [False, True]

    snapshot = build_snapshot(LAST)
    assert snapshot["meetings"] == [
        {
            "series": "Victims Code Champions meeting",
            "held_on": first.held_on.isoformat(),
            "present": 2,
            "apologies": 1,
            "guests": 0,
            "decisions": ["Send the letter by hand", "Buy a printer"],
            "arising": 1,
            "minutes_approved": False,
        },
        {
            "series": "Victims Code Champions meeting",
            "held_on": second.held_on.isoformat(),
            "present": 3,
            "apologies": 0,
            "guests": 1,
            "decisions": [],
            "arising": 0,
            "minutes_approved": False,
        },
    ]
    draft = visible_text(client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True))
    assert "Meetings this quarter" in draft
    assert (
        f"Victims Code Champions meeting, {long_date(first.held_on)} (minutes not yet approved) "
        "2 present, 1 sent apologies Send the letter by hand Buy a printer 1 action added to the plan"
    ) in draft
    assert f"{long_date(second.held_on)} (minutes not yet approved) 3 present, 1 guest No decisions recorded" in draft

    reader = PdfReader(io.BytesIO(render_report_pdf(render_report_html(snapshot, draft=True))))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert (
        "Meetings this quarter" in text and "Send the letter by hand" in text and "2 present, 1 sent apologies" in text
    )
    assert "Meetings this quarter" in _outline_titles(reader.outline)


def test_without_the_chair_s_choice_the_report_has_no_meetings_section(client, auth, quarter_meetings):
    auth.sign_in("chair")
    _choose(client, meetings=False)
    snapshot = build_snapshot(LAST)
    assert snapshot["meetings"] is None
    draft = visible_text(client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True))
    assert "Meetings this quarter" not in draft


def test_a_quarter_without_meetings_says_so_when_the_section_is_chosen(client, auth, db):
    auth.sign_in("chair")
    _choose(client, meetings=True)
    assert build_snapshot(LAST)["meetings"] == []
    draft = visible_text(client.get(f"/reports/{LAST.slug}/draft").get_data(as_text=True))
    assert f"Meetings this quarter No meetings were held in {LAST.label}." in draft
