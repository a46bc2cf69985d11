"""The agenda with the keyboard alone: a lead raises their action for the next meeting from an update,
the chair plans the meeting and finds it on the agenda with the reason, downloads the agenda pack,
then, in the room, approves the waiting extension from the item and comes back to it."""

import io
from datetime import time, timedelta
from pathlib import Path

from pypdf import PdfReader

from tests.browser.keyboard import KeyboardUser
from tests.factories import PASSWORD
from tracker.common.dates import local_today, long_date
from tracker.extensions import db
from tracker.meetings import services
from tracker.meetings.models import MeetingState
from tracker.plan.models import ExtensionRequest


def _banner(page):
    return page.get_by_role("alert", name="Success").locator(".govuk-notification-banner__content").inner_text()


def test_a_raised_action_reaches_the_agenda_and_the_chair_decides_in_the_room(page, make):
    today = local_today()
    chair = make.user("chair", name="Casey Chair")
    lead = make.user("lead", name="Kim Keyboard", department=make.department("Contact Management"))
    action = make.action(owner=lead, title="Revise the witness care letter", progress=40)
    action.last_update_at = action.created_at
    series = services.save_series(
        None, services.SeriesData(name="Victims Code Champions meeting", members=[lead], default_chair=chair), chair
    )
    db.session.commit()

    page.goto("/sign-in")
    keys = KeyboardUser(page)
    keys.sign_in(lead.email, PASSWORD)
    page.goto(f"/actions/{action.reference}/update")
    keys.fill("What has happened since the last update?", "The printers need a decision on budget.")
    keys.choose_radio("In progress")
    keys.fill("Progress", "50")
    keys.choose_radio("Amber")
    keys.tick("Raise this action at the next meeting")
    keys.press_button("Post update")
    assert _banner(page) == "Your update has been posted and the action will be raised at the next meeting."
    keys.press_button("Sign out")

    # The chair plans the meeting: the raised action is on the proposed agenda, with who raised it.
    data = services.MeetingData(
        held_on=today + timedelta(days=7), starts_at=time(14), chair=chair, attendees=[lead, chair]
    )
    meeting = services.create_meeting(series, data, chair, today)
    db.session.commit()
    page.goto("/sign-in")
    keys.sign_in(chair.email, PASSWORD)
    page.goto(f"/meetings/{meeting.id}")
    item = page.locator(".app-agenda__item").nth(2)
    assert item.locator("h3").inner_text() == f"3. {action.reference}: Revise the witness care letter"
    assert item.locator(".app-secondary-text").inner_text() == (
        f"Raised for discussion by Kim Keyboard in the update of {long_date(today)}"
    )
    keys.tab_to(page.get_by_role("link", name="Download the agenda pack (PDF)", exact=True))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert pdf.metadata.title == f"Agenda: {meeting.title}"
    assert "Raised for discussion by Kim Keyboard" in " ".join(pdf.pages[0].extract_text().split())

    # In the room: the owner asked for more time meanwhile; the chair approves it from the item.
    new_due = action.current_due_date + timedelta(days=21)
    db.session.add(
        ExtensionRequest(
            action=action,
            requested_by=lead,
            previous_due_date=action.current_due_date,
            new_due_date=new_due,
            reason="The budget is set in March",
        )
    )
    meeting.state = MeetingState.IN_PROGRESS.value
    db.session.commit()
    page.goto(f"/meetings/{meeting.id}/items/3")
    keys.choose_radio(f"Approve: move the due date to {long_date(new_due)}")
    keys.fill("Reason for the decision on more time", "Agreed by the meeting")
    keys.press_button("Save the decision on more time")
    assert _banner(page) == f"Extension approved: {action.reference} is now due {long_date(new_due)}."
    assert page.url.endswith(f"/meetings/{meeting.id}/items/3#act")
    assert page.get_by_role("heading", level=1).inner_text() == f"{action.reference}: Revise the witness care letter"
    keys.assert_focus_was_always_visible()
