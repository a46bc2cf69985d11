"""In Chromium, every page runs under the strict policy without a single violation, and no page can be framed."""

import pytest
from flask import url_for

from tests.access import all_rules, build_world, url_map
from tests.browser.conftest import sign_in

# Pages read the same on either database: these walks run once, in the first pass (see tests/conftest.py).
pytestmark = pytest.mark.page_audit

RULES = all_rules()
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


def _admin_pages(app, world):
    with app.test_request_context():
        return [
            url_for(endpoint, **RULES[endpoint]["args"](world))
            for endpoint, (methods, _) in sorted(url_map().items())
            if "GET" in methods and endpoint not in ("static", "main.healthz", "auth.sign_in")
        ]


def test_every_page_runs_its_scripts_and_breaks_no_rule_of_the_policy(app, page, make):
    world = build_world(make)
    page.add_init_script(RECORD_VIOLATIONS)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    sign_in(page, world.admin)
    for path in ["/sign-in", *_admin_pages(app, world)]:
        # Downloads (CSV, PDF, calendars) are not pages: look before navigating.
        if "text/html" not in page.request.get(path).headers.get("content-type", ""):
            continue
        page.goto(path)
        # On pages using the layout, GOV.UK Frontend's inline script marks the body: it runs only if
        # the nonce is honoured.
        assert page.evaluate(
            "!document.body.classList.contains('govuk-template__body')"
            " || document.body.classList.contains('govuk-frontend-supported')"
        ), path
        assert page.evaluate("window.__violations") == [], path
    assert not [text for text in messages if "Content Security Policy" in text]


def test_no_other_site_can_frame_a_page(page, live_server):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.set_content(f'<iframe id="framed" src="{live_server}/sign-in"></iframe>')
    page.wait_for_timeout(500)
    framed = page.frame_locator("#framed")
    assert "Sign in" not in " ".join(framed.locator("h1").all_inner_texts())
    assert any("frame-ancestors" in text for text in messages), messages
