"""The plan's central journey in a real browser: assign, update with evidence, ask for sign-off, sign off."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import fill_date, says, sign_in, sign_out

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def signed_in(page, user):
    """Sign in and wait until the browser has left the sign-in page."""
    sign_in(page, user)
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def brag_count(page, rag):
    page.goto("/")
    return int(page.locator(f'[data-brag="{rag}"] .app-count-card__number').inner_text())


def test_chair_assigns_lead_updates_and_chair_signs_off(page, make):
    chair = make.user("chair", name="Casey Chair")
    lead = make.user("lead", name="Jordan Blake")
    today = date.today()

    signed_in(page, chair)
    assert (brag_count(page, "green"), brag_count(page, "blue")) == (0, 0)
    page.get_by_role("link", name="Actions", exact=True).click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Title").fill("Revise the written acknowledgement letter")
    page.get_by_label("Owner").select_option(label="Jordan Blake (Contact Management)")
    fill_date(page, "start_date", today)
    fill_date(page, "original_due_date", today + timedelta(days=120))
    page.get_by_label("Right 3: To be provided with information when reporting the crime").check()
    page.get_by_label("Priority 2: Victims' Code compliance").check()
    page.get_by_label("MoJ compliance self-assessment").check()
    page.get_by_role("button", name="Add action").click()
    says(page, "VV-001 has been added and Jordan Blake has been told it is theirs.")
    assert page.get_by_role("heading", level=1).inner_text() == "Revise the written acknowledgement letter"
    assert brag_count(page, "green") == 1
    sign_out(page)

    signed_in(page, lead)
    expect(page).to_have_title("My actions - Victims Code Action Tracker")
    page.get_by_role("link", name="Revise the written acknowledgement letter").click()
    page.get_by_role("link", name="Post an update").click()
    page.get_by_label("What has happened since the last update?").fill("New letter drafted and tested with the forum.")
    page.get_by_label("In progress").check()
    page.get_by_role("textbox", name="Progress").fill("80")
    page.get_by_label("Green").check()
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "forum-feedback.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Post update").click()
    says(page, "Your update has been posted.")
    timeline = page.locator(".app-timeline")
    assert "New letter drafted and tested with the forum." in timeline.inner_text()
    expect(timeline.get_by_role("link", name="forum-feedback.pdf")).to_be_visible()

    page.get_by_role("link", name="Ask for sign-off").click()
    page.get_by_label("What was done?").fill("The new letter is used for every crime type from 1 June.")
    page.get_by_role("button", name="Ask for sign-off").click()
    says(page, "Your request for sign-off has been sent to the chair.")
    expect(page.get_by_role("heading", name="Waiting for sign-off")).to_be_visible()
    sign_out(page)

    signed_in(page, chair)
    expect(page.get_by_role("heading", name="Waiting for your decision (1)")).to_be_visible()
    page.get_by_role("link", name="Sign off VV-001: Revise the written acknowledgement letter").click()
    expect(page.get_by_text("The new letter is used for every crime type from 1 June.")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row:has(dt:text-is('Progress')) dd")).to_have_text("80%")
    expect(page.locator(".govuk-summary-list")).to_contain_text("New letter drafted and tested with the forum.")
    expect(page.locator(".govuk-summary-list").get_by_role("link", name="forum-feedback.pdf")).to_be_visible()
    page.get_by_label("Approve: sign it off as complete (Blue)").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you are signing this action off at 80% progress"
    )
    page.screenshot(path="/tmp/plan2-signoff-error.png", full_page=True)
    page.get_by_label("I am signing this action off at 80% progress").check()
    page.get_by_label("Why are you signing it off at 80% progress?").fill("The last 20% is the evaluation in May.")
    page.get_by_role("button", name="Save decision").click()
    says(page, "VV-001 has been signed off as complete.")
    entry = page.locator(".app-timeline__item").first
    expect(entry).to_contain_text("Signed off at 80% progress: The last 20% is the evaluation in May.")
    assert page.locator(".app-brag-panel .app-rag--blue").inner_text() == "Blue"
    assert (brag_count(page, "green"), brag_count(page, "blue")) == (0, 1)
    expect(page.get_by_role("heading", name="Waiting for your decision (1)")).to_have_count(0)


def test_error_summary_links_to_the_day_box(page, make):
    chair = make.user("chair")
    make.user("lead", name="Jordan Blake")
    signed_in(page, chair)
    page.goto("/actions/new")
    page.get_by_label("Title").fill("Typed before the mistake")
    page.get_by_label("Owner").select_option(label="Jordan Blake (Contact Management)")
    fill_date(page, "start_date", date(2026, 5, 1))
    fill_date(page, "original_due_date", date(2026, 4, 1))
    page.get_by_role("button", name="Add action").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Due date must be the same as or after the start date")
    summary.get_by_role("link", name="Due date must be the same as or after the start date").click()
    assert page.evaluate("document.activeElement.id") == "original_due_date-day"
    assert page.get_by_label("Title").input_value() == "Typed before the mistake"


def test_a_chair_moving_the_due_date_gives_a_reason_and_it_counts_as_an_extension(page, make):
    from tracker.common.dates import long_date

    chair = make.user("chair")
    due = date.today() + timedelta(days=60)
    action = make.action(title="Revise the written acknowledgement letter", due=due)
    signed_in(page, chair)
    page.goto(f"/actions/{action.reference}/edit")
    later = due + timedelta(days=30)
    fill_date(page, "current_due_date", later)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the due date is changing")
    page.screenshot(path="/tmp/plan2-due-date-error.png", full_page=True)
    page.get_by_label("Why is the due date changing?").fill("Agreed at the Champions meeting.")
    page.get_by_role("button", name="Save changes").click()
    says(page, "Your changes have been saved.")
    due_row = page.locator(".govuk-summary-list__row:has(dt:text-is('Due date')) dd")
    expect(due_row).to_contain_text(f"Originally {long_date(due)}; extended 1 time.")
    expect(page.locator(".app-timeline__title").first).to_have_text(
        f"Due date moved by the chair: now due {long_date(later)}, counted as an extension"
    )
    page.screenshot(path="/tmp/plan2-due-date-moved.png", full_page=True)
