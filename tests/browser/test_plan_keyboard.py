"""The plan's everyday journeys done with the keyboard alone: find, update, ask for more time."""

from datetime import date, timedelta

from tests.browser.keyboard import KeyboardUser
from tests.factories import PASSWORD


def test_lead_finds_an_action_by_filters_posts_an_update_and_asks_for_more_time(page, make):
    today = date.today()
    home = make.department("Contact Management")
    away = make.department("Public Protection")
    lead = make.user("lead", name="Kim Keyboard", department=home)
    make.action(owner=lead, title="Revise the witness care letter", due=today - timedelta(days=3))
    make.action(owner=lead, title="Publish clear information on compensation", due=today + timedelta(days=150))
    make.action(owner=make.user("lead", department=away), title="Train call handlers", due=today - timedelta(days=5))

    page.goto("/sign-in")
    keys = KeyboardUser(page)
    keys.sign_in(lead.email, PASSWORD)
    keys.follow_link("Actions")
    keys.tick("Red")
    keys.choose_option("Department", "Contact Management")
    keys.press_button("Show actions")
    listed = page.locator("table.app-action-table tbody tr")
    assert listed.count() == 1 and "Revise the witness care letter" in listed.inner_text()

    keys.follow_link("Revise the witness care letter")
    keys.follow_link("Post an update")
    keys.fill("What has happened since the last update?", "Draft letter agreed with the witness care unit.")
    keys.choose_radio("Blocked")
    keys.fill("Progress", "60")
    keys.choose_radio("Amber")
    keys.press_button("Post update")
    assert page.get_by_role("heading", level=1).inner_text() == "Revise the witness care letter"
    assert (
        page.get_by_role("alert", name="Success").locator(".govuk-notification-banner__content").inner_text()
        == "Your update has been posted."
    )
    assert page.get_by_text("Draft letter agreed with the witness care unit.", exact=True).is_visible()

    keys.follow_link("Ask for more time")
    keys.fill_date(today + timedelta(days=60))
    keys.fill("Why do you need more time?", "Waiting for the printing contract to be renewed.")
    keys.press_button("Ask for more time")
    assert (
        page.get_by_role("alert", name="Success").locator(".govuk-notification-banner__content").inner_text()
        == "Your request has been sent to the chair."
    )
    assert page.get_by_text("Waiting for the printing contract to be renewed.", exact=True).is_visible()
    keys.assert_focus_was_always_visible()


def test_lead_withdraws_a_request_and_the_chair_reopens_a_completed_action(page, make):
    lead = make.user("lead", name="Kim Keyboard")
    chair = make.user("chair", name="Sam Chair")
    action = make.action(owner=lead, title="Revise the witness care letter")
    done = make.action(owner=lead, title="Publish clear information on compensation", status="complete", progress=100)

    page.goto("/sign-in")
    keys = KeyboardUser(page)
    keys.sign_in(lead.email, PASSWORD)
    page.goto(f"/actions/{action.reference}")
    keys.follow_link("Ask for more time")
    keys.fill_date(action.current_due_date + timedelta(days=60))
    keys.fill("Why do you need more time?", "Waiting for the printing contract.")
    keys.press_button("Ask for more time")
    keys.follow_link("Withdraw the request for more time")
    assert page.get_by_role("heading", level=1).inner_text() == "Withdraw your request for more time"
    page.screenshot(path="/tmp/plan2-withdraw.png", full_page=True)
    keys.press_button("Withdraw the request")
    assert (
        page.get_by_role("alert", name="Success").locator(".govuk-notification-banner__content").inner_text()
        == "Your request for more time has been withdrawn."
    )
    assert page.locator(".app-timeline__title").first.inner_text() == "Request for more time withdrawn"
    page.screenshot(path="/tmp/plan2-withdrawn.png", full_page=True)

    page.context.clear_cookies()
    page.goto("/sign-in")
    keys.sign_in(chair.email, PASSWORD)
    page.goto(f"/actions/{done.reference}")
    keys.follow_link("Reopen action")
    keys.fill("Why is the action being reopened?", "The leaflet was withdrawn by legal.")
    page.screenshot(path="/tmp/plan2-reopen.png", full_page=True)
    keys.press_button("Reopen the action")
    assert (
        page.get_by_role("alert", name="Success").locator(".govuk-notification-banner__content").inner_text()
        == f"{done.reference} has been reopened and Kim Keyboard has been told."
    )
    assert page.locator(".app-timeline__title").first.inner_text() == "Action reopened"
    assert page.locator(".app-brag-panel .app-rag").inner_text() != "Blue"
    page.screenshot(path="/tmp/plan2-reopened.png", full_page=True)
    keys.assert_focus_was_always_visible()
