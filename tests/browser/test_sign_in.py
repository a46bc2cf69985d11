"""Signing in with a real browser."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_chair_signs_in_and_sees_the_dashboard(page, make):
    chair = make.user("chair", name="Casey Chair")
    sign_in(page, chair)
    assert page.title() == "Dashboard - Victims Code Action Tracker"
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert page.get_by_text("Casey Chair").first.is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    assert page.title() == "Sign in - Victims Code Action Tracker"


def test_wrong_password_focuses_the_error_summary(page, make):
    lead = make.user("lead")
    sign_in(page, lead, password="not the right password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter a correct email address and password" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.title().startswith("Error: Sign in")
