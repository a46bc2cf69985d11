"""Browser fixtures: the app served on a real port and Debian's Chromium driven by Playwright."""

import os
import threading

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.factories import PASSWORD, Factory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the test app on a free loopback port for the whole session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium; a missing browser fails the run rather than skipping it."""
    assert os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}: install the Debian 'chromium' package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Text that is an HTML tag or an entity, read from a page's visible text, is markup shown as text.
MARKUP_IN_TEXT_JS = r"""() => {
  const text = document.body ? document.body.innerText : "";
  const found = text.match(/<\/?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?\/?>|&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/);
  return found ? found[0] : null;
}"""


class MarkupWatch:
    """Reads every page a browser context loads and keeps each one that shows markup as text."""

    def __init__(self, context):
        self.problems = []
        context.on("page", self.watch)
        for tab in context.pages:
            self.watch(tab)

    def watch(self, tab):
        tab.on("load", lambda loaded: self.check(loaded))

    def check(self, tab):
        try:
            found = tab.evaluate(MARKUP_IN_TEXT_JS)
        except PlaywrightError:
            return  # the page went on to another before it could be read; that one is read instead
        if found:
            self.problems.append(f"{tab.url} shows markup as text: {found}")

    def assert_clean(self):
        assert not self.problems, "pages showed markup as text:\n" + "\n".join(self.problems)


@pytest.fixture()
def page(browser, live_server, db):
    """A fresh browser tab on a clean database; every page it loads is checked for markup shown as text."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    watch = MarkupWatch(context)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
    watch.assert_clean()


def sign_in(page, user, password=PASSWORD):
    """Sign in through the form, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_title("Sign in - Victims Code Action Tracker")


def fill_date(page, field, day):
    """Type a date into a GOV.UK date input's day, month and year boxes."""
    page.locator(f"#{field}-day").fill(str(day.day))
    page.locator(f"#{field}-month").fill(str(day.month))
    page.locator(f"#{field}-year").fill(str(day.year))


def says(page, message):
    """Wait for the page's first banner to read exactly the message (a click's new page may still be loading)."""
    expect(page.locator(".govuk-notification-banner__content").first).to_have_text(message)


# A demo-sized plan: enough rows for lists, pagination, timelines and charts, small enough to stay fast.
AUDIT_DEMO_ACTIONS = 30


@pytest.fixture(scope="module")
def audit_site(app, browser, live_server):
    """Every role's pages over one world with a demo plan (tests/browser/audit_set.py).

    Built once per module, so a module using it must not use the function-scoped `db` fixture.
    """
    from tests.access import build_world
    from tests.browser.audit_set import AUDIT_ROLES, AuditSite, targets_for
    from tests.conftest import clean_database
    from tracker.extensions import db

    with app.app_context():
        clean_database()
        world = build_world(Factory(db), demo_actions=AUDIT_DEMO_ACTIONS)
        emails = {role: user.email for role, user in world.users.items()}
        targets = {role: targets_for(app, world, role) for role in AUDIT_ROLES}
        db.session.remove()
    site = AuditSite(browser, live_server, emails, PASSWORD, targets)
    yield site
    site.close()
