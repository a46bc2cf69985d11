"""An administrator hands a leaver's open actions over in the browser, then deactivates them."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.integration.test_leavers import leaving_world


def test_an_admin_hands_over_a_leavers_actions_and_deactivates_them(page, make, db):
    leaver, sam, kim, _ = leaving_world(make)
    sign_in(page, make.user("admin", name="Alex Admin"))
    page.goto("/admin/users")
    page.get_by_role("button", name="Deactivate Jordan Blake").click()
    expect(page.locator("h1")).to_have_text("Who takes over Jordan Blake's actions")

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary__list")).to_have_text(
        "Choose who takes over their actions, or choose a person for each action"
    )
    page.get_by_label("Who takes over their actions").select_option(label="Sam Lead (Contact Management)")
    page.get_by_label("VV-003: Map the journey").select_option(label="Kim Chair")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Check what moves")
    assert page.locator("main h2").all_inner_texts() == ["Kim Chair takes 1 action", "Sam Lead takes 2 actions"]
    page.get_by_role("button", name="Change who takes over").click()
    expect(page.get_by_label("VV-003: Map the journey")).to_have_value(str(kim.id))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Move the 3 actions and deactivate Jordan Blake").click()

    expect(page.locator(".govuk-notification-banner__content")).to_have_text(
        "Jordan Blake can no longer sign in. 3 actions moved to 2 people. 2 new owners have been e-mailed the list."
    )
    row = page.locator("tbody tr", has_text="Jordan Blake")
    expect(row.locator(".govuk-tag")).to_have_text("Deactivated")
    page.goto("/actions/VV-003")
    expect(page.locator("main")).to_contain_text("Reassigned from Jordan Blake to Kim Chair")
