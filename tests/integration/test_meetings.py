"""Meetings: series, the agenda proposed from the plan, arranging and sending it, recording in the room."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from tests.visible import banner, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import local_today, long_date
from tracker.meetings import services
from tracker.meetings.models import ActionArising, Meeting, MeetingState
from tracker.notify.models import OutboundEmail
from tracker.plan.models import ActionUpdate, ClosureRequest, ExtensionRequest


def parts(day):
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def people(make):
    chair = make.user("chair", name="Casey Chair")
    lead = make.user("lead", name="Jordan Blake", department=make.department("Contact Management"))
    other = make.user("lead", name="Maya Carver", department=make.department("Public Protection"))
    return chair, lead, other


def _series(chair, members, name="Victims Code Champions meeting"):
    return services.save_series(None, services.SeriesData(name=name, members=members, default_chair=chair), chair)


def _meeting(series, chair, attendees, day, today=None):
    data = services.MeetingData(held_on=day, starts_at=time(14), place="Room 4", chair=chair, attendees=attendees)
    return services.create_meeting(series, data, chair, today or local_today())


def test_chair_sets_up_a_series_and_members_see_it(client, auth, make, db, people):
    chair, lead, other = people
    auth.sign_in(chair)
    form = client.get("/meetings/series/new").text
    assert visible_text(form, "h1") == "Set up a meeting series"
    response = client.post(
        "/meetings/series/new",
        data={
            "name": "Victims Voice Task & Finish group",
            "members": [str(lead.id)],
            "default_chair_id": str(chair.id),
            "default_secretary_id": str(lead.id),
        },
    )
    page = client.get(response.location).text
    assert banner(page) == "Victims Voice Task & Finish group has been set up."
    assert texts(page, ".govuk-summary-list__row") == [
        "Usual chair Casey Chair",
        "Usual secretary Jordan Blake",
        "Agenda sent 5 working days before each meeting",
        "Members Casey Chair, Jordan Blake",
    ]
    assert visible_text(page, "main p.govuk-body:last-of-type") == "No meetings have been planned yet."
    auth.sign_out()
    auth.sign_in(lead)
    assert "Meetings" in texts(client.get("/").text, ".govuk-service-navigation__item")
    assert texts(client.get("/meetings").text, "main h2") == ["Victims Voice Task & Finish group"]
    auth.sign_out()
    auth.sign_in(other)
    index = client.get("/meetings").text
    assert texts(index, "main h2") == []
    assert visible_text(index, "main").endswith(
        "You are not a member of any meeting series. The chair of a meeting adds its members."
    )
    series_id = response.location.rsplit("/", 1)[-1]
    assert client.get(f"/meetings/series/{series_id}").status_code == 403


def test_a_series_needs_a_name_of_its_own(client, auth, make, db, people):
    chair, lead, _ = people
    _series(chair, [lead])
    db.session.commit()
    auth.sign_in(chair)
    page = client.post("/meetings/series/new", data={"name": "Victims Code Champions meeting"}).text
    assert error_messages(page) == ["A meeting series with this name already exists"]
    page = client.post("/meetings/series/new", data={"name": ""}).text
    assert error_messages(page) == ["Enter the name of the meeting series"]


@pytest.fixture
def plan(make, db, people):
    """A crafted plan: two Red actions, one of them overdue, waiting decisions, and actions to leave off."""
    chair, lead, _ = people
    today = local_today()
    plan = {
        "overdue": make.action(owner=lead, title="Send the letter", due=today - timedelta(days=12), progress=60),
        "blocked": make.action(owner=lead, title="Fix the case system", status="blocked", progress=70),
        "extension": make.action(owner=lead, title="Train the call takers", progress=80),
        "closing": make.action(owner=lead, title="Publish the leaflet", status="awaiting_signoff", progress=100),
        "green": make.action(owner=lead, title="Survey victims", progress=80),
        "cancelled": make.action(owner=lead, title="Old idea", status="cancelled", due=today - timedelta(days=5)),
    }
    for action in plan.values():
        action.last_update_at = action.created_at
    extension = ExtensionRequest(
        action=plan["extension"],
        requested_by=lead,
        previous_due_date=plan["extension"].current_due_date,
        new_due_date=plan["extension"].current_due_date + timedelta(days=30),
        reason="The trainer is ill",
    )
    closure = ClosureRequest(action=plan["closing"], requested_by=lead, summary="Printed and sent out")
    db.session.add_all([extension, closure])
    db.session.commit()
    return plan


def test_the_proposed_agenda_holds_what_the_plan_needs_decided(client, auth, db, people, plan):
    chair, lead, _ = people
    today = local_today()
    series = _series(chair, [lead])
    db.session.commit()
    auth.sign_in(chair)
    response = client.post(
        f"/meetings/series/{series.id}/new",
        data={
            "held_on": parts(today + timedelta(days=7)),
            "starts_at": "2:00pm",
            "place": "Room 4, headquarters",
            "chair_id": str(chair.id),
            "attendees": [str(lead.id), str(chair.id)],
        },
    )
    page = client.get(response.location).text
    assert banner(page) == "The meeting has been planned with 6 items proposed for its agenda."
    overdue, blocked = plan["overdue"], plan["blocked"]
    due = long_date(overdue.current_due_date)
    new_due = long_date(plan["extension"].current_due_date + timedelta(days=30))
    assert texts(page, ".app-agenda__item h3") == [
        "1. Minutes of the last meeting",
        "2. Actions arising from the last meeting",
        f"3. {overdue.reference}: Send the letter",
        f"4. {blocked.reference}: Fix the case system",
        f"5. {plan['extension'].reference}: Train the call takers",
        f"6. {plan['closing'].reference}: Publish the leaflet",
    ]
    assert texts(page, ".app-agenda__item .app-secondary-text") == [
        "This is the first meeting of the series",
        "This is the first meeting of the series",
        f"Overdue. Red: 12 days past due date of {due}",
        "Red: blocked",
        f"Extension to {new_due} waiting for the chair's decision",
        "Sign-off waiting for the chair's decision",
    ]
    assert texts(page, ".govuk-summary-list__row")[:5] == [
        "Time 2pm",
        "Place or link Room 4, headquarters",
        "Chair Casey Chair",
        "Secretary Nobody yet",
        "Attending Casey Chair, Jordan Blake",
    ]


def test_the_next_agenda_says_what_turned_red_and_carries_forward_what_was_left(make, db, people, plan):
    chair, lead, _ = people
    today = local_today()
    series = _series(chair, [lead])
    # At the first meeting only the blocked action was Red; the letter was not yet overdue.
    first = _meeting(series, chair, [lead], today - timedelta(days=28), today=today - timedelta(days=28))
    first_items = {item.action_id: item for item in first.items if item.action_id}
    assert set(first_items) == {plan["blocked"].id, plan["extension"].id, plan["closing"].id}
    first_items[plan["blocked"].id].decisions = "Escalate to the head of IT"
    custom = services.add_item(first, chair, title="Victims' feedback from the focus groups")
    first.state = MeetingState.HELD.value
    arising = make.action(owner=lead, title="Write to the CPS", progress=90)
    db.session.add(ActionArising(meeting_id=first.id, item=custom, action=arising))
    db.session.flush()

    second = _meeting(series, chair, [lead], today + timedelta(days=7))
    held = long_date(first.held_on)
    reasons = {item.title: item.reason for item in second.items}
    assert reasons == {
        "Minutes of the last meeting": f"The meeting on {held}",
        "Actions arising from the last meeting": f"The meeting on {held}",
        f"{plan['overdue'].reference}: Send the letter": "Overdue. Turned Red since the last meeting: "
        f"12 days past due date of {long_date(plan['overdue'].current_due_date)}",
        f"{plan['blocked'].reference}: Fix the case system": "Red: blocked",
        f"{plan['extension'].reference}: Train the call takers": "Extension to "
        f"{long_date(plan['extension'].current_due_date + timedelta(days=30))} waiting for the chair's decision. "
        "Not decided at the last meeting",
        f"{plan['closing'].reference}: Publish the leaflet": "Sign-off waiting for the chair's decision. "
        "Not decided at the last meeting",
        f"{arising.reference}: Write to the CPS": "Arose at the last meeting",
        "Victims' feedback from the focus groups": f"Not decided on {held}",
    }


def _planned(db, people, plan=None):
    chair, lead, _ = people
    series = _series(chair, [lead])
    meeting = _meeting(series, chair, [lead, chair], local_today() + timedelta(days=7))
    db.session.commit()
    return meeting


def test_the_chair_reorders_removes_and_adds_items_without_javascript(client, auth, db, people, plan):
    chair = people[0]
    meeting = _planned(db, people)
    auth.sign_in(chair)
    url = f"/meetings/{meeting.id}"
    first, second = meeting.items[0], meeting.items[1]
    page = client.get(client.post(f"{url}/agenda/{first.id}/move", data={"direction": "down"}).location).text
    assert banner(page) == "“Minutes of the last meeting” is now item 2."
    assert texts(page, ".app-agenda__item h3")[:2] == [
        "1. Actions arising from the last meeting",
        "2. Minutes of the last meeting",
    ]
    page = client.get(client.post(f"{url}/agenda/{first.id}/move", data={"direction": "up"}).location).text
    assert texts(page, ".app-agenda__item h3")[0] == "1. Minutes of the last meeting"
    page = client.get(client.post(f"{url}/agenda/{first.id}/move", data={"direction": "up"}).location).text
    assert banner(page) == "That item cannot move further."
    page = client.get(client.post(f"{url}/agenda/{second.id}/remove").location).text
    assert banner(page) == "“Actions arising from the last meeting” has been taken off the agenda."
    assert len(texts(page, ".app-agenda__item h3")) == 5
    page = client.post(f"{url}/agenda/add", data={"title": "", "reference": "VV-999"}).text
    assert error_messages(page) == ["There is no action with the reference VV-999"]
    page = client.post(f"{url}/agenda/add", data={"title": "", "reference": plan["green"].reference}).text
    page = client.get(f"{url}").text
    assert texts(page, ".app-agenda__item h3")[-1] == f"6. {plan['green'].reference}: Survey victims"
    assert texts(page, ".app-agenda__item .app-secondary-text")[-1] == "Added by hand"


def test_sending_the_agenda_mails_each_attendee_a_link_to_the_meeting(client, auth, db, people, plan):
    chair, lead, _ = people
    meeting = _planned(db, people)
    auth.sign_in(chair)
    page = client.get(client.post(f"/meetings/{meeting.id}/send").location).text
    assert banner(page) == "The agenda has been sent to 2 people."
    mails = db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.to_address)).all()
    assert [(mail.kind, mail.to_address) for mail in mails] == sorted(
        [("meeting_agenda", chair.email), ("meeting_agenda", lead.email)], key=lambda row: row[1]
    )
    to_lead = next(mail for mail in mails if mail.to_address == lead.email)
    assert to_lead.subject == f"Agenda: Victims Code Champions meeting, {long_date(meeting.held_on)}"
    assert f"http://127.0.0.1:5000/meetings/{meeting.id}" in to_lead.body_text
    assert "3. " + f"{plan['overdue'].reference}: Send the letter" in to_lead.body_text.split("\n")


def _running(db, people):
    meeting = _planned(db, people)
    meeting.state = MeetingState.IN_PROGRESS.value
    db.session.commit()
    return meeting


def test_a_note_on_an_action_goes_on_its_timeline_and_decisions_into_the_audit_log(client, auth, db, people, plan):
    chair = people[0]
    meeting = _running(db, people)
    auth.sign_in(chair)
    action = plan["overdue"]
    client.get(f"/actions/{action.reference}")  # the action page is kept: the note must move it on
    url = f"/meetings/{meeting.id}/items/3"
    page = client.get(url).text
    assert visible_text(page, "h1") == f"{action.reference}: Send the letter"
    assert visible_text(page, ".govuk-caption-l") == f"{meeting.title}: item 3 of 6"
    assert texts(page, ".govuk-pagination__link-label") == [
        "Actions arising from the last meeting",
        f"{plan['blocked'].reference}: Fix the case system",
    ]
    item = meeting.items[2]
    response = client.post(
        url,
        data={"version_id": str(item.version_id), "note": "The printer has failed.", "decisions": "Buy a printer"},
    )
    page = client.get(response.location).text
    assert banner(page) == "The note and decisions on item 3 have been saved."
    words = f"Discussed at the Victims Code Champions meeting on {long_date(meeting.held_on)}: The printer has failed."
    entry = db.session.scalar(select(ActionUpdate).where(ActionUpdate.kind == "discussed"))
    assert (entry.action_id, entry.author_id, entry.narrative) == (action.id, chair.id, words)
    detail = client.get(f"/actions/{action.reference}").text
    assert words in texts(detail, ".app-timeline__item p")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.verb.like("meeting.%_recorded")).order_by(AuditEvent.id)
    ).all()
    assert [(e.verb, e.actor_id, e.action_id, e.changes) for e in events] == [
        ("meeting.note_recorded", chair.id, action.id, {"note": ["", "The printer has failed."]}),
        ("meeting.decision_recorded", chair.id, action.id, {"decisions": ["", "Buy a printer"]}),
    ]


def test_two_recorders_never_overwrite_each_other(app, db, people, plan, make):
    chair, lead, _ = people
    meeting = _running(db, people)
    secretary = make.user("admin", name="Sam Secretary")
    url = f"/meetings/{meeting.id}/items/4"
    first, second = app.test_client(), app.test_client()
    for client, person in ((first, chair), (second, secretary)):
        client.post("/sign-in", data={"email": person.email, "password": "correct horse battery staple"})
    version = str(meeting.items[3].version_id)
    saved = first.post(url, data={"version_id": version, "note": "IT say March.", "decisions": ""})
    assert saved.status_code == 302
    clash = second.post(url, data={"version_id": version, "note": "The supplier is late.", "decisions": "Escalate"})
    assert clash.status_code == 409
    page = clash.text
    assert banner(page).startswith("Someone else saved a change while you were editing")
    assert texts(page, "#saved-by-someone-else .govuk-summary-list__row") == ["Note IT say March.", "Decisions (blank)"]
    assert visible_text(page, "#note") == "The supplier is late."
    assert visible_text(page, "#decisions") == "Escalate"
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).items[3].note == "IT say March."


def test_an_action_arising_goes_into_the_plan_from_the_room(client, auth, db, people, plan):
    chair, lead, _ = people
    meeting = _running(db, people)
    auth.sign_in(chair)
    due = local_today() + timedelta(days=40)
    url = f"/meetings/{meeting.id}/items/4"
    page = client.post(
        f"{url}/arising", data={"arising-title": "", "arising-owner_id": "", "arising-due_date": ["", "", ""]}
    ).text
    assert error_messages(page) == ["Enter what is to be done", "Choose the owner", "Enter the due date"]
    response = client.post(
        f"{url}/arising",
        data={"arising-title": "Ask IT for a date", "arising-owner_id": str(lead.id), "arising-due_date": parts(due)},
    )
    page = client.get(response.location).text
    row = db.session.scalar(select(ActionArising))
    reference = row.action.reference
    assert banner(page) == f"{reference} has been added to the plan and Jordan Blake has been told it is theirs."
    assert texts(page, ".govuk-list--bullet li") == [
        f"{reference}: Ask IT for a date (Jordan Blake, due {long_date(due)})"
    ]
    verbs = db.session.scalars(select(AuditEvent.verb).where(AuditEvent.action_id == row.action_id)).all()
    assert sorted(verbs) == ["action.created", "meeting.action_arising"]


def test_members_read_but_only_the_chair_and_secretary_record(client, auth, db, people, plan):
    chair, lead, other = people
    meeting = _running(db, people)
    auth.sign_out()
    auth.sign_in(lead)
    page = client.get(f"/meetings/{meeting.id}/items/1").text
    assert texts(page, ".govuk-summary-list__row") == ["Note None recorded", "Decisions None recorded"]
    assert client.post(f"/meetings/{meeting.id}/items/1", data={"note": "Mine"}).status_code == 403
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    auth.sign_out()
    auth.sign_in(other)
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
