"""The agenda: actions raised for discussion, compliance gaps, what is carried forward, the agenda
pack PDF, the agenda e-mail through a real SMTP server, the scheduled send, and acting in place."""

import io
import threading
from datetime import date, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.integration.notify.conftest import body_of, london
from tests.integration.test_report_pdf import StructureTree, structure_types
from tests.visible import banner, banners, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import date_time, local_today, long_date
from tracker.common.quarters import quarter_of
from tracker.extensions import db as _db
from tracker.meetings import services
from tracker.meetings.agenda_pack import pack_pdf
from tracker.meetings.models import DiscussionRequest, Meeting, MeetingState
from tracker.meetings.sending import agenda_due_on, send_due_agendas, working_days_before
from tracker.notify.models import OutboundEmail
from tracker.notify.scheduler import collect_jobs
from tracker.notify.sender import send_pending
from tracker.plan.models import Action, ActionUpdate, ClosureRequest, ExtensionRequest


def parts(day):
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def people(make):
    chair = make.user("chair", name="Casey Chair", email="casey.chair@opcc.example.org")
    lead = make.user(
        "lead", name="Jordan Blake", email="jordan.blake@force.example.org", department=make.department("Contact")
    )
    other = make.user("lead", name="Maya Carver", department=make.department("Public Protection"))
    return chair, lead, other


def _series(chair, members, days=5):
    data = services.SeriesData(
        name="Victims Code Champions meeting", members=members, default_chair=chair, agenda_working_days=days
    )
    return services.save_series(None, data, chair)


def _meeting(series, chair, attendees, day, today=None):
    data = services.MeetingData(held_on=day, starts_at=time(14), place="Room 4", chair=chair, attendees=attendees)
    return services.create_meeting(series, data, chair, today or local_today())


def _plan_meeting(client, series, chair, lead, day):
    response = client.post(
        f"/meetings/series/{series.id}/new",
        data={
            "held_on": parts(day),
            "starts_at": "2pm",
            "place": "Room 4",
            "chair_id": str(chair.id),
            "attendees": [str(lead.id), str(chair.id)],
        },
    )
    assert response.status_code == 302, visible_text(response.text, "main")
    return client.get(response.location).text


def _agenda(page):
    return list(
        zip(texts(page, ".app-agenda__item h3"), texts(page, ".app-agenda__item .app-secondary-text"), strict=True)
    )


def _post_update(client, action, **extra):
    data = {"narrative": "The printer has failed.", "status": "in_progress", "progress": "50", "declared_rag": "amber"}
    return client.post(f"/actions/{action.reference}/update", data={**data, **extra})


# 1. For discussion


def test_an_owner_raises_their_action_and_it_stays_until_a_meeting_discusses_it(client, auth, db, people, make):
    chair, lead, _ = people
    action = make.action(owner=lead, title="Send the letter", progress=40)
    series = _series(chair, [lead])
    db.session.commit()
    auth.sign_in(lead)
    form = client.get(f"/actions/{action.reference}/update").text
    assert visible_text(form, "fieldset:has(#raise_at_meeting) legend") == "The next meeting (optional)"
    assert visible_text(form, "label[for=raise_at_meeting]") == "Raise this action at the next meeting"
    assert visible_text(form, "#raise_at_meeting-item-hint") == (
        "It goes on the next meeting's agenda with your name and the date of this update."
    )
    response = _post_update(client, action, raise_at_meeting="y")
    page = client.get(response.location).text
    assert banner(page) == "Your update has been posted and the action will be raised at the next meeting."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "action.raised_for_discussion"))
    assert (event.actor_id, event.action_id, event.summary) == (
        lead.id,
        action.id,
        f"Jordan Blake raised {action.reference} for discussion at the next meeting",
    )
    update = db.session.scalar(select(ActionUpdate).where(ActionUpdate.kind == "update"))
    assert db.session.scalar(select(DiscussionRequest)).update_id == update.id

    auth.sign_out()
    auth.sign_in(chair)
    page = _plan_meeting(client, series, chair, lead, local_today() + timedelta(days=7))
    raised = f"Raised for discussion by Jordan Blake in the update of {long_date(local_today())}"
    assert _agenda(page) == [
        ("1. Minutes of the last meeting", "This is the first meeting of the series"),
        ("2. Actions arising from the last meeting", "This is the first meeting of the series"),
        (f"3. {action.reference}: Send the letter", raised),
    ]
    meeting = db.session.scalars(select(Meeting)).one()
    client.post(f"/meetings/{meeting.id}/start")
    item = meeting.items[2]
    client.post(
        f"/meetings/{meeting.id}/items/3",
        data={"version_id": str(item.version_id), "note": "IT will lend a printer.", "decisions": ""},
    )
    assert db.session.scalar(select(DiscussionRequest)).cleared_at is None, "cleared only once the meeting is held"
    page = client.get(client.post(f"/meetings/{meeting.id}/finish").location).text
    assert banners(page)[-1] == "The meeting has been recorded as held."
    request = db.session.scalar(select(DiscussionRequest))
    assert request.cleared_by_meeting_id == meeting.id and request.cleared_at is not None
    cleared = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "action.discussion_cleared"))
    assert (cleared.actor_id, cleared.summary) == (chair.id, f"{action.reference} was discussed at {meeting.title}")

    page = _plan_meeting(client, series, chair, lead, local_today() + timedelta(days=35))
    assert _agenda(page)[2:] == [(f"3. {action.reference}: Send the letter", "Not decided at the last meeting")], (
        "discussed, so no longer raised; but nothing was decided, so carried"
    )


def test_an_update_without_the_tick_raises_nothing_and_leads_raise_only_their_own(client, auth, db, people, make):
    chair, lead, other = people
    action = make.action(owner=lead, title="Send the letter")
    auth.sign_in(lead)
    page = client.get(_post_update(client, action).location).text
    assert banner(page) == "Your update has been posted."
    assert db.session.scalars(select(DiscussionRequest)).all() == []
    auth.sign_out()
    auth.sign_in(other)
    assert _post_update(client, action, raise_at_meeting="y").status_code == 403
    from tracker.meetings.discussion import raise_for_discussion

    with pytest.raises(PermissionError):
        raise_for_discussion(action, other, None)
    db.session.rollback()
    assert db.session.scalars(select(DiscussionRequest)).all() == []


# 2. Compliance gaps


def test_rights_whose_gap_needs_an_action_are_proposed_with_the_reason(client, auth, db, people, make):
    chair, lead, _ = people
    quarter = quarter_of(local_today()).previous()
    make.action(owner=lead, title="Improve letters", rights=[3])
    make.assessment(quarter.label, 3, self_percent=90, voice_percent=50)  # a gap, but an open action answers it
    make.assessment(quarter.label, 5, self_percent=80, voice_percent=55)  # a gap and no action
    make.assessment(quarter.label, 6, self_percent=70, voice_percent=65)  # too small a gap
    make.assessment(quarter.label, 7, self_percent=75, voice_percent=50, voice_sample=12)  # small sample
    series = _series(chair, [lead])
    db.session.commit()
    auth.sign_in(chair)
    page = _plan_meeting(client, series, chair, lead, local_today() + timedelta(days=7))
    right5, right7 = make.right(5), make.right(7)
    assert _agenda(page)[2:] == [
        (
            f"3. Right 5: {right5.title}",
            f"Compliance gap of 25 points in {quarter.label} (self-assessed 80%, victims' voice 55%) "
            "and no open action",
        ),
        (
            f"4. Right 7: {right7.title}",
            f"Compliance gap of 25 points in {quarter.label} (self-assessed 75%, victims' voice 50%) "
            "and no open action. Small sample of 12 victims",
        ),
    ]


# 5. Carried forward


def test_actions_arising_and_undecided_items_are_carried_to_the_next_agenda(client, auth, db, people, make):
    chair, lead, _ = people
    today = local_today()
    blocked = make.action(owner=lead, title="Fix the case system", status="blocked")
    decided = make.action(owner=lead, title="Train the call takers", status="blocked")
    for action in (blocked, decided):
        action.last_update_at = action.created_at
    series = _series(chair, [lead])
    db.session.commit()
    auth.sign_in(chair)
    _plan_meeting(client, series, chair, lead, today + timedelta(days=1))
    first = db.session.scalars(select(Meeting)).one()
    client.post(f"/meetings/{first.id}/agenda/add", data={"title": "Feedback from the focus groups"})
    client.post(f"/meetings/{first.id}/start")
    numbers = {item.action_id: item.position for item in first.items if item.action_id}
    item = first.items[numbers[decided.id] - 1]
    client.post(
        f"/meetings/{first.id}/items/{item.position}",
        data={"version_id": str(item.version_id), "note": "", "decisions": "Train them in March"},
    )
    client.post(
        f"/meetings/{first.id}/items/{item.position}/arising",
        data={
            "arising-title": "Book the trainer",
            "arising-owner_id": str(lead.id),
            "arising-due_date": parts(today + timedelta(days=60)),
        },
    )
    client.post(f"/meetings/{first.id}/finish")
    arising = db.session.scalar(select(Action).where(Action.title == "Book the trainer"))

    page = _plan_meeting(client, series, chair, lead, today + timedelta(days=29))
    held = long_date(first.held_on)
    assert _agenda(page) == [
        ("1. Minutes of the last meeting", f"The meeting on {held}"),
        ("2. Actions arising from the last meeting", f"The meeting on {held}"),
        (f"3. {blocked.reference}: Fix the case system", "Red: blocked. Not decided at the last meeting"),
        (f"4. {decided.reference}: Train the call takers", "Red: blocked"),
        (f"5. {arising.reference}: Book the trainer", "Arose at the last meeting"),
        ("6. Feedback from the focus groups", f"Not decided on {held}"),
    ]


def test_a_meeting_not_yet_held_leaves_nothing_undecided(db, people, make):
    chair, lead, _ = people
    today = local_today()
    make.action(owner=lead, title="Survey victims", progress=80)
    series = _series(chair, [lead])
    first = _meeting(series, chair, [lead], today + timedelta(days=7))
    services.add_item(first, chair, title="Feedback from the focus groups")
    second = _meeting(series, chair, [lead], today + timedelta(days=35))
    assert [(item.title, item.reason) for item in second.items] == [
        ("Minutes of the last meeting", f"The meeting on {long_date(first.held_on)}"),
        ("Actions arising from the last meeting", f"The meeting on {long_date(first.held_on)}"),
    ]


# 3. The agenda pack


@pytest.fixture
def pack_world(db, people, make):
    chair, lead, _ = people
    today = local_today()
    overdue = make.action(owner=lead, title="Send the letter", due=today - timedelta(days=12), progress=60)
    overdue.last_update_at = overdue.created_at
    waiting = make.action(owner=lead, title="Train the call takers", progress=80)
    db.session.add(
        ExtensionRequest(
            action=waiting,
            requested_by=lead,
            previous_due_date=waiting.current_due_date,
            new_due_date=waiting.current_due_date + timedelta(days=30),
            reason="The trainer is ill",
        )
    )
    from tracker.plan import services as plan_services

    plan_services.post_update(
        waiting, lead, narrative="Two of three sessions held.", status="in_progress", progress=80, declared_rag="green"
    )
    series = _series(chair, [lead])
    meeting = _meeting(series, chair, [lead, chair], today + timedelta(days=10))
    db.session.commit()
    return meeting, overdue, waiting


def _pdf_text(reader):
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_the_agenda_pack_is_a_tagged_pdf_with_each_action_brag_and_latest_update(client, auth, db, people, pack_world):
    chair, lead, _ = people
    meeting, overdue, waiting = pack_world
    auth.sign_in(lead)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "Download the agenda pack (PDF)" in texts(page, "main a")
    response = client.get(f"/meetings/{meeting.id}/agenda.pdf")
    assert response.mimetype == "application/pdf"
    held = meeting.held_on.isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="agenda-victims-code-champions-meeting-{held}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.data))
    title = f"Agenda: Victims Code Champions meeting, {long_date(meeting.held_on)}"
    assert reader.metadata.title == title
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and bool(root["/MarkInfo"]["/Marked"])
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert 'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data().decode()
    tags = structure_types(root["/StructTreeRoot"])
    assert tags["/H1"] == 1 and tags["/H2"] == len(meeting.items) == 4
    tree = StructureTree(reader)
    assert [tree.text(h) for h in tree.of_type("/H2")] == [
        "1. Minutes of the last meeting",
        "2. Actions arising from the last meeting",
        f"3. {overdue.reference}: Send the letter",
        f"4. {waiting.reference}: Train the call takers",
    ]
    outline = reader.outline
    assert outline[0].title == title
    assert [entry.title for entry in outline[1]] == [tree.text(h) for h in tree.of_type("/H2")]
    pages = _pdf_text(reader)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert text.startswith("OFFICIAL")
    text = " ".join(pages)
    due = long_date(overdue.current_due_date)
    new_due = long_date(waiting.current_due_date + timedelta(days=30))
    assert f"Why it is on the agenda: Overdue. Red: 12 days past due date of {due}." in text
    assert f"BRAG Red: 12 days past due date of {due}." in text
    assert "Jordan Blake, Contact. In progress, 60% done." in text
    assert "No progress update yet." in text
    assert f"Why it is on the agenda: Extension to {new_due} waiting for the chair's decision." in text
    assert f"Latest update, {long_date(local_today())}, Jordan Blake: Two of three sessions held." in text, (
        "the latest update of the action"
    )
    assert f"When: {long_date(meeting.held_on)} at 2pm Where: Room 4 Chair: Casey Chair" in text


def test_an_empty_agenda_makes_a_pack_that_says_so(db, people, pack_world):
    meeting = pack_world[0]
    meeting.items = []
    _db.session.flush()
    reader = PdfReader(io.BytesIO(pack_pdf(meeting)))
    assert "The agenda is empty." in _pdf_text(reader)[0]


# 3 and 4. The agenda e-mail, through a real SMTP server


def test_the_agenda_email_arrives_with_the_pack_attached(client, auth, db, people, pack_world, smtp):
    chair, lead, _ = people
    meeting = pack_world[0]
    auth.sign_in(chair)
    page = client.get(client.post(f"/meetings/{meeting.id}/send").location).text
    assert banner(page) == "The agenda has been sent to 2 people."
    sent = db.session.get(Meeting, meeting.id).agenda_sent_at
    assert (
        dict(zip(texts(page, ".govuk-summary-list__key"), texts(page, ".govuk-summary-list__value"), strict=True))[
            "Agenda sent"
        ]
        == f"Sent on {date_time(sent)} to 2 people"
    )
    send_pending()
    received = {message["To"]: message for message in smtp.messages}
    assert sorted(received) == ["casey.chair@opcc.example.org", "jordan.blake@force.example.org"]
    message = received["jordan.blake@force.example.org"]
    assert message["Subject"] == f"Agenda: Victims Code Champions meeting, {long_date(meeting.held_on)}"
    text = body_of(message, "plain")
    assert "Casey Chair has sent the agenda for the Victims Code Champions meeting on" in text
    assert (
        "The agenda pack is attached as a PDF: each action with its BRAG rating, the reasons for it and its "
        "latest update." in text
    )
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"agenda-victims-code-champions-meeting-{meeting.held_on.isoformat()}.pdf"
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    assert reader.metadata.title == f"Agenda: {meeting.title}"
    assert "Page 1 of" in reader.pages[0].extract_text()


# 4. Sending N working days before


def test_working_days_before_skip_weekends_and_bank_holidays():
    # Thursday 7 January 2027: Friday 1 January is New Year's Day, Monday 28 December a bank holiday.
    assert working_days_before(date(2027, 1, 7), 5) == date(2026, 12, 30)
    assert working_days_before(date(2027, 1, 7), 1) == date(2027, 1, 6)
    assert working_days_before(date(2026, 12, 31), 3) == date(2026, 12, 24)


def test_the_series_setting_is_kept_and_checked(client, auth, db, people):
    chair, lead, _ = people
    auth.sign_in(chair)
    form = client.get("/meetings/series/new").text
    assert visible_text(form, "label[for=agenda_working_days]") == (
        "Send the agenda this many working days before each meeting"
    )
    page = client.post("/meetings/series/new", data={"name": "Task & Finish group", "agenda_working_days": "0"}).text
    assert error_messages(page) == [
        "Send the agenda this many working days before each meeting must be a whole number between 1 and 30"
    ]
    assert 'value="Task &amp; Finish group"' in page, "what was typed is kept"
    response = client.post("/meetings/series/new", data={"name": "Task & Finish group", "agenda_working_days": "3"})
    page = client.get(response.location).text
    assert "Agenda sent 3 working days before each meeting" in texts(page, ".govuk-summary-list__row")


def _scheduled_world(db, people, held_on, days=5):
    chair, lead, _ = people
    series = _series(chair, [lead], days=days)
    meeting = _meeting(series, chair, [lead, chair], held_on, today=held_on - timedelta(days=20))
    db.session.commit()
    return meeting


def _agenda_mail(db):
    return db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "meeting_agenda").order_by(OutboundEmail.to_address)
    ).all()


def test_the_agenda_is_sent_on_its_day_once_and_the_page_says_when(client, auth, db, people):
    chair, lead, _ = people
    held_on = local_today() + timedelta(days=60)
    meeting = _scheduled_world(db, people, held_on)
    due = agenda_due_on(meeting)
    auth.sign_in(lead)
    page = client.get(f"/meetings/{meeting.id}").text
    rows = dict(zip(texts(page, ".govuk-summary-list__key"), texts(page, ".govuk-summary-list__value"), strict=True))
    assert rows["Agenda sent"] == f"Not yet. It will be sent on {long_date(due)}, 5 working days before the meeting"

    before = due - timedelta(days=1)
    assert send_due_agendas(london(before.year, before.month, before.day, 18, 20)) == "Sent 0 agendas"
    assert _agenda_mail(db) == []
    assert send_due_agendas(london(due.year, due.month, due.day, 7, 20)) == "Sent 1 agenda"
    db.session.commit()
    assert send_due_agendas(london(due.year, due.month, due.day, 8, 20)) == "Sent 0 agendas"
    mails = _agenda_mail(db)
    assert [(m.to_address, m.attachment_type) for m in mails] == [
        ("casey.chair@opcc.example.org", "application/pdf"),
        ("jordan.blake@force.example.org", "application/pdf"),
    ]
    assert mails[1].body_text.split("\n")[2:5] == [
        "Hello Jordan Blake,",
        "",
        f"Here is the agenda for the Victims Code Champions meeting on {long_date(held_on)}.",
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "meeting.agenda_sent"))
    assert (event.actor_id, event.actor_label) == (None, "Scheduled send")
    page = client.get(f"/meetings/{meeting.id}").text
    rows = dict(zip(texts(page, ".govuk-summary-list__key"), texts(page, ".govuk-summary-list__value"), strict=True))
    sent = db.session.get(Meeting, meeting.id).agenda_sent_at
    assert rows["Agenda sent"] == f"Sent on {date_time(sent)} to 2 people"


def test_a_late_run_still_sends_before_the_meeting_but_not_after_or_once_started(db, people):
    held_on = date(2027, 1, 7)
    meeting = _scheduled_world(db, people, held_on)
    assert send_due_agendas(london(2027, 1, 8, 9, 20)) == "Sent 0 agendas", "the meeting has passed"
    assert send_due_agendas(london(2027, 1, 6, 9, 20)) == "Sent 1 agenda", "a day late, still before the meeting"
    db.session.commit()
    other = _scheduled_world_in_progress(db, people)
    assert send_due_agendas(london(2027, 1, 6, 10, 20)) == "Sent 0 agendas"
    assert db.session.get(Meeting, other.id).agenda_sent_at is None
    assert len(_agenda_mail(db)) == 2 and meeting.id != other.id


def _scheduled_world_in_progress(db, people):
    chair, lead, _ = people
    series = services.save_series(None, services.SeriesData(name="Task & Finish group", members=[lead]), chair)
    meeting = _meeting(series, chair, [lead], date(2027, 1, 7), today=date(2026, 12, 1))
    meeting.state = MeetingState.IN_PROGRESS.value
    db.session.commit()
    return meeting


def test_the_job_is_registered_with_the_scheduler():
    [job] = [job for job in collect_jobs() if job["id"] == "meetings.send_agendas"]
    assert job["cron"] == {"hour": "7-18", "minute": 20}


def test_two_schedulers_at_once_send_each_agenda_once(app, db, people):
    _scheduled_world(db, people, date(2027, 1, 7))
    first_claimed = threading.Event()
    results, errors = {}, []
    now = london(2026, 12, 30, 7, 20)

    def run(name, wait_for=None, hold=0.0):
        try:
            with app.app_context():
                if wait_for is not None:
                    wait_for.wait(20)
                summary = send_due_agendas(now)
                first_claimed.set()
                threading.Event().wait(hold)
                _db.session.commit()
                results[name] = summary
        except Exception as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    first = threading.Thread(target=run, args=("first", None, 1.0))
    second = threading.Thread(target=run, args=("second", first_claimed))
    first.start()
    second.start()
    first.join(60)
    second.join(60)
    assert errors == []
    assert results == {"first": "Sent 1 agenda", "second": "Sent 0 agendas"}
    assert len(_agenda_mail(db)) == 2


# 6. Acting in place


@pytest.fixture
def running(db, people, make):
    chair, lead, other = people
    today = local_today()
    waiting = make.action(owner=lead, title="Train the call takers", progress=80)
    closing = make.action(owner=lead, title="Publish the leaflet", status="awaiting_signoff", progress=100)
    extension = ExtensionRequest(
        action=waiting,
        requested_by=lead,
        previous_due_date=waiting.current_due_date,
        new_due_date=waiting.current_due_date + timedelta(days=30),
        reason="The trainer is ill",
    )
    db.session.add_all([extension, ClosureRequest(action=closing, requested_by=lead, summary="Printed")])
    series = _series(chair, [lead])
    meeting = _meeting(series, chair, [lead, chair], today)
    meeting.state = MeetingState.IN_PROGRESS.value
    db.session.commit()
    numbers = {item.action_id: item.position for item in meeting.items if item.action_id}
    return meeting, waiting, closing, numbers


def test_the_chair_decides_a_waiting_extension_from_the_item(client, auth, db, people, running):
    chair, lead, _ = people
    meeting, waiting, _, numbers = running
    url = f"/meetings/{meeting.id}/items/{numbers[waiting.id]}"
    auth.sign_in(chair)
    page = client.get(url).text
    new_due = waiting.current_due_date + timedelta(days=30)
    assert visible_text(page, "#act") == "Waiting for the chair"
    assert f"More time: to {long_date(new_due)}" in texts(page, "h3")
    assert visible_text(page, "form[action$='/extension'] p") == (
        f"Jordan Blake asked on {long_date(local_today())}: The trainer is ill"
    )
    page = client.post(f"{url}/extension", data={"extension-decision": "refuse", "extension-reason": ""}).text
    assert error_messages(page) == ["Enter why you are refusing"]
    assert visible_text(page, "h1") == f"{waiting.reference}: Train the call takers"
    response = client.post(f"{url}/extension", data={"extension-decision": "approve", "extension-reason": "Agreed"})
    assert response.location.endswith(f"{url}#act")
    page = client.get(response.location).text
    assert banner(page) == f"Extension approved: {waiting.reference} is now due {long_date(new_due)}."
    assert visible_text(page, "#act") == "Owner and due date", "nothing waits any more"
    db.session.expire_all()
    assert db.session.get(Action, waiting.id).current_due_date == new_due
    verbs = db.session.scalars(
        select(AuditEvent.verb).where(AuditEvent.action_id == waiting.id, AuditEvent.actor_id == chair.id)
    ).all()
    assert sorted(verbs) == ["extension.approved", "meeting.acted_on_action"]


def test_the_chair_decides_a_sign_off_from_the_item(client, auth, db, people, running):
    chair, _, _ = people
    meeting, _, closing, numbers = running
    url = f"/meetings/{meeting.id}/items/{numbers[closing.id]}"
    auth.sign_in(chair)
    page = client.get(url).text
    assert visible_text(page, "label[for=closure-confirm_exception]") == "I am signing this action off without evidence"
    page = client.post(f"{url}/closure", data={"closure-decision": "approve", "closure-reason": ""}).text
    assert error_messages(page) == ["Confirm that you are signing this action off without evidence"]
    assert visible_text(page, "h1") == f"{closing.reference}: Publish the leaflet"
    page = client.get(
        client.post(f"{url}/closure", data={"closure-decision": "refuse", "closure-reason": "No evidence"}).location
    ).text
    assert banner(page) == "Sign-off refused. The action is back in progress and the owner has been told why."
    db.session.expire_all()
    assert db.session.get(Action, closing.id).status == "in_progress"


def test_the_chair_changes_owner_and_due_date_from_the_item_with_the_reason(client, auth, db, people, running):
    chair, lead, other = people
    meeting, waiting, _, numbers = running
    url = f"/meetings/{meeting.id}/items/{numbers[waiting.id]}"
    later = waiting.current_due_date + timedelta(days=14)
    auth.sign_in(chair)
    data = {"change-owner_id": str(other.id), "change-current_due_date": parts(later), "change-date_reason": ""}
    page = client.post(f"{url}/change", data=data).text
    assert error_messages(page) == ["Enter why the due date is changing"]
    assert visible_text(page, "#change-owner_id option[selected]") == "Maya Carver (Public Protection)"
    data["change-date_reason"] = "Public Protection take it over"
    page = client.get(client.post(f"{url}/change", data=data).location).text
    assert banner(page) == f"{waiting.reference} is now owned by Maya Carver and due {long_date(later)}."
    db.session.expire_all()
    action = db.session.get(Action, waiting.id)
    assert (action.owner_id, action.current_due_date) == (other.id, later)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "meeting.acted_on_action"))
    assert event.summary == (
        f"Changed the current due date and department and owner of {waiting.reference} "
        f"at the Victims Code Champions meeting on {long_date(meeting.held_on)}"
    )
    timeline = texts(client.get(f"/actions/{waiting.reference}").text, ".app-timeline__item p")
    assert "Public Protection take it over" in timeline


def test_only_the_chair_recording_the_meeting_acts_in_place(client, auth, db, people, running):
    chair, lead, _ = people
    meeting, waiting, _, numbers = running
    url = f"/meetings/{meeting.id}/items/{numbers[waiting.id]}"
    auth.sign_in(lead)
    page = client.get(url).text
    assert visible_text(page, "#act") == "Waiting for the chair"
    assert texts(page, "#act + ul li") == [
        f"More time: to {long_date(waiting.current_due_date + timedelta(days=30))}, asked by Jordan Blake"
    ]
    assert texts(page, "form[action$='/change']") == []
    data = {"extension-decision": "approve", "extension-reason": "Mine"}
    assert client.post(f"{url}/extension", data=data).status_code == 403
    assert client.post(f"{url}/change", data={"change-owner_id": str(lead.id)}).status_code == 403
