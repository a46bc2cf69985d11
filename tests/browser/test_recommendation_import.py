"""The chair pastes a report's table of recommendations, reads the dry run and adds the rows, in a real browser.

The dry run is a page served in answer to a form, which the page audits (GET pages) do not reach,
so it is audited with axe here. Set RECOMMENDATION_SCREENSHOTS to a folder to keep screenshots.
"""

import re
from datetime import timedelta

from playwright.sync_api import expect

from tests.browser.audit_set import DESKTOP, NARROW
from tests.browser.axe import audit, install_axe, report
from tests.browser.conftest import says, sign_in
from tests.browser.test_focus_and_reflow import REFLOW_CHECK
from tests.browser.test_recommendations_journey import shot
from tracker.common.dates import local_today, long_date
from tracker.common.quarters import quarter_of

ROWS = (
    "Recommendation 1\tBy March 2028 the force should tell every victim of their rights when they report.\tForce\n"
    "Recommendation 2\tThe PCC should commission an ISVA service for the whole county.\tPCC\n"
    "Recommendation 3\t\tThe mayor\n"
    "AFI 1\tThe force and the PCC should share what victims say about the service.\tBoth\n"
)


def test_chair_pastes_rows_sees_the_row_errors_and_adds_the_good_rows(page, make):
    chair = make.user("chair", name="Casey Chair")
    lead = make.user("lead", name="Jordan Blake")
    source = make.source(title="PEEL 2027: victim service assessment")
    install_axe(page.context)
    sign_in(page, chair)
    page.goto(f"/recommendations/sources/{source.id}")
    page.get_by_role("link", name="Add recommendations from a table").click()
    expect(page.locator("h1")).to_have_text("Add recommendations")
    page.get_by_role("button", name="Check rows").click()
    expect(page.locator(".govuk-error-summary__list li")).to_have_text(
        ["Paste the rows, or choose a spreadsheet to upload", "Choose the lead for these recommendations"]
    )
    shot(page, "import-01-errors")
    violations = audit(page, "the import form with its errors")
    page.get_by_label("Paste the rows").fill(ROWS)
    page.get_by_label("Lead").select_option(label=f"Jordan Blake ({lead.department.name})")
    shot(page, "import-02-pasted")
    page.get_by_role("button", name="Check rows").click()
    expect(page.locator("h1")).to_have_text("Check the recommendations")
    expect(page.locator("#rejected + .app-table-wrapper tbody tr")).to_have_text(
        [
            re.compile(r"^\s*3\s+Text\s+The text of the recommendation is blank\s+\(blank\)\s*$"),
            re.compile(r"^\s*3\s+Addressed to\s+Enter force, PCC, both or others\s+The mayor\s*$"),
        ]
    )
    shot(page, "import-03-dry-run")
    violations += audit(page, "the dry run")
    # At 320 CSS pixels the dry run reflows: its tables scroll inside their boxes, the page never sideways.
    page.set_viewport_size(NARROW)
    found = page.evaluate(REFLOW_CHECK)
    assert found["scrollWidth"] <= found["clientWidth"] + 1, found["outside"]
    assert found["unwrappedTables"] == []
    shot(page, "import-03-dry-run-narrow")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Add 3 recommendations").click()
    says(page, "3 recommendations added, led by Jordan Blake. 1 row could not be added.")
    expect(page.locator("main tbody tr td:first-child a")).to_have_text(
        ["Recommendation 1", "Recommendation 2", "AFI 1"]
    )
    shot(page, "import-04-added")
    assert not violations, report(violations)

    # The quarter's draft report counts them in its section on recommendations.
    page.goto(f"/reports/{quarter_of(local_today()).slug}/draft")
    section = page.locator("#recommendations")
    expect(section.locator("tbody tr th")).to_have_text(
        [f"HMICFRS: PEEL 2027: victim service assessment (published {long_date(source.published_on)})"]
    )
    due = long_date(source.published_on + timedelta(days=56))
    expect(section.locator("tbody tr td")).to_have_text(["3", "0", "0", "0", "3", due, "Not yet published"])
    section.scroll_into_view_if_needed()
    shot(page, "import-05-draft-report")
