"""Minutes: drafted from what was recorded, worded, approved once, then never changed but corrected
by addenda; the page, the tagged PDF, the e-mail to the people at the meeting, the archive, and
who may read what."""

import io
from datetime import time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.integration.notify.conftest import body_of
from tests.integration.test_report_pdf import structure_types
from tests.visible import banner, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import local_today, long_date
from tracker.meetings import minutes as minutes_services
from tracker.meetings import recording, services
from tracker.meetings.minutes_render import minutes_pdf
from tracker.meetings.models import ApprovedMinutesChanged, Meeting, MeetingState, Minutes
from tracker.notify.models import OutboundEmail
from tracker.notify.sender import send_pending
from tracker.plan.services import ActionData

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(make):
    contact = make.department("Contact Management")
    return {
        "chair": make.user("chair", name="Casey Chair"),
        "secretary": make.user("lead", name="Sam Secretary", department=contact),
        "lead": make.user("lead", name="Jordan Blake", department=contact),
        "away": make.user("lead", name="Priya Away", department=contact),
        "outsider": make.user("lead", name="Maya Carver", department=make.department("Public Protection")),
        "viewer": make.user("viewer", name="Vic Viewer"),
    }


@pytest.fixture
def held(db, make, people):
    """A meeting held a week ago: a note and decisions on a Red action, an action arising, a guest, apologies."""
    chair, secretary, lead, away = people["chair"], people["secretary"], people["lead"], people["away"]
    today = local_today()
    late = make.action(owner=lead, title="Send the letter", due=today - timedelta(days=12), progress=60)
    series = services.save_series(
        None,
        services.SeriesData(
            name="Victims Code Champions meeting",
            members=[lead, away],
            default_chair=chair,
            default_secretary=secretary,
        ),
        chair,
    )
    data = services.MeetingData(
        held_on=today - timedelta(days=7),
        starts_at=time(14),
        place="Room 4",
        chair=chair,
        secretary=secretary,
        attendees=[lead, chair, secretary],
        apologies=[away],
        guests="Sam Patel, Witness Service",
    )
    meeting = services.create_meeting(series, data, chair, today)
    services.start_meeting(meeting, chair)
    item = next(item for item in meeting.items if item.action_id == late.id)
    recording.record_item(item, secretary, note="The printer has failed.", decisions="Send by hand\nBuy a printer")
    recording.create_arising(
        item,
        chair,
        ActionData(
            title="Order a new printer",
            owner=lead,
            start_date=today,
            original_due_date=today + timedelta(days=21),
        ),
    )
    services.finish_meeting(meeting, chair)
    db.session.commit()
    return meeting


def _signed_in(app, person):
    client = app.test_client()
    client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    return client


def _drafted(db, held, people):
    minutes = minutes_services.draft_minutes(held, people["secretary"])
    db.session.commit()
    return minutes


def test_the_draft_is_written_from_what_was_recorded(app, db, held, people):
    secretary = _signed_in(app, people["secretary"])
    meeting_page = secretary.get(f"/meetings/{held.id}").text
    assert visible_text(meeting_page, "#minutes + p") == (
        "The minutes are drafted from what was recorded: who came, each item's note and decisions, and the "
        "actions arising. After that, notes and decisions are changed in the minutes."
    )
    response = secretary.post(f"/meetings/{held.id}/minutes/draft")
    assert response.location.endswith(f"/meetings/{held.id}/minutes")
    page = secretary.get(response.location).text
    assert banner(page) == "The minutes have been drafted from what was recorded. Check the wording, then approve them."
    assert visible_text(page, "h1") == f"Draft minutes: {long_date(held.held_on)}"
    assert texts(page, ".app-minutes__present li") == [
        "Casey Chair (chair)",
        "Sam Secretary (secretary)",
        "Jordan Blake",
    ]
    assert texts(page, ".app-minutes__apologies li") == ["Priya Away"]
    assert texts(page, ".app-minutes__guests li") == ["Sam Patel, Witness Service"]
    late = next(item for item in held.items if item.action_id)
    arising = services.arising_of(held)[0].action
    assert texts(page, ".app-minutes__item h3") == [f"{item.position}. {item.title}" for item in held.items]
    minuted = texts(page, ".app-minutes__item")[late.position - 1]
    assert minuted == f"{late.position}. {late.title} The printer has failed. Decisions Send by hand Buy a printer"
    assert texts(page, ".app-minutes__arising tbody tr") == [
        f"{arising.reference}: Order a new printer Jordan Blake {long_date(local_today() + timedelta(days=21))}"
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "minutes.drafted"))
    assert (event.actor_id, event.summary) == (people["secretary"].id, f"Drafted the minutes of {held.title}")
    # Once drafted, the record is changed in the minutes, not on the items.
    run = secretary.post(
        f"/meetings/{held.id}/items/{late.position}", data={"version_id": str(late.version_id), "note": "Late"}
    )
    assert error_messages(run.text) == [
        "The minutes have been drafted, so notes and decisions are now changed in the minutes"
    ]
    assert secretary.post(f"/meetings/{held.id}/minutes/draft").status_code == 302
    again = secretary.get(f"/meetings/{held.id}").text
    assert banner(again) == "The minutes of this meeting have already been drafted."


def test_minutes_are_drafted_only_once_the_meeting_is_held(app, db, held, people):
    held.state = MeetingState.IN_PROGRESS.value
    db.session.commit()
    chair = _signed_in(app, people["chair"])
    page = chair.get(chair.post(f"/meetings/{held.id}/minutes/draft").location).text
    assert banner(page) == "Finish the meeting before drafting its minutes."
    assert db.session.scalar(select(Minutes)) is None


def _edit_data(minutes, **changes):
    data = {
        "version_id": str(minutes.version_id),
        "present": minutes.present,
        "apologies": minutes.apologies,
        "guests": minutes.guests,
    }
    for item in minutes.items:
        data[f"minute_{item.id}"], data[f"decisions_{item.id}"] = item.minute, item.decisions
    return {**data, **changes}


def test_the_chair_words_the_draft_and_every_change_is_audited(app, db, held, people):
    minutes = _drafted(db, held, people)
    item = next(item for item in minutes.items if item.minute)
    chair = _signed_in(app, people["chair"])
    form = chair.get(f"/meetings/{held.id}/minutes/edit").text
    assert visible_text(form, "h1") == "Change the draft minutes"
    assert visible_text(form, f"#minute_{item.id}") == "The printer has failed."
    page = chair.post(f"/meetings/{held.id}/minutes/edit", data=_edit_data(minutes, present="  ")).text
    assert error_messages(page) == ["Enter who was present, one name a line"]
    wording = "The printer in the post room has failed; IT have ordered another."
    response = chair.post(
        f"/meetings/{held.id}/minutes/edit", data=_edit_data(minutes, **{f"minute_{item.id}": wording})
    )
    page = chair.get(response.location).text
    assert banner(page) == "The minutes have been saved."
    assert wording in texts(page, ".app-minutes__item p")
    assert visible_text(page, ".app-minutes__status").endswith(
        "last changed by Casey Chair on " + visible_text(page, ".app-minutes__status").split(" on ")[-1]
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "minutes.edited"))
    assert event.actor_id == people["chair"].id
    assert event.changes == {f"item {item.position} minute": ["The printer has failed.", wording]}
    # The note recorded in the room stays as it was recorded.
    db.session.expire_all()
    assert db.session.get(Meeting, held.id).items[item.position - 1].note == "The printer has failed."


def test_two_people_wording_at_once_never_overwrite_each_other(app, db, held, people):
    minutes = _drafted(db, held, people)
    item = next(item for item in minutes.items if item.minute)
    chair, secretary = _signed_in(app, people["chair"]), _signed_in(app, people["secretary"])
    started = _edit_data(minutes)
    url = f"/meetings/{held.id}/minutes/edit"
    saved = chair.post(url, data={**started, f"minute_{item.id}": "The chair's wording."})
    assert saved.status_code == 302
    clash = secretary.post(url, data={**started, f"decisions_{item.id}": "Send by hand"})
    assert clash.status_code == 409
    page = clash.text
    assert banner(page).startswith("Someone else saved a change while you were editing")
    assert texts(page, "#saved-by-someone-else .govuk-summary-list__row") == [
        f"Item {item.position}: Minute The chair's wording.",
        f"Item {item.position}: Decisions Send by hand Buy a printer",
    ]
    assert visible_text(page, f"#minute_{item.id}") == "The printer has failed."
    assert visible_text(page, f"#decisions_{item.id}") == "Send by hand"
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).items[item.position - 1].minute == "The chair's wording."
    # Saving again from the page she was shown keeps the secretary's version, deliberately.
    again = secretary.post(url, data={**_edit_data(db.session.get(Minutes, minutes.id)), f"decisions_{item.id}": "X"})
    assert again.status_code == 302


def test_approving_asks_first_then_locks_the_minutes_and_sends_them_once(app, db, held, people):
    minutes = _drafted(db, held, people)
    secretary, chair = _signed_in(app, people["secretary"]), _signed_in(app, people["chair"])
    assert secretary.get(f"/meetings/{held.id}/minutes/approve").status_code == 403
    assert "Approve the minutes" not in texts(secretary.get(f"/meetings/{held.id}/minutes").text, ".govuk-button")
    confirm = chair.get(f"/meetings/{held.id}/minutes/approve").text
    assert visible_text(confirm, "h1") == "Approve the minutes"
    assert texts(confirm, ".app-minutes__recipients li") == [
        f"Casey Chair ({people['chair'].email})",
        f"Jordan Blake ({people['lead'].email})",
        f"Sam Secretary ({people['secretary'].email})",
    ]
    assert db.session.get(Minutes, minutes.id).approved_at is None, "the confirmation page changes nothing"
    page = chair.get(chair.post(f"/meetings/{held.id}/minutes/approve").location).text
    assert banner(page) == "The minutes have been approved and sent to 3 people."
    assert visible_text(page, "h1") == f"Minutes: {long_date(held.held_on)}"
    assert visible_text(page, ".app-minutes__status").startswith(
        f"Approved Approved by Casey Chair on {long_date(local_today())}."
    )
    db.session.expire_all()
    assert db.session.get(Meeting, held.id).state == MeetingState.MINUTES_APPROVED
    mails = db.session.scalars(select(OutboundEmail).where(OutboundEmail.kind == "meeting_minutes")).all()
    assert sorted(mail.to_address for mail in mails) == sorted(
        people[name].email for name in ("chair", "lead", "secretary")
    )
    assert {mail.attachment_name for mail in mails} == {
        f"minutes-victims-code-champions-meeting-{held.held_on.isoformat()}.pdf"
    }
    verbs = db.session.scalars(select(AuditEvent.verb).where(AuditEvent.verb.like("minutes.%"))).all()
    assert sorted(verbs) == ["minutes.approved", "minutes.drafted", "minutes.sent"]
    # Approving again does nothing and sends nothing.
    again = chair.get(chair.post(f"/meetings/{held.id}/minutes/approve").location).text
    assert banner(again) == "These minutes have already been approved."
    with pytest.raises(services.MeetingError, match="already been sent"):
        minutes_services.send_minutes(db.session.get(Minutes, minutes.id), people["chair"])
    # Sending again is its own step, and says how many it went to.
    page = chair.get(chair.post(f"/meetings/{held.id}/minutes/send").location).text
    assert banner(page) == "The minutes have been sent again to 3 people."
    assert db.session.query(OutboundEmail).filter_by(kind="meeting_minutes").count() == 6


def test_approved_minutes_never_change_and_corrections_are_dated_addenda(app, db, held, people):
    minutes = _drafted(db, held, people)
    minutes_services.approve_minutes(minutes, people["chair"])
    db.session.commit()
    chair = _signed_in(app, people["chair"])
    url = f"/meetings/{held.id}/minutes"
    refused = chair.post(f"{url}/edit", data=_edit_data(minutes, present="Somebody else"))
    page = chair.get(refused.location).text
    assert banner(page) == ("These minutes have been approved, so they never change: add an addendum to correct them.")
    assert "Change the wording" not in texts(page, ".govuk-button")
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).present.startswith("Casey Chair (chair)")
    with pytest.raises(services.MeetingError, match="never change"):
        minutes_services.edit_minutes(
            db.session.get(Minutes, minutes.id), people["chair"], present="X", apologies="", guests="", items={}
        )
    # Not even a change made straight on the record gets through.
    record = db.session.get(Minutes, minutes.id)
    record.items[0].minute = "Rewritten"
    with pytest.raises(ApprovedMinutesChanged):
        db.session.flush()
    db.session.rollback()

    page = chair.post(f"{url}/addendum", data={"text": "  "}).text
    assert error_messages(page) == ["Enter the correction"]
    response = chair.post(f"{url}/addendum", data={"text": "Priya Away sent apologies by e-mail, not by phone."})
    page = chair.get(response.location).text
    assert banner(page) == "The addendum has been added under the minutes."
    assert texts(page, ".app-minutes__addendum") == [
        f"Addendum of {long_date(local_today())}, by Casey Chair Priya Away sent apologies by e-mail, not by phone."
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "minutes.addendum_added"))
    assert (event.actor_id, event.changes) == (
        people["chair"].id,
        {"text": [None, "Priya Away sent apologies by e-mail, not by phone."]},
    )
    pdf = chair.get(f"{url}.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert f"Addendum of {long_date(local_today())}, by Casey Chair" in text


def test_the_pdf_is_tagged_titled_numbered_and_reads_as_the_minutes(app, db, held, people):
    minutes = _drafted(db, held, people)
    draft = PdfReader(io.BytesIO(minutes_pdf(minutes)))
    assert draft.metadata.title == f"Draft minutes: {held.title}"
    assert "Draft: not yet approved" in draft.pages[0].extract_text()
    minutes_services.approve_minutes(minutes, people["chair"])
    db.session.commit()
    response = _signed_in(app, people["viewer"]).get(f"/meetings/{held.id}/minutes.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="minutes-victims-code-champions-meeting-{held.held_on.isoformat()}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.data))
    count = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {count}" in page.extract_text()
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"Minutes: Victims Code Champions meeting {long_date(held.held_on)} at 2pm" in text
    assert f"Approved by Casey Chair on {long_date(local_today())}." in text
    assert "Casey Chair (chair) Sam Secretary (secretary) Jordan Blake" in text
    assert "Apologies Priya Away" in text and "Guests Sam Patel, Witness Service" in text
    assert "The printer has failed. Decisions Send by hand Buy a printer" in text
    arising = services.arising_of(held)[0].action
    assert f"{arising.reference}: Order a new printer Jordan Blake" in text
    root = reader.trailer["/Root"]
    tags = structure_types(root["/StructTreeRoot"])
    assert tags["/H1"] == 1 and tags["/H2"] == 3 and tags["/H3"] >= 2 + len(held.items)
    assert tags["/Table"] == 1 and tags["/TH"] == 3 and tags["/L"] >= 4
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "en-GB"
    assert 'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data().decode()
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == f"Minutes: {held.title}"
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert outline[:1] == [f"Minutes: Victims Code Champions meeting {long_date(held.held_on)} at 2pm"]


def test_the_people_at_the_meeting_receive_a_link_and_the_pdf(app, db, held, people, smtp):
    minutes = _drafted(db, held, people)
    minutes_services.approve_minutes(minutes, people["chair"])
    db.session.commit()
    send_pending()
    assert sorted(m["To"] for m in smtp.messages if m["Subject"].startswith("Minutes")) == sorted(
        people[name].email for name in ("chair", "lead", "secretary")
    )
    [message] = [m for m in smtp.messages if m["To"] == people["lead"].email and m["Subject"].startswith("Minutes")]
    assert message["Subject"] == f"Minutes: {held.title}"
    lines = body_of(message, "plain").splitlines()
    assert lines[:9] == [
        "Victims Code Action Tracker",
        "",
        "Hello Jordan Blake,",
        "",
        f"Casey Chair approved the minutes of the Victims Code Champions meeting on {long_date(held.held_on)} "
        f"on {long_date(local_today())}.",
        "",
        "The minutes are attached as a PDF.",
        "",
        "Read them in the tracker:",
    ]
    assert lines[9] == f"http://127.0.0.1:5000/meetings/{held.id}/minutes"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    assert reader.metadata.title == f"Minutes: {held.title}"


def test_who_reads_drafts_and_who_reads_approved_minutes(app, db, held, people):
    minutes = _drafted(db, held, people)
    url = f"/meetings/{held.id}/minutes"
    clients = {name: _signed_in(app, person) for name, person in people.items()}
    assert {name: client.get(url).status_code for name, client in clients.items()} == {
        "chair": 200,
        "secretary": 200,
        "lead": 200,
        "away": 200,
        "outsider": 403,
        "viewer": 403,
    }
    assert clients["viewer"].get(f"{url}.pdf").status_code == 403
    assert texts(clients["viewer"].get("/meetings/archive").text, ".app-archive__meetings li") == []
    lead_page = clients["lead"].get(url).text
    assert texts(lead_page, "main .govuk-button") == []
    assert clients["lead"].get(f"{url}/edit").status_code == 403
    assert clients["lead"].post(f"{url}/edit", data=_edit_data(minutes, present="Me")).status_code == 403
    assert clients["secretary"].get(f"{url}/edit").status_code == 200
    minutes_services.approve_minutes(minutes, people["chair"])
    db.session.commit()
    viewer_page = clients["viewer"].get(url).text
    assert visible_text(viewer_page, "h1") == f"Minutes: {long_date(held.held_on)}"
    assert visible_text(viewer_page, ".govuk-back-link") == "Meeting archive"
    assert clients["viewer"].get(f"/meetings/{held.id}").status_code == 403, "the meeting itself stays with members"
    archive = clients["outsider"].get("/meetings/archive").text
    assert texts(archive, "main h2") == ["Victims Code Champions meeting"]
    assert texts(archive, ".app-archive__meetings li") == [
        f"Minutes of {long_date(held.held_on)} (approved on {long_date(local_today())})"
    ]
    assert clients["viewer"].post(f"{url}/addendum", data={"text": "Mine"}).status_code == 403
    assert clients["lead"].post(f"{url}/send").status_code == 403


def test_the_next_meeting_opens_with_the_last_minutes_for_the_chair_to_approve(app, db, held, people):
    minutes = _drafted(db, held, people)
    data = services.MeetingData(
        held_on=local_today() + timedelta(days=21),
        starts_at=time(14),
        chair=people["chair"],
        attendees=[people["lead"]],
    )
    following = services.create_meeting(held.series, data, people["chair"], local_today())
    db.session.commit()
    chair, lead = _signed_in(app, people["chair"]), _signed_in(app, people["lead"])
    page = chair.get(f"/meetings/{following.id}/items/1").text
    assert visible_text(page, "h1") == "Minutes of the last meeting"
    assert visible_text(page, ".app-run__last-minutes") == (
        "Read the draft minutes of the last meeting and then approve them"
    )
    assert visible_text(lead.get(f"/meetings/{following.id}/items/1").text, ".app-run__last-minutes") == (
        "Read the draft minutes of the last meeting"
    )
    minutes_services.approve_minutes(minutes, people["chair"])
    db.session.commit()
    page = chair.get(f"/meetings/{following.id}/items/1").text
    assert visible_text(page, ".app-run__last-minutes") == "Read the minutes of the last meeting"
    assert texts(chair.get(f"/meetings/{following.id}/items/2").text, ".app-run__last-minutes") == []


def test_long_minutes_run_over_pages_each_numbered_and_marked(app, db, held, people, monkeypatch):
    monkeypatch.setitem(app.config, "PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE")
    minutes = _drafted(db, held, people)
    paragraph = "The group went through the letters sent this month and the replies received. " * 12
    texts_by_item = {
        item.id: ("\n".join([paragraph] * 4), "Agree the wording\nWrite to the CPS") for item in minutes.items
    }
    minutes_services.edit_minutes(
        minutes, people["chair"], present=minutes.present, apologies="", guests="", items=texts_by_item
    )
    db.session.commit()
    reader = PdfReader(io.BytesIO(minutes_pdf(minutes)))
    count = len(reader.pages)
    assert count >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {count}" in text
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking at top and bottom"
