"""Sessions: a fresh one at sign-in, idle and absolute limits, ended on the server, cookies locked down."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from tests.conftest import TrackerClient
from tests.factories import PASSWORD
from tracker import create_app

STRONG_KEY = "a-production-secret-key-of-forty-characters!"


def test_sign_in_starts_a_new_session_whatever_the_browser_brought(client, make):
    """Session fixation: values planted in the cookie before sign-in do not survive it."""
    user = make.user("lead")
    with client.session_transaction() as session:
        session["sid"] = "chosen-by-an-attacker"
        session["planted"] = "anything"
    planted_cookie = client.get_cookie("session").value
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert session["sid"] != "chosen-by-an-attacker" and len(session["sid"]) >= 20
        assert "planted" not in session
    assert client.get_cookie("session").value != planted_cookie


def test_an_idle_session_ends(app, client, make):
    user = make.user("viewer")
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        session["last_seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    response = client.get("/account")
    assert response.status_code == 302 and response.location.startswith("/sign-in?next=/account")
    page = client.get(response.location).get_data(as_text=True)
    assert "You were signed out because your session expired" in page


def test_activity_keeps_a_session_alive_but_not_past_its_absolute_lifetime(app, client, make):
    user = make.user("viewer")
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session["last_seen"] -= idle - 60
        stale = session["last_seen"]
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert session["last_seen"] > stale + idle - 120
        session["signed_in_at"] -= app.config["SESSION_ABSOLUTE_HOURS"] * 3600 + 5
    response = client.get("/")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_changing_the_password_signs_out_every_other_device(client, make):
    user = make.user("lead")
    laptop = client.application.test_client()
    laptop.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    new_password = "lantern orchard quietly"
    response = client.post(
        "/account",
        data={
            "pw-current_password": PASSWORD,
            "pw-new_password": new_password,
            "pw-confirm_password": new_password,
            "pw-submit": "Change password",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert laptop.get("/").status_code == 302


def _set_cookie_headers(response):
    return response.headers.getlist("Set-Cookie")


def _production_app(app, **overrides):
    production = create_app(
        "production",
        {
            "SECRET_KEY": STRONG_KEY,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            **overrides,
        },
    )
    production.test_client_class = TrackerClient
    return production


def test_production_session_cookie_is_secure_host_only_http_only_and_lax(app, make):
    user = make.user("chair")
    client = _production_app(app).test_client()
    response = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD}, base_url="https://tracker.example.org"
    )
    assert response.status_code == 302
    (cookie,) = _set_cookie_headers(response)
    attributes = [part.strip() for part in cookie.split(";")]
    assert attributes[0].startswith("__Host-session=")
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(attributes)
    assert not any(part.startswith("Domain=") for part in attributes)
    expires = parsedate_to_datetime(next(p for p in attributes if p.startswith("Expires=")).split("=", 1)[1])
    assert timedelta(hours=11, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=12)
    assert "remember_token" not in " ".join(_set_cookie_headers(response))


def test_local_development_cookie_is_http_only_and_lax_but_not_secure(client, make):
    """Only on http://127.0.0.1 (the embedded default) may the cookie travel without TLS."""
    user = make.user("chair")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    (cookie,) = _set_cookie_headers(response)
    attributes = {part.strip() for part in cookie.split(";")}
    assert {"HttpOnly", "Path=/", "SameSite=Lax"} <= attributes and "Secure" not in attributes


@pytest.mark.parametrize("weak_key", ["change-me", "too-short-for-production"])
def test_production_refuses_to_start_with_a_weak_secret_key(app, weak_key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        _production_app(app, SECRET_KEY=weak_key)
