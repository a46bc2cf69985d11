"""The audit set: every HTML page the app serves to each role, found from the URL map.

URL arguments and the expected answer come from the access rules in tests/access/, so a new page
is audited as soon as it has access rules (which the access matrix insists on). Files are left
out without being fetched when their address names one (report.pdf, actions.xlsx, feed.ics): the
server may take many seconds to render a PDF on a busy machine, and the audit has no use for it.
Anything else that is not HTML (evidence downloads, JSON) is left out by its content type, once.
"""

from dataclasses import dataclass, field
from posixpath import splitext
from urllib.parse import urlsplit

from flask import url_for
from playwright.sync_api import Error as PlaywrightError

from tests.access import all_rules
from tests.browser.axe import install_axe
from tests.browser.conftest import MarkupWatch, sign_in

AUDIT_ROLES = ("anon", "viewer", "lead", "chair", "admin")
DESKTOP = {"width": 1280, "height": 900}
# 320 CSS pixels wide: a 1280 pixel screen at 400% zoom (WCAG 1.4.10 Reflow).
NARROW = {"width": 320, "height": 640}
# Answers that show the role nothing of the page itself.
REFUSED = {301, 302, 303, 307, 308, 401, 403, 405}
# How long a page may take to arrive on a loaded machine before the audit gives up on it.
NAVIGATION_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Target:
    """A page to audit: its endpoint, URL and the answer the access rules expect."""

    endpoint: str
    url: str
    expected: int | str

    def __str__(self):
        return f"{self.url} ({self.endpoint})"


def targets_for(app, world, role):
    """Every GET route the role is served, with URL arguments from the access rules."""
    rules = all_rules()
    endpoints = sorted({rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods})
    targets = []
    with app.test_request_context():
        for endpoint in endpoints:
            rule = rules.get(endpoint)
            assert rule is not None, f"add access rules in tests/access/ for {endpoint}"
            if "headers" in rule:
                continue  # the JSON API answers bearer tokens, not browsers; its own tests cover it
            expect = rule["expect"]
            # A route ruled by its POST may still show a page on GET: audit whatever it serves.
            expected = expect.get(role, expect.get("lead")) if rule["method"] == "GET" else "ok"
            if expected in REFUSED:
                continue
            url = url_for(endpoint, **rule["args"](world))
            if names_a_file(url):
                continue
            targets.append(Target(endpoint, url, expected))
    return targets


def names_a_file(url):
    """Whether the address ends in a file name with an extension (report.pdf, app.js, feed.ics)."""
    return bool(splitext(urlsplit(url).path)[1])


@dataclass
class AuditSite:
    """One browser, one signed-in context per role, and the pages each role is served."""

    browser: object
    base_url: str
    emails: dict
    password: str
    targets: dict
    forms_sent_empty: set = field(default_factory=set)  # (endpoint, field names) already audited
    focus_walked: set = field(default_factory=set)  # endpoints already walked with the Tab key
    not_pages: set = field(default_factory=set)  # endpoints found to answer with a file or JSON
    _pages: dict = field(default_factory=dict)
    _watches: list = field(default_factory=list)  # every page each context loads, read for markup shown as text

    def page_as(self, role, viewport=DESKTOP):
        """A tab signed in as the role (or signed out for anon), made once per screen size and reused."""
        key = (role, viewport["width"], viewport["height"])
        if key not in self._pages:
            context = self.browser.new_context(base_url=self.base_url, viewport=viewport)
            self._watches.append(MarkupWatch(context))
            install_axe(context)
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
            if role != "anon":
                sign_in(page, _Person(self.emails[role]), password=self.password)
                page.wait_for_load_state()
                assert "/sign-in" not in page.url, f"{role} could not sign in: {page.url}"
            self._pages[key] = page
        return self._pages[key]

    def html_pages(self, role, problems, viewport=DESKTOP, skip=()):
        """Open each HTML page the role is served in turn (but those of endpoints in skip); log surprises."""
        page = self.page_as(role, viewport)
        for target in self.targets[role]:
            if target.endpoint in skip or target.endpoint in self.not_pages:
                continue
            if self.open(page, target, problems):
                yield target

    def open(self, page, target, problems):
        """Go to the target; return whether it answered as expected with an HTML page."""
        try:
            response = page.goto(target.url)
        except PlaywrightError as error:
            if "Download is starting" in error.message or "ERR_ABORTED" in error.message:
                self.not_pages.add(target.endpoint)
                return False  # a file to save, not a page
            raise
        redirected = response.request.redirected_from is not None
        status = 302 if redirected else response.status
        if target.expected == "ok":
            if status >= 500:
                problems.append(f"{target} answered {status}")
            if status in REFUSED:
                return False
        elif status != target.expected:
            where = f", and went to {page.url}" if redirected else ""
            problems.append(f"{target} answered {status}{where}; the access rules expect {target.expected}")
            return False
        if not response.headers.get("content-type", "").startswith("text/html"):
            self.not_pages.add(target.endpoint)
            return False
        return True

    def close(self):
        for page in self._pages.values():
            page.context.close()
        self._pages.clear()
        for watch in self._watches:
            watch.assert_clean()


@dataclass(frozen=True)
class _Person:
    email: str
