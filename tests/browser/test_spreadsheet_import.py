"""Importing a plan in a real browser: the columns page, the progress while it works, the dry run."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import says, sign_in
from tests.workbooks import messy_plan
from tracker.common.dates import local_today, long_date


def _axe_violations(page):
    # From our own origin: the page's Content Security Policy refuses inline scripts.
    page.add_script_tag(url="/static/vendor/axe.min.js")
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_admin_checks_columns_sees_progress_and_imports(page, make, tmp_path):
    admin = make.user("admin")
    owner = make.user("lead", name="Jordan Blake")
    other = make.user("lead", name="Maya Carver")
    upload = tmp_path / "plan.xlsx"
    upload.write_bytes(messy_plan(owner, other))
    sign_in(page, admin)
    page.goto("/imports")
    page.get_by_role("link", name="Upload a spreadsheet").click()
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check columns").click()
    expect(page).to_have_title("Check the columns - Victims Code Action Tracker")
    assert page.get_by_label("Import column Lead as").input_value() == "owner"
    assert page.get_by_label("Import column Old deadline (hidden in the workbook) as").input_value() == ""
    assert _axe_violations(page) == []

    # Keep the page from leaving so the progress poller can be watched against the real server.
    page.evaluate(
        "document.querySelector('form[data-import-progress]').addEventListener('submit', e => e.preventDefault())"
    )
    page.get_by_role("button", name="Check rows").click()
    expect(page.get_by_role("status")).to_have_text("Checking rows: 0 of 9 rows")
    expect(page.locator("progress")).to_have_attribute("value", "0")
    page.reload()
    page.get_by_role("button", name="Check rows").click()
    # Pat Nobody matches no one: the admin is asked what the name is, and leaves the row out.
    page.wait_for_url(re.compile(r"/imports/\d+/names$"), timeout=30_000)
    assert page.get_by_label("Owner ‘Pat Nobody’").input_value() == ""
    assert _axe_violations(page) == []
    page.get_by_role("button", name="Check rows").click()
    page.wait_for_url(re.compile(r"/imports/\d+$"), timeout=30_000)
    expect(page).to_have_title("Check the import - Victims Code Action Tracker")
    assert "No user is called Pat Nobody" in page.get_by_role("table").first.inner_text()
    assert _axe_violations(page) == []
    page.get_by_role("button", name="Import 4 actions").click()
    says(page, "Import complete: 4 actions created and 0 updated.")
    # What the import wrote on an action's timeline is marked as imported, with the file and the day.
    page.goto("/actions/VV-001")
    marks = page.locator(".app-timeline__imported")
    expect(marks.first).to_have_text(f"Imported from plan.xlsx on {long_date(local_today())}")
    page.screenshot(path="/tmp/plan2-imported.png", full_page=True)


def test_lead_makes_a_calendar_link_and_an_api_token(page, make):
    lead = make.user("lead", name="Jordan Blake")
    sign_in(page, lead)
    page.goto("/account")
    page.get_by_role("link", name="Add due dates to your calendar").click()
    expect(page).to_have_title("Due dates in your calendar - Victims Code Action Tracker")
    page.get_by_role("button", name="Make a calendar link").click()
    link = page.get_by_label("Calendar link").input_value()
    assert "/calendar/" in link and link.endswith(".ics")
    assert _axe_violations(page) == []
    response = page.request.get(urlsplit(link).path)
    assert response.ok and "BEGIN:VCALENDAR" in response.text()

    page.goto("/account/api-tokens")
    page.get_by_role("link", name="Create a token").click()
    page.get_by_label("Name of the token").fill("Power BI plan dashboard")
    page.get_by_label("90 days").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#token-secret").input_value()
    assert secret.startswith("vct_")
    assert _axe_violations(page) == []
    answer = page.request.get("/api/v1/rights", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200 and len(answer.json()["data"]) == 12
    page.get_by_role("link", name="I have copied the token").click()
    page.get_by_role("button", name="Revoke Power BI plan dashboard").click()
    says(page, "The token 'Power BI plan dashboard' no longer works.")
    assert page.request.get("/api/v1/rights", headers={"Authorization": f"Bearer {secret}"}).status == 401
    assert _axe_violations(page) == []
