"""Keyboard-only journeys in Chromium: no mouse, and the focus always visible."""

from tests.browser.keyboard import KeyboardUser
from tests.factories import PASSWORD


def test_lead_signs_in_with_the_keyboard_only(page, make):
    lead = make.user("lead", name="Kim Keyboard")
    page.goto("/sign-in")
    keys = KeyboardUser(page)
    keys.sign_in(lead.email, PASSWORD)
    assert "/sign-in" not in page.url
    assert "Kim Keyboard" in page.locator(".app-header__user").inner_text()
    assert keys.stops[0].element == 'a "Skip to main content"', "the first Tab should reach the skip link"
    keys.assert_focus_was_always_visible()


def test_skip_link_takes_keyboard_users_past_the_navigation(page, make):
    page.goto("/sign-in")
    keys = KeyboardUser(page)
    keys.tab()
    keys.press("Enter")
    keys.tab()
    assert page.evaluate("document.activeElement.id") == "email", keys.stops[-1]
    keys.assert_focus_was_always_visible()


def test_errors_are_fixed_with_the_keyboard_from_the_error_summary(page, make):
    lead = make.user("lead", name="Lee Keyboard")
    page.goto("/sign-in")
    keys = KeyboardUser(page)
    keys.press_button("Sign in")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    keys.follow_fragment("Enter your email address")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(lead.email)
    keys.fill("Password", PASSWORD)
    keys.press_button("Sign in")
    assert "Lee Keyboard" in page.locator(".app-header__user").inner_text()
    keys.assert_focus_was_always_visible()


def test_the_focus_check_notices_focus_that_cannot_be_seen(page, make):
    page.goto("/sign-in")
    page.evaluate(
        """() => {
          const link = document.createElement("a");
          link.href = "#";
          link.textContent = "Hidden focus";
          link.style.outline = "none";
          document.querySelector("main").prepend(link);
        }"""
    )
    keys = KeyboardUser(page)
    keys.tab_to(page.get_by_role("link", name="Hidden focus"))
    assert [stop.element for stop in keys.invisible_stops()] == ['a "Hidden focus"']
