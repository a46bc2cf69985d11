"""The Champions meeting end to end in Chromium, with the agenda e-mailed to a real SMTP server:
the chair sets up the series, plans a meeting whose agenda is proposed from the plan, reorders it
and sends it; the member follows the link; the chair runs the meeting, records a note on a Red
action and adds an action arising, and both reach the action's own page.
"""

import os
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.conftest import fill_date, says, sign_in, sign_out
from tests.browser.test_main_journeys import deliver_outbox, mail_to, mailbox, sign_in_from_link  # noqa: F401
from tests.integration.notify.conftest import body_of
from tracker.common.dates import local_today, long_date

SHOTS = os.environ.get("MEETING_SCREENSHOTS")


def shot(page, name):
    """Keep a screenshot of the page when MEETING_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_chair_builds_sends_and_runs_the_champions_meeting(page, live_server, make, db, mailbox):  # noqa: F811
    today = local_today()
    chair = make.user("chair", name="Casey Chair")
    jordan = make.user("lead", name="Jordan Blake", department=make.department("Contact Management"))
    late = make.action(owner=jordan, title="Send the acknowledgement letter", due=today - timedelta(days=12))
    make.action(owner=jordan, title="Survey victims", progress=80)

    sign_in(page, chair)
    page.get_by_role("link", name="Meetings", exact=True).click()
    shot(page, "01-index-empty")
    page.get_by_role("link", name="Set up a meeting series").click()
    page.get_by_label("Name of the meeting series").fill("Victims Code Champions meeting")
    page.get_by_label("Usual chair").select_option(label="Casey Chair (Chair)")
    page.get_by_label("Jordan Blake (Contact Management)").check()
    shot(page, "02-series-form")
    page.get_by_role("button", name="Save meeting series").click()
    says(page, "Victims Code Champions meeting has been set up.")
    shot(page, "03-series")

    page.get_by_role("link", name="Plan a meeting").click()
    day = today + timedelta(days=7)
    fill_date(page, "held_on", day)
    page.get_by_label("Start time").fill("2pm")
    page.get_by_label("Place or link").fill("Room 4, headquarters")
    shot(page, "04-meeting-form")
    page.get_by_role("button", name="Plan the meeting").click()
    says(page, "The meeting has been planned with 3 items proposed for its agenda.")
    items = page.locator(".app-agenda__item h3")
    expect(items).to_have_text(
        [
            "1. Minutes of the last meeting",
            "2. Actions arising from the last meeting",
            f"3. {late.reference}: Send the acknowledgement letter",
        ]
    )
    page.locator(".app-agenda__item").nth(2).get_by_role("button", name="Move up").click()
    says(page, f"“{late.reference}: Send the acknowledgement letter” is now item 2.")
    expect(items.nth(1)).to_have_text(f"2. {late.reference}: Send the acknowledgement letter")
    page.get_by_role("button", name="Send the agenda").click()
    says(page, "The agenda has been sent to 2 people.")
    shot(page, "05-meeting")

    assert "Sent 2" in deliver_outbox(db)
    [agenda] = mail_to(mailbox, jordan.email)
    assert agenda["Subject"] == f"Agenda: Victims Code Champions meeting, {long_date(day)}"
    text = body_of(agenda, "plain")
    assert f"2. {late.reference}: Send the acknowledgement letter" in text.splitlines()
    link = next(line for line in text.splitlines() if "/meetings/" in line)

    # Jordan follows the link and reads the agenda, with no buttons to change it.
    sign_out(page)
    sign_in_from_link(page, link, jordan)
    expect(page.get_by_role("heading", level=1)).to_have_text(long_date(day))
    expect(page.get_by_role("button", name="Send the agenda again")).to_have_count(0)
    sign_out(page)

    sign_in(page, chair)
    page.goto(link)
    page.get_by_role("button", name="Start the meeting").click()
    says(page, "The meeting has started.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Minutes of the last meeting")
    page.keyboard.press("Tab")
    page.get_by_role("link", name="Next item").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{late.reference}: Send the acknowledgement letter")
    page.get_by_label("Note").fill("The printer has failed; a new one is on order.")
    page.get_by_label("Decisions").fill("Send the letters by hand until the printer comes")
    page.get_by_role("button", name="Save note and decisions").click()
    says(page, "The note and decisions on item 2 have been saved.")
    page.get_by_label("What is to be done").fill("Order a new printer")
    page.get_by_label("Owner").select_option(label="Jordan Blake (Contact Management)")
    fill_date(page, "arising-due_date", today + timedelta(days=21))
    page.get_by_role("button", name="Add the action").click()
    told = page.locator(".govuk-notification-banner__content").first
    expect(told).to_contain_text("has been added to the plan")
    arising = told.inner_text().split()[0]
    assert (
        told.inner_text().strip()
        == f"{arising} has been added to the plan and Jordan Blake has been told it is theirs."
    )
    shot(page, "06-run-item")

    page.get_by_role("link", name=f"Open {late.reference}").click()
    entry = page.locator(".app-timeline__item").first
    expect(entry).to_contain_text("Discussed at a meeting")
    expect(entry).to_contain_text(
        f"Discussed at the Victims Code Champions meeting on {long_date(day)}: "
        "The printer has failed; a new one is on order."
    )
    shot(page, "07-action-timeline")
    page.goto(link)
    page.get_by_role("button", name="Finish the meeting").click()
    says(page, "The meeting has been recorded as held.")
    expect(page.locator(".app-arising li")).to_have_text(
        [f"{arising}: Order a new printer (Jordan Blake, due {long_date(today + timedelta(days=21))})"]
    )
    shot(page, "08-meeting-held")
