"""The minutes of a held Champions meeting in Chromium, with a real SMTP server: the secretary drafts
them from what was recorded, the chair changes the wording, approves them after confirming, and
opens the PDF; the people at the meeting receive it; a viewer reads them from the archive, with the
chair's addendum under them.
"""

import io
import os
from datetime import time, timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import says, sign_in, sign_out
from tests.browser.test_main_journeys import deliver_outbox, mail_to, mailbox  # noqa: F401
from tests.integration.notify.conftest import body_of
from tracker.common.dates import local_today, long_date
from tracker.meetings import recording, services
from tracker.plan.services import ActionData

SHOTS = os.environ.get("MEETING_SCREENSHOTS")


def shot(page, name):
    """Keep a screenshot of the page when MEETING_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _held_meeting(db, make):
    today = local_today()
    chair = make.user("chair", name="Casey Chair")
    secretary = make.user("lead", name="Sam Secretary", department=make.department("Witness Care"))
    jordan = make.user("lead", name="Jordan Blake", department=make.department("Contact Management"))
    viewer = make.user("viewer", name="Vic Viewer")
    late = make.action(owner=jordan, title="Send the acknowledgement letter", due=today - timedelta(days=12))
    series = services.save_series(
        None,
        services.SeriesData(
            name="Victims Code Champions meeting", members=[jordan], default_chair=chair, default_secretary=secretary
        ),
        chair,
    )
    details = services.MeetingData(
        held_on=today - timedelta(days=2),
        starts_at=time(14),
        place="Room 4, headquarters",
        chair=chair,
        secretary=secretary,
        attendees=[chair, secretary, jordan],
        guests="Sam Patel, Witness Service",
    )
    meeting = services.create_meeting(series, details, chair, today)
    services.start_meeting(meeting, chair)
    item = next(item for item in meeting.items if item.action_id == late.id)
    recording.record_item(item, secretary, note="The printer has failed.", decisions="Send the letters by hand")
    arising = recording.create_arising(
        item,
        chair,
        ActionData(
            title="Order a new printer", owner=jordan, start_date=today, original_due_date=today + timedelta(days=21)
        ),
    )
    services.finish_meeting(meeting, chair)
    db.session.commit()
    return meeting, item, arising, {"chair": chair, "secretary": secretary, "jordan": jordan, "viewer": viewer}


def test_minutes_are_drafted_worded_approved_sent_and_read(page, live_server, make, db, mailbox):  # noqa: F811
    meeting, item, arising, people = _held_meeting(db, make)
    deliver_outbox(db)  # the assignment of the action arising, which is not what this journey reads
    mailbox.envelopes.clear()
    today, held_on = local_today(), long_date(meeting.held_on)

    sign_in(page, people["secretary"])
    page.goto(f"/meetings/{meeting.id}")
    shot(page, "10-meeting-held")
    page.get_by_role("button", name="Draft the minutes").click()
    says(page, "The minutes have been drafted from what was recorded. Check the wording, then approve them.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Draft minutes: {held_on}")
    expect(page.locator(".app-minutes__present li")).to_have_text(
        ["Casey Chair (chair)", "Sam Secretary (secretary)", "Jordan Blake"]
    )
    expect(page.get_by_role("link", name="Approve the minutes")).to_have_count(0)
    shot(page, "11-minutes-draft")
    sign_out(page)

    sign_in(page, people["chair"])
    page.goto(f"/meetings/{meeting.id}/minutes")
    page.get_by_role("link", name="Change the wording").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the draft minutes")
    group = page.locator("fieldset", has=page.get_by_role("heading", name=f"{item.position}. {item.title}"))
    group.get_by_label("Minute").fill("The printer in the post room has failed; IT have ordered another.")
    page.get_by_label("Present").fill("Casey Chair (chair)\nSam Secretary (secretary)\nJordan Blake")
    shot(page, "12-minutes-form")
    page.get_by_role("button", name="Save the minutes").click()
    says(page, "The minutes have been saved.")
    expect(page.locator(".app-minutes__item").nth(item.position - 1)).to_contain_text(
        "The printer in the post room has failed; IT have ordered another."
    )

    page.get_by_role("link", name="Approve the minutes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the minutes")
    expect(page.locator(".app-minutes__recipients li")).to_have_count(3)
    shot(page, "13-minutes-approve")
    page.get_by_role("button", name="Approve and send").click()
    says(page, "The minutes have been approved and sent to 3 people.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Minutes: {held_on}")
    expect(page.get_by_role("link", name="Change the wording")).to_have_count(0)
    shot(page, "14-minutes-approved")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the minutes (PDF)").click()
    name = f"minutes-victims-code-champions-meeting-{meeting.held_on.isoformat()}.pdf"
    assert download.value.suggested_filename == name
    if SHOTS:
        download.value.save_as(os.path.join(SHOTS, name))
    with open(download.value.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert reader.metadata.title == f"Minutes: Victims Code Champions meeting, {held_on}"
    assert f"Approved by Casey Chair on {long_date(today)}." in text
    assert "The printer in the post room has failed; IT have ordered another." in text
    assert f"{arising.reference}: Order a new printer Jordan Blake {long_date(today + timedelta(days=21))}" in text
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Lang"] == "en-GB" and "/StructTreeRoot" in reader.trailer["/Root"]

    page.get_by_role("link", name="Add an addendum").click()
    page.get_by_label("Correction").fill("Sam Patel joined for item 3 only.")
    shot(page, "15-minutes-addendum")
    page.get_by_role("button", name="Add the addendum").click()
    says(page, "The addendum has been added under the minutes.")
    expect(page.locator(".app-minutes__addendum")).to_have_text(
        [f"Addendum of {long_date(today)}, by Casey Chair Sam Patel joined for item 3 only."]
    )
    sign_out(page)

    assert "Sent 3" in deliver_outbox(db)
    [message] = mail_to(mailbox, people["jordan"].email)
    assert message["Subject"] == f"Minutes: Victims Code Champions meeting, {held_on}"
    lines = body_of(message, "plain").splitlines()
    assert "The minutes are attached as a PDF." in lines
    link = next(line for line in lines if "/minutes" in line)
    assert link == f"{live_server}/meetings/{meeting.id}/minutes"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == name

    # A viewer, in no series, finds the approved minutes in the archive.
    sign_in(page, people["viewer"])
    page.goto("/meetings")
    page.get_by_role("link", name="Meeting archive: approved minutes").click()
    shot(page, "16-meeting-archive")
    page.get_by_role("link", name=f"Minutes of {held_on}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Minutes: {held_on}")
    expect(page.locator(".app-minutes__addendum")).to_have_count(1)
    expect(page.get_by_role("link", name="Add an addendum")).to_have_count(0)
    shot(page, "17-minutes-viewer")
