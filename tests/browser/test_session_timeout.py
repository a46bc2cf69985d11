"""The timeout warning and a form sent after the session ended, in Chromium, with a session of seconds."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD


@pytest.fixture()
def short_sessions(app, monkeypatch):
    """Sessions that end after 12 idle seconds, warned of 8 seconds before."""
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 0.2)
    monkeypatch.setitem(app.config, "SESSION_WARNING_MINUTES", 8 / 60)


def _warning(page):
    return page.get_by_role("dialog", name="You’re about to be signed out")


def test_the_warning_takes_focus_and_gives_it_back_and_staying_signed_in_works_by_keyboard(page, make, short_sessions):
    chair = make.user("chair")
    sign_in(page, chair)
    page.goto("/actions/new")
    title = page.get_by_label("Title")
    title.focus()
    warning = _warning(page)
    expect(warning).to_be_visible(timeout=10_000)
    assert page.evaluate("document.activeElement.id") == "timeout-warning"
    assert warning.get_attribute("aria-describedby") == "timeout-warning-message"
    message = page.locator("#timeout-warning-message").inner_text()
    assert message.startswith("For your security, we will sign you out in ")
    assert message.endswith(" seconds. What you have typed on this page is not saved until you send it.")
    page.screenshot(path="/tmp/shots/timeout-warning-1280.png")
    page.keyboard.press("Escape")
    expect(warning).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == title.get_attribute("id")

    # Escape kept the session going, so the warning comes back later; this time Tab and Enter.
    expect(warning).to_be_visible(timeout=12_000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    with page.expect_response("**/session/keep-alive") as kept_alive:
        page.keyboard.press("Enter")
    assert kept_alive.value.status == 200
    expect(warning).to_be_hidden()
    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == "Add an action"


def test_sign_out_in_the_warning_signs_out(page, make, short_sessions):
    sign_in(page, make.user("viewer"))
    expect(_warning(page)).to_be_visible(timeout=10_000)
    with page.expect_navigation():
        _warning(page).get_by_role("button", name="Sign out").click()
    assert page.title() == "Sign in - Victims Code Action Tracker"
    assert page.locator(".govuk-notification-banner__content").inner_text().strip() == "You have signed out."


def test_a_form_sent_after_the_session_ended_is_filled_in_again_after_signing_in(page, make, short_sessions):
    chair = make.user("chair")
    sign_in(page, chair)
    page.goto("/actions/new")
    page.get_by_label("Title").fill("Call every victim back within 2 days")
    page.get_by_label("Description").fill("Drafted slowly: the session ends before this is sent.")
    # The warning closes by itself when the session has ended.
    expect(_warning(page)).to_be_visible(timeout=10_000)
    expect(_warning(page)).to_be_hidden(timeout=15_000)
    page.wait_for_timeout(2_000)  # the page counts down from when it was made; be sure the server agrees
    with page.expect_navigation():
        page.get_by_role("button", name="Add action").click()
    assert page.title() == "Sign in - Victims Code Action Tracker"
    assert page.locator(".govuk-notification-banner__content").inner_text().strip() == (
        "You were signed out because your session expired. Sign in again to go back to your form:"
        " what you typed has been kept."
    )
    page.get_by_label("Email address").fill(chair.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/actions/new")
    assert page.get_by_label("Title").input_value() == "Call every victim back within 2 days"
    assert page.get_by_label("Description").input_value() == "Drafted slowly: the session ends before this is sent."
    banner = page.locator(".govuk-notification-banner__content").inner_text()
    assert " ".join(banner.split()) == (
        "We have put back what you typed before you were signed out. Check it and send the form again."
    )
    page.screenshot(path="/tmp/shots/kept-form-1280.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path="/tmp/shots/kept-form-320.png")
