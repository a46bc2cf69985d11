"""The accessibility statement follows the GOV.UK model and says how the service is tested."""

import re

MODEL_HEADINGS = [
    "Accessibility statement for the Victims Code Action Tracker",
    "How accessible this service is",
    "Feedback and contact information",
    "Reporting accessibility problems with this service",
    "Enforcement procedure",
    "Technical information about this service's accessibility",
    "Compliance status",
    "Non-accessible content",
    "Non-compliance with the accessibility regulations",
    "Disproportionate burden",
    "Content that's not within the scope of the accessibility regulations",
    "What we're doing to improve accessibility",
    "Preparation of this accessibility statement",
]


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def test_statement_has_the_model_sections_in_order_for_anyone(client):
    response = client.get("/accessibility")
    assert response.status_code == 200
    headings = [_text(h).strip() for h in re.findall(r"<h[123][^>]*>(.*?)</h[123]>", response.text, re.S)]
    assert [h for h in headings if h in MODEL_HEADINGS] == MODEL_HEADINGS


def test_statement_names_the_standard_and_how_it_was_tested(client):
    text = _text(client.get("/accessibility").text)
    assert "fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" in text
    assert "axe-core" in text and "WCAG 2.0, 2.1 and 2.2 level A and AA" in text
    assert "320 CSS pixels wide" in text
    assert "has not yet had a manual audit" in text
    assert "Equality Advisory and Support Service" in text


def test_statement_gives_the_configured_contact_address(client, app, monkeypatch):
    assert "mailto:" not in client.get("/accessibility").text
    monkeypatch.setitem(app.config, "ACCESSIBILITY_CONTACT_EMAIL", "access@opcc.example.org")
    html = client.get("/accessibility").text
    assert 'href="mailto:access@opcc.example.org"' in html
    assert "ask an administrator of the tracker" in _text(html)
