"""Signing in with the organisation's account in a real browser, through the provider's own pages."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import audit, install_axe, report
from tests.browser.conftest import MarkupWatch
from tests.oidc_provider import CALLBACK_PATH, free_port, running_provider, single_sign_on


@pytest.fixture(scope="module")
def browser_provider(live_server):
    """The test OpenID provider, its callback on the live server."""
    with running_provider([live_server + CALLBACK_PATH]) as issuer:
        yield issuer


@pytest.fixture()
def sso(app, db, live_server, browser_provider):
    with single_sign_on(app, browser_provider, base_url=live_server) as settings:
        yield settings


def sign_in_at_provider(page, login):
    """Fill in the provider's own sign-in and consent pages."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_a_person_signs_in_and_out_through_the_provider(page, make, sso):
    make.user("chair", name="Olu Chair", email="olu@force.example")
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with your organisation account").click()
    expect(page.locator("input[name=login]")).to_be_visible()
    assert page.url.startswith(sso.issuer + "/interaction/")
    sign_in_at_provider(page, "olu@force.example")

    expect(page).to_have_title("Dashboard - Victims Code Action Tracker")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert page.get_by_text("Olu Chair").first.is_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_title("Sign in - Victims Code Action Tracker")
    inset = page.locator(".govuk-inset-text")
    assert inset.inner_text() == (
        "You are still signed in to your organisation account on this device.\n\n"
        "Sign out of your organisation account too"
    )
    inset.get_by_role("link").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_title("Sign in - Victims Code Action Tracker")
    assert page.locator(".govuk-inset-text").count() == 0
    assert page.goto("/account").url.endswith("/sign-in?next=%2Faccount")


def test_an_unknown_person_is_told_to_ask_an_administrator(page, sso):
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with your organisation account").click()
    sign_in_at_provider(page, "new.starter@force.example")
    expect(page).to_have_title("You cannot sign in to the tracker - Victims Code Action Tracker")
    assert page.locator("main p").first.inner_text() == (
        "You do not have an account on the tracker yet. Ask an administrator to add you, then try again."
    )


def test_the_single_sign_on_pages_pass_axe(app, browser, live_server, db, make, sso):
    make.user("viewer", email="pat@force.example")
    context = browser.new_context(base_url=live_server)
    watch = MarkupWatch(context)
    install_axe(context)
    page = context.new_page()
    violations = []

    def check(url, heading, status=200):
        response = page.goto(url)
        assert response.status == status, f"{url} answered {response.status}"
        assert page.get_by_role("heading", level=1).inner_text() == heading
        violations.extend(audit(page, f"{url} ({heading})"))

    check("/sign-in", "Sign in")
    page.get_by_role("button", name="Sign in with your organisation account").click()
    sign_in_at_provider(page, "pat@force.example")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-inset-text")).to_be_visible()
    violations.extend(audit(page, "/sign-in after signing out"))
    check("/sign-in/organisation/callback?error=access_denied", "You did not allow the tracker to sign you in", 400)
    check("/sign-in/organisation/callback?state=forged&code=forged", "Your sign-in has expired or was changed", 400)
    app.config.update(PASSWORD_SIGN_IN=False)
    check("/forgot-password", "Password reset is turned off", 404)
    page.goto("/sign-in")
    page.get_by_text("Sign in with a password", exact=True).click()
    page.get_by_label("Email address").fill("pat@force.example")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    violations.extend(audit(page, "/sign-in with passwords off, sent"))
    app.config.update(OIDC_ISSUER=f"http://127.0.0.1:{free_port()}")
    check("/sign-in/organisation", "Your organisation's sign-in service is not available", 502)
    context.close()
    watch.assert_clean()
    assert not violations, report(violations)
