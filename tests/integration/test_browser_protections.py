"""Headers that keep pages safe in the browser, on every kind of response, and no open redirects."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from flask import jsonify, request
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import TrackerClient
from tests.factories import PASSWORD
from tracker import create_app
from tracker.auth.routes import safe_next

NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{16,})'")


def policy_of(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = [part.strip().split() for part in response.headers["Content-Security-Policy"].split(";")]
    return {parts[0]: parts[1:] for parts in directives if parts}


def assert_protected(response):
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and NONCE.fullmatch(policy["script-src"][1])
    assert not any("unsafe" in source for sources in policy.values() for source in sources)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_json_files_and_errors_all_carry_the_headers(client, auth):
    responses = [client.get("/sign-in"), client.get("/healthz"), client.get("/static/app.js"), client.get("/nowhere")]
    auth.sign_in("viewer")
    responses += [client.get("/"), client.get("/admin/users"), client.put("/admin/users")]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 200, 403, 405]
    for response in responses:
        assert_protected(response)


def test_each_page_gets_its_own_nonce_and_its_inline_script_carries_it(client):
    first, second = client.get("/sign-in"), client.get("/sign-in")
    nonces = [NONCE.search(r.headers["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    page = first.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline, "the layout has an inline script, which must carry the nonce"
    assert all(f'nonce="{nonces[0]}"' in attributes for attributes in inline)


def test_signed_in_pages_are_not_kept_in_caches(client, auth):
    auth.sign_in("viewer")
    assert client.get("/").headers["Cache-Control"] == "no-store"


@pytest.fixture()
def production(app):
    production = create_app(
        "production",
        {
            "SECRET_KEY": "a-production-secret-key-of-forty-characters!",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        },
    )
    production.test_client_class = TrackerClient
    return production


def test_production_answers_with_hsts_and_local_development_does_not(client, production, db):
    secure = production.test_client().get("/sign-in", base_url="https://tracker.example.org")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert_protected(secure)
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


def test_behind_one_proxy_the_app_sees_the_persons_scheme_host_and_address(production, db):
    """The trusted proxy is believed for exactly one hop: what the proxy adds is believed, what the client forged is not."""
    production.add_url_rule(
        "/as-seen", "as_seen", lambda: jsonify(scheme=request.scheme, host=request.host, address=request.remote_addr)
    )
    response = production.test_client().get(
        "/as-seen",
        base_url="http://127.0.0.1:8000",
        headers={
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "tracker.force.example",
            "X-Forwarded-For": "6.6.6.6, 203.0.113.9",
        },
    )
    assert response.json == {"scheme": "https", "host": "tracker.force.example", "address": "203.0.113.9"}


HOSTILE_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,hello",
    "evil.example",
    "/%09/evil.example",
    "http://127.0.0.1.evil.example/",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_sign_in_never_sends_people_to_another_site(client, make, target):
    user = make.user("lead")
    response = client.post("/sign-in", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert urlsplit(response.location).netloc in ("", "localhost")
    assert browser_destination(response.location).startswith("https://tracker.example/")


def test_sign_in_returns_people_to_the_page_they_asked_for(client, make):
    user = make.user("lead")
    response = client.post(
        "/sign-in", query_string={"next": "/account?tab=password"}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.location == "/account?tab=password"


def browser_destination(location):
    """Where a browser on https://tracker.example/ goes for a Location, following the URL standard's
    leniencies: surrounding spaces and control characters dropped, tabs and newlines removed,
    backslashes read as slashes."""
    cleaned = location.strip("".join(chr(code) for code in range(0x21)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    return urljoin("https://tracker.example/sign-in", cleaned)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(list("/\\:.@?#%\t\n ") + ["evil", "example", "http", "https", "a"])).map("".join))
def test_whatever_next_says_the_browser_stays_on_the_tracker(target):
    allowed = safe_next(target)
    if allowed is not None:
        assert urlsplit(browser_destination(allowed)).netloc == "tracker.example", repr(target)
