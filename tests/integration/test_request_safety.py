"""Over the whole URL map, so that a route added later is covered too: GET changes nothing, every
state-changing route needs a CSRF token, pages obey the Content Security Policy, and ids or path
segments no database could hold answer 404 rather than an error."""

import re

import pytest
from flask import url_for

from tests.access import ROLES, STATE_CHANGING, acting_user, all_rules, kept_world, url_map
from tests.conftest import TrackerClient, csrf_token_from
from tests.database_state import changed_tables, table_rows
from tests.factories import PASSWORD
from tests.html_forms import post_forms_for, read_page
from tracker import create_app

RULES = all_rules()
ROUTES = url_map()
GET_ENDPOINTS = sorted(endpoint for endpoint, (methods, _) in ROUTES.items() if "GET" in methods)
CHANGING_ENDPOINTS = sorted(endpoint for endpoint, (methods, _) in ROUTES.items() if methods & STATE_CHANGING)
ID_ENDPOINTS = sorted(
    endpoint for endpoint, (_, arguments) in ROUTES.items() if "DatabaseIdConverter" in arguments.values()
)
TEXT_ENDPOINTS = sorted(
    endpoint
    for endpoint, (_, arguments) in ROUTES.items()
    if {"UnicodeConverter", "PathConverter"} & set(arguments.values())
)
NONCE = re.compile(r"script-src [^;]*'nonce-([^']+)'")


@pytest.fixture()
def world(make):
    return kept_world(make, __name__)


def url_of(app, endpoint, world, **replace):
    """The URL of an endpoint with the arguments its access rules give, some replaced."""
    with app.test_request_context():
        return url_for(endpoint, **{**RULES[endpoint]["args"](world), **replace})


def signed_in_client(app, user):
    """A client of app, signed in as user (anonymous for None), through the real sign-in form."""
    client = app.test_client()
    if user is not None:
        data = {"email": user.email, "password": PASSWORD}
        if app.config.get("WTF_CSRF_ENABLED", True):
            data["csrf_token"] = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
        assert client.post("/sign-in", data=data).status_code == 302
    return client


def assert_page_obeys_csp(response, url):
    """Inline scripts carry this response's nonce; no inline styles, event handlers or javascript: links."""
    nonce = NONCE.search(response.headers["Content-Security-Policy"]).group(1)
    page = read_page(response.get_data(as_text=True))
    for attrs in page.scripts:
        assert "src" in attrs or attrs.get("nonce") == nonce, f"{url} has an inline script without the nonce"
    for tag, attrs in page.attributes:
        assert "style" not in attrs, f"{url} has an inline style on <{tag}>"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{url} has inline event handlers {handlers} on <{tag}>"
        assert not (attrs.get("href") or "").lower().startswith("javascript:"), f"{url} links to javascript:"


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_get_changes_nothing_and_pages_that_post_show_a_form(app, db, world, endpoint):
    """Every role's GET leaves the database as it was; a route that also takes POST shows its form."""
    url = url_of(app, endpoint, world, **RULES[endpoint].get("form_args", lambda d: {})(world))
    may_write = {"audit_event", *RULES[endpoint].get("writes_on_get", ())}
    shows_form = False
    for role in ROLES:
        client = signed_in_client(app, world.users.get(role))
        before, audit_before = table_rows(ignore=may_write), _audit_except_refusals(db)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {role} answered {response.status_code}"
        after = table_rows(ignore=may_write)
        assert after == before, f"GET {url} as {role} changed {changed_tables(before, after)}"
        assert _audit_except_refusals(db) == audit_before, f"GET {url} as {role} wrote to the audit log"
        if response.status_code == 200 and response.mimetype == "text/html":
            assert_page_obeys_csp(response, url)
            shows_form = shows_form or bool(post_forms_for(response.get_data(as_text=True), url.split("?")[0]))
    if ROUTES[endpoint][0] & STATE_CHANGING:
        assert shows_form, f"{url} takes POST and GET, but GET shows no form that posts to it"


def _audit_except_refusals(db):
    from sqlalchemy import select

    from tracker.audit.models import AuditEvent

    return db.session.scalars(select(AuditEvent.id).where(AuditEvent.verb != "access.denied")).all()


@pytest.fixture(scope="module")
def csrf_app(app):
    """The app as it runs outside tests: CSRF protection on."""
    secure = create_app(
        "test", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "WTF_CSRF_ENABLED": True}
    )
    secure.test_client_class = TrackerClient
    return secure


def _form_data(app, endpoint, world, url):
    """What a person would submit: the fields of the route's own page, or its access rule's data."""
    rule = RULES[endpoint]
    if "fuzz_data" in rule:
        return rule["fuzz_data"](world)
    if "GET" not in ROUTES[endpoint][0]:
        return rule.get("data", {})
    page = signed_in_client(app, acting_user(rule, world)).get(url).get_data(as_text=True)
    forms = post_forms_for(page, url.split("?")[0])
    return forms[0].filled() if forms else {}


@pytest.mark.parametrize("endpoint", CHANGING_ENDPOINTS)
def test_state_changing_routes_refuse_requests_without_a_csrf_token(app, csrf_app, db, world, endpoint):
    """Signed out or signed in as admin, a POST without the token or with a forged one changes nothing."""
    url = url_of(app, endpoint, world)
    data = {key: value for key, value in _form_data(app, endpoint, world, url).items() if key != "csrf_token"}
    reason = RULES[endpoint].get("csrf_exempt")
    for user in (None, world.admin):
        client = signed_in_client(csrf_app, user)
        before = table_rows(ignore={"audit_event"})
        for method in sorted(ROUTES[endpoint][0] & STATE_CHANGING):
            for token in ({}, {"csrf_token": "forged-token"}):
                response = client.open(url, method=method, data={**data, **token})
                if reason:
                    assert response.status_code in (400, 401, 403), f"{method} {url} worked on the session alone"
                else:
                    assert response.status_code == 400, f"{method} {url} without a token: {response.status_code}"
                    assert "Your form expired or was sent from another site" in response.get_data(as_text=True)
        assert table_rows(ignore={"audit_event"}) == before


def test_the_same_post_with_its_token_goes_through(app, csrf_app, db, make):
    """The refusals above are the token's doing: the same department form with its token is saved."""
    client = signed_in_client(csrf_app, make.user("admin"))
    token = csrf_token_from(client.get("/admin/departments").get_data(as_text=True))
    assert client.post("/admin/departments", data={"name": "Witness Care"}).status_code == 400
    response = client.post("/admin/departments", data={"name": "Witness Care", "csrf_token": token})
    assert response.status_code == 302
    assert "Witness Care" in client.get("/admin/departments").get_data(as_text=True)


@pytest.mark.parametrize("endpoint", ID_ENDPOINTS)
def test_ids_beyond_any_database_integer_are_not_found(app, db, world, endpoint):
    """/admin/users/99999999999999999999 is a missing page, not a database error, for every method."""
    arguments = [name for name, kind in ROUTES[endpoint][1].items() if kind == "DatabaseIdConverter"]
    client = signed_in_client(app, world.admin)
    for huge in (2**31, 2**63, 10**30):
        url = url_of(app, endpoint, world, **{name: huge for name in arguments})
        for method in sorted(ROUTES[endpoint][0]):
            assert client.open(url, method=method).status_code == 404, f"{method} {url}"


@pytest.mark.parametrize("endpoint", TEXT_ENDPOINTS)
def test_path_segments_with_control_characters_are_not_found(app, db, world, endpoint):
    """A NUL byte in a path segment never reaches a query (PostgreSQL would refuse it)."""
    arguments = [name for name, kind in ROUTES[endpoint][1].items() if kind in ("UnicodeConverter", "PathConverter")]
    client = signed_in_client(app, world.admin)
    url = url_of(app, endpoint, world, **{name: "a\x00b" for name in arguments})
    for method in sorted(ROUTES[endpoint][0]):
        assert client.open(url, method=method).status_code == 404, f"{method} {url}"
