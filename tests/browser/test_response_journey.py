"""The response to an HMICFRS report in Chromium: from the report's page the chair drafts it, words it,
approves it after confirming, publishes it and opens the PDF; a viewer then reads it.

Set RESPONSE_SCREENSHOTS to a folder to keep a full-page screenshot of each page and the PDF.
"""

import io
import os
import re
from datetime import timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import says, sign_in, sign_out
from tracker.common.dates import local_today, long_date
from tracker.plan import services as plan_services
from tracker.plan.brag import Rag
from tracker.plan.models import Status
from tracker.recommendations.services import change_status

SHOTS = os.environ.get("RESPONSE_SCREENSHOTS")
TITLE = "PEEL 2027: victim service assessment"


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True, animations="disabled", caret="hide")


def test_the_chair_drafts_words_approves_and_publishes_the_response(page, browser, live_server, db, make):
    today = local_today()
    chair = make.user("chair", name="Casey Chair")
    admin = make.user("admin", name="Ada Admin")
    lead = make.user("lead", name="Jordan Blake")
    viewer = make.user("viewer", name="Vic Viewer")
    source = make.source(title=TITLE, published_on=today - timedelta(days=40))
    letter = make.action(owner=lead, title="Rewrite the acknowledgement letter", due=today + timedelta(days=30))
    plan_services.post_update(
        letter,
        lead,
        narrative="The new letter is with the print room.",
        status=Status.IN_PROGRESS,
        progress=60,
        declared_rag=Rag.GREEN,
    )
    first = make.recommendation(
        source=source,
        reference="Recommendation 1",
        lead=lead,
        actions=[letter],
        text="The force should tell victims how their case is going at least every 28 days.",
    )
    second = make.recommendation(source=source, reference="AFI 2", lead=lead, text="Review the satisfaction survey.")
    change_status(second, "not_accepted", "The national survey replaced it in April.", chair)
    db.session.commit()

    sign_in(page, chair)
    page.goto(f"/recommendations/sources/{source.id}")
    expect(page.locator("#response + p")).to_have_text("No response has been published yet.")
    shot(page, "01-source-before")
    page.get_by_role("button", name="Draft the response").click()
    says(page, "The response has been drafted from the recommendations and their actions. Word it, then approve it.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Draft response to {TITLE}")
    shot(page, "02-draft")

    # An administrator opens the wording too, before the chair saves hers.
    other = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}).new_page()
    sign_in(other, admin)
    other.goto(page.url + "/edit")
    page.get_by_role("link", name="Change the wording").click()
    page.get_by_label("Introduction").fill("The PCC and the chief constable welcome the report.")
    page.locator(f"#wording_{first.id}").fill("We accept this recommendation in full.")
    shot(page, "03-wording")
    page.get_by_role("button", name="Save the response").click()
    says(page, "The response has been saved.")
    expect(page.locator(".app-response__wording")).to_have_text(["We accept this recommendation in full."])
    other.get_by_label("Introduction").fill("The PCC welcomes the report.")
    other.get_by_role("button", name="Save the response").click()
    expect(other.locator(".govuk-notification-banner")).to_contain_text("Someone else saved a change")
    expect(other.locator("#saved-by-someone-else .govuk-summary-list__row")).to_have_text(
        [
            re.compile(r"Introduction\s+The PCC and the chief constable welcome the report\."),
            re.compile(r"Recommendation 1: Our response\s+We accept this recommendation in full\."),
        ]
    )
    expect(other.get_by_label("Introduction")).to_have_value("The PCC welcomes the report.")
    shot(other, "03b-conflict")
    other.context.close()

    page.get_by_role("link", name="Approve the response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the response")
    shot(page, "04-approve")
    page.get_by_role("button", name="Approve", exact=True).click()
    says(page, "The response has been approved. Publish it when it is ready to go out.")
    expect(page.get_by_role("link", name="Change the wording")).to_have_count(0)
    shot(page, "05-approved")
    page.get_by_role("button", name="Publish the response").click()
    says(page, "The response has been published.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Response to {TITLE}")
    shot(page, "06-published")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the response (PDF)").click()
    name = "response-peel-2027-victim-service-assessment.pdf"
    assert download.value.suggested_filename == name
    if SHOTS:
        download.value.save_as(os.path.join(SHOTS, name))
    with open(download.value.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert reader.metadata.title == f"Response to {TITLE}"
    assert "We accept this recommendation in full." in text
    assert "Why nothing will be done The national survey replaced it in April." in text
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Lang"] == "en-GB" and "/StructTreeRoot" in reader.trailer["/Root"]

    page.get_by_role("link", name=f"Back to {TITLE}").click()
    due = page.locator(".govuk-summary-list__row:has(dt:text-is('Response due')) dd")
    expect(due).to_have_text(re.compile(rf"^\s*{long_date(source.response_due_on)}\s+Published {long_date(today)}\s*$"))
    expect(page.get_by_role("button", name="Draft a new version of the response")).to_be_visible()
    shot(page, "07-source-after")
    sign_out(page)

    sign_in(page, viewer)
    page.goto(f"/recommendations/sources/{source.id}")
    expect(page.locator(".app-response__versions li")).to_have_text(
        [re.compile(rf"Version 1\s+Published {long_date(today)}\.\s+Download version 1 \(PDF\)")]
    )
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Response to {TITLE}")
    expect(page.locator("main .govuk-button")).to_have_count(0)
    shot(page, "08-viewer")
