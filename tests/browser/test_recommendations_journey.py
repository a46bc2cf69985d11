"""From a new HMICFRS report to its recommendations answered by actions and the published response,
in a real browser.

Set RECOMMENDATION_SCREENSHOTS to a folder to keep a full-page screenshot of each page on the way.
"""

import os
import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import fill_date, says, sign_in, sign_out
from tracker.common.dates import long_date


def signed_in(page, user):
    sign_in(page, user)
    expect(page).not_to_have_url(re.compile(r"/sign-in"))


def shot(page, name):
    folder = os.environ.get("RECOMMENDATION_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True, animations="disabled", caret="hide")


def test_chair_records_an_hmicfrs_report_links_actions_the_lead_decides_and_the_response_is_published(page, make):
    chair = make.user("chair", name="Casey Chair")
    lead = make.user("lead", name="Jordan Blake")
    action = make.action(owner=lead, reference="VV-001", title="Send every victim the rights leaflet")
    published = date.today() - timedelta(days=40)
    due = published + timedelta(days=56)

    signed_in(page, chair)
    page.get_by_role("link", name="Recommendations", exact=True).click()
    shot(page, "01-list-empty")
    page.get_by_role("link", name="Add a report or review").click()
    page.get_by_label("HMICFRS").check()
    page.get_by_label("Title of the report or review").fill("PEEL 2027: victim service assessment")
    fill_date(page, "published_on", published)
    page.get_by_label("Link to the report (optional)").fill("https://hmicfrs.example/peel-2027")
    shot(page, "02-source-form")
    page.get_by_role("button", name="Add report or review").click()
    says(page, "PEEL 2027: victim service assessment has been added. Now add its recommendations.")
    row = page.locator(".govuk-summary-list__row:has(dt:text-is('Response due')) dd")
    expect(row).to_have_text(re.compile(rf"^\s*{long_date(due)}\s+Due in 16 days\s*$"))

    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Reference in the report").fill("Recommendation 3")
    page.get_by_label("What the report recommends").fill("The force should tell victims about their rights.")
    page.get_by_label("The force and the PCC").check()
    page.get_by_label("Lead").select_option(label="Jordan Blake (Contact Management)")
    page.get_by_label("Right 3: To be provided with information when reporting the crime").check()
    shot(page, "03-recommendation-form")
    page.get_by_role("button", name="Add recommendation").click()
    says(page, "Recommendation 3 has been added.")

    page.get_by_role("link", name="Link an action").click()
    page.get_by_label("Action").select_option(label="VV-001: Send every victim the rights leaflet")
    shot(page, "04-link-action")
    page.get_by_role("button", name="Link action").click()
    says(page, "VV-001 now answers Recommendation 3.")
    answers = page.locator("#actions + ul li")
    expect(answers).to_have_count(1)
    assert answers.inner_text().split("\n")[:3] == [
        "VV-001: Send every victim the rights leaflet",
        f"Jordan Blake. In progress, due {long_date(action.current_due_date)}. Amber No update for 30 days",
        "No updates yet.",
    ]
    shot(page, "05-recommendation")

    page.get_by_role("link", name="Back to PEEL 2027: victim service assessment").click()
    expect(page.locator("tbody tr")).to_have_text(
        re.compile(
            r"Recommendation 3\s+The force should tell victims about their rights.\s+Jordan Blake\s+1\s+Awaiting review"
        )
    )
    shot(page, "06-source")
    page.goto("/")
    expect(page.locator("#responses-heading")).to_have_text("Responses to recommendations due (1)")
    shot(page, "07-dashboard")
    sign_out(page)

    signed_in(page, lead)
    page.goto(f"/actions/{action.reference}")
    page.get_by_role("link", name="PEEL 2027: victim service assessment, Recommendation 3").click()
    expect(page.locator(".govuk-inset-text")).to_have_text(
        "The linked actions suggest “being progressed”. The lead decides the status."
    )
    page.get_by_role("link", name="Change status").click()
    page.get_by_role("button", name="Save status").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a reason")
    shot(page, "08-status-error")
    page.get_by_label("Being progressed").check()
    page.get_by_label("Reason").fill("VV-001 sends the leaflet from April.")
    page.get_by_role("button", name="Save status").click()
    says(page, "Recommendation 3 is now being progressed.")
    status = page.locator(".govuk-summary-list__row:has(dt:text-is('Status')) dd")
    assert status.inner_text().split("\n")[:2] == ["Being progressed", "VV-001 sends the leaflet from April."]
    shot(page, "09-after-status")
    page.goto(f"/actions/{action.reference}")
    shot(page, "10-action-page")
    sign_out(page)

    # The chair answers the report: the response drafted from the decision, approved and published.
    signed_in(page, chair)
    page.goto("/recommendations")
    page.get_by_role("link", name="PEEL 2027: victim service assessment", exact=True).click()
    page.get_by_role("button", name="Draft the response").click()
    says(page, "The response has been drafted from the recommendations and their actions. Word it, then approve it.")
    expect(page.locator("main")).to_contain_text("Being progressed")
    page.get_by_role("link", name="Change the wording").click()
    page.locator("textarea").last.fill("VV-001 sends every victim the leaflet from April.")
    page.get_by_role("button", name="Save the response").click()
    says(page, "The response has been saved.")
    page.get_by_role("link", name="Approve the response").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    says(page, "The response has been approved. Publish it when it is ready to go out.")
    page.get_by_role("button", name="Publish the response").click()
    says(page, "The response has been published.")
    expect(page.locator(".app-response__wording")).to_have_text(["VV-001 sends every victim the leaflet from April."])
    shot(page, "11-published-response")
    page.get_by_role("link", name="Back to PEEL 2027: victim service assessment").click()
    expect(row).to_have_text(re.compile(rf"^\s*{long_date(due)}\s+Published {long_date(date.today())}\s*$"))
    page.goto("/")
    expect(page.locator("#responses-heading")).to_have_count(0)
