"""Every form of the app, found from the URL map and its own page, survives any input: arbitrary and
huge text, control characters, NUL, numbers where words belong, lists where one value belongs, a file
where text belongs, and missing or unknown fields. Never a server error; when the answer is an error,
nothing was written and what the person typed is still on the page.

Each form gets the same five pointed submissions (nothing, NUL everywhere, too long everywhere, lists
everywhere, files everywhere) and then FUZZ_EXAMPLES random ones (default 10: the suite runs twice in CI).
"""

import io
import os
import secrets
from html import escape

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access import STATE_CHANGING, acting_user, all_rules, kept_world, url_map
from tests.database_state import changed_tables, table_rows
from tests.html_forms import post_forms_for
from tracker.common.types import utcnow

RULES = all_rules()
ROUTES = url_map()
FORM_ENDPOINTS = sorted(
    endpoint
    for endpoint, (methods, _) in ROUTES.items()
    if methods & STATE_CHANGING and not RULES[endpoint].get("csrf_exempt")
)
PUBLIC_FORM_ENDPOINTS = [endpoint for endpoint in FORM_ENDPOINTS if RULES[endpoint]["expect"]["anon"] != 302]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Signing in, failing to and being throttled are recorded even when the answer is an error.
BOOKKEEPING = {"sign_in_attempt", "audit_event"}
SHOWN_AGAIN = {"text", "email", "textarea", "search", "tel", "url", "number"}

MISSING = object()
A_FILE = object()
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "Ward\x00 7",
        "\x1b[31mred",
        "\u202eelbat",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%s%n%x",
        "../../etc/passwd",
        "-1",
        "0",
        "99999999999999999999",
        "1e309",
        "NaN",
        "2026-02-30",
        "true",
        "null",
        "[]",
        "🚓" * 3,
    ]
)
HUGE = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["x", "é", "\x00", "🚓", " "]),
    st.sampled_from([121, 255, 5_000, 60_000]),
)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x1F) | st.just("\x7f"), min_size=1, max_size=20)
WORDS = st.text(alphabet=st.characters(categories=["L", "Nd"]) | st.just(" "), min_size=1, max_size=60)


def field_values(field):
    """What a field may be sent: its own value or options, or anything hostile."""
    own = st.sampled_from(field.options) if field.options else st.just(field.value)
    return st.one_of(
        st.just(MISSING),
        own,
        WORDS,
        st.text(max_size=200),
        NASTY,
        HUGE,
        CONTROL,
        st.integers().map(str),
        st.lists(st.text(max_size=20), min_size=2, max_size=3),
        st.just(A_FILE),
    )


def pointed_submissions(fields):
    """Submissions that have broken forms before, sent to every form every time."""
    names = list(fields)
    return [
        {},
        {name: f"Ward\x00 7 \x1b{name}" for name in names},
        {name: "9" * 300 for name in names},
        {name: ["first", "second"] for name in names},
        {name: (io.BytesIO(b"%PDF-1.7"), "../evidence.pdf") for name in names},
    ]


@st.composite
def submissions(draw, fields):
    """Form data for one submission, with the odd unknown field thrown in."""
    data = {}
    for name, field in fields.items():
        value = draw(field_values(field))
        if value is A_FILE:
            value = (io.BytesIO(b"%PDF-1.7 not really"), "evidence.pdf")
        if value is not MISSING:
            data[name] = value
    data.update(draw(st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=30), max_size=2)))
    return data


@pytest.fixture()
def world(make):
    return kept_world(make, __name__)


def discover(app, world, endpoint, user):
    """The route's URL, the fields of the forms its own page shows the user, and whether it shows one.

    A confirmation page (publish, sign out) shows a form whose only field is its CSRF token.
    """
    rule = RULES[endpoint]
    with app.test_request_context():
        url = url_for(endpoint, **{**rule["args"](world), **rule.get("form_args", lambda d: {})(world)})
    fields = {}
    shown = False
    if "GET" in ROUTES[endpoint][0]:
        # A page that sends the signed-in elsewhere (sign-in) shows its form to strangers.
        for visitor in (user, None):
            client = app.test_client()
            if visitor is not None:
                use_session_of(client, visitor)
            for form in post_forms_for(client.get(url).get_data(as_text=True), url.split("?")[0]):
                shown = True
                fields.update(form.fields)
            if shown:
                break
    elif "fuzz_data" in RULES[endpoint]:
        from tests.html_forms import FormField

        fields = {
            name: FormField(name, "text", str(value)) for name, value in RULES[endpoint]["fuzz_data"](world).items()
        }
    fields.pop("csrf_token", None)
    return url, fields, shown


def use_session_of(client, user):
    """Give the client a signed-in session directly: quicker than the form, and it writes nothing."""
    from tracker.extensions import db

    db.session.refresh(user)
    now = utcnow().timestamp()
    with client.session_transaction() as session:
        session.clear()
        session.update(
            {"_user_id": user.get_id(), "_fresh": True, "sid": secrets.token_urlsafe(16)},
            signed_in_at=now,
            last_seen=now,
        )


def typed_text_still_shown(page, fields, data):
    """The short, plain values typed into visible text fields that the re-shown form lost.

    A value shown again without the spaces around it is kept: date and number boxes trim them.
    """
    lost = []
    for name, value in data.items():
        field = fields.get(name)
        if field is None or field.kind not in SHOWN_AGAIN or not isinstance(value, str):
            continue
        if (
            value.strip()
            and len(value) <= 100
            and value.replace(" ", "").isalnum()
            and escape(value.strip()) not in page
        ):
            lost.append(name)
    return lost


def check_answer(response, before, ignore, fields, data, who):
    """No server error; an error answer wrote nothing and kept what was typed."""
    shown = repr({k: (v[:40] + "...") if isinstance(v, str) and len(v) > 40 else v for k, v in data.items()})
    assert response.status_code < 500, f"{who}: {response.status_code} for {shown}"
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    has_errors = "govuk-error-summary" in page
    if response.status_code >= 400 or has_errors:
        after = table_rows(ignore=ignore)
        assert after == before, f"{who}: error {response.status_code} yet {changed_tables(before, after)} changed"
    if has_errors:
        assert not typed_text_still_shown(page, fields, data), f"{who}: the form lost what was typed in {shown}"


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # CI replays the same examples on every run, so a red build always reproduces; locally each run explores anew.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("endpoint", FORM_ENDPOINTS)
def test_every_form_survives_anything_its_users_send(app, db, world, endpoint):
    """Signed in as the admin, or as whoever the route is for when it is not for admins (an owner)."""
    user = acting_user(RULES[endpoint], world)
    url, fields, shown = discover(app, world, endpoint, user)
    assert shown or "GET" not in ROUTES[endpoint][0], f"{url} shows no form to fill in"
    method = sorted(ROUTES[endpoint][0] & STATE_CHANGING)[-1]
    client = app.test_client()

    def submit(data):
        use_session_of(client, user)
        before = table_rows()
        response = client.open(url, method=method, data=data)
        check_answer(response, before, (), fields, data, f"{user.role} {method} {url}")

    for data in pointed_submissions(fields):
        submit(data)
    for body in json_bodies(fields):
        use_session_of(client, user)
        before = table_rows()
        response = client.open(url, method=method, json=body)
        check_answer(response, before, (), fields, {}, f"{user.role} {method} {url} with JSON {body!r}")
    FUZZ_SETTINGS(given(submissions(fields))(submit))()


def json_bodies(fields):
    """JSON where a form belongs: not an object at all, and an object of values of every wrong type."""
    wrong_types = [5, None, True, 1.5, ["a", 2], {"nested": "object"}]
    return [[1, 2], "text", {name: wrong_types[i % len(wrong_types)] for i, name in enumerate(fields)}]


@pytest.mark.parametrize("endpoint", PUBLIC_FORM_ENDPOINTS)
def test_every_public_form_survives_anything_a_stranger_sends(app, db, world, endpoint):
    url, fields, _ = discover(app, world, endpoint, None)
    client = app.test_client()

    def submit(data):
        client.delete_cookie("session")
        before = table_rows(ignore=BOOKKEEPING)
        response = client.post(url, data=data, environ_base={"REMOTE_ADDR": "198.51.100.23"})
        check_answer(response, before, BOOKKEEPING, fields, data, f"signed out POST {url}")

    for data in pointed_submissions(fields):
        submit(data)
    FUZZ_SETTINGS(given(submissions(fields))(submit))()


def test_text_beyond_what_any_box_may_hold_is_refused_without_a_trace(client, auth, db):
    """Half a megabyte pasted into one box: a plain 413 page, nothing saved, no server error."""
    auth.sign_in("admin")
    before = table_rows(ignore=BOOKKEEPING)
    response = client.post("/admin/departments", data={"name": "x" * 600_000})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "What you sent is too large" in page and "Nothing has been saved" in page
    assert table_rows(ignore=BOOKKEEPING) == before
