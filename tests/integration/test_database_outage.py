"""While the database refuses or stalls, /healthz answers 503 quickly and pages answer with the plain error page.

PostgreSQL only (the proxy sits on its TCP port): collected when PostgreSQL is configured, and
always in CI, where a missing one fails the run instead of passing it by.
"""

import os
import time
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.db_proxy import DatabaseProxy
from tests.factories import PASSWORD, Factory
from tests.visible import texts, visible_text
from tracker import create_app
from tracker.extensions import db


def _postgres_base():
    base = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    return base if base.startswith("postgres") else None


def _postgres_url():
    base = _postgres_base()
    if base is None:
        pytest.fail("TEST_POSTGRES_URL or TEST_DATABASE_URL must name PostgreSQL in CI")
    return make_url(base.replace("postgresql://", "postgresql+psycopg://", 1) if "+" not in base else base)


@pytest.fixture(scope="module")
def outage():
    """An app whose database is a fresh PostgreSQL database reached through a proxy the test cuts."""
    from flask_migrate import upgrade

    url = _postgres_url()
    name = f"tracker_outage_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    proxy = DatabaseProxy(url.host or "127.0.0.1", url.port or 5432).start()
    through = url.set(database=name, host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": through,
            "WTF_CSRF_ENABLED": False,
            # Answer errors as production does, with the error page, not by raising into the test.
            "PROPAGATE_EXCEPTIONS": False,
            "DATABASE_CONNECT_TIMEOUT_SECONDS": 2,
            "DATABASE_STATEMENT_TIMEOUT_SECONDS": 1,
        },
    )
    with app.app_context():
        upgrade()
        Factory(db).user("lead", name="Lee Lead", email="lee.lead@force.example.org")
        db.session.remove()
    try:
        yield app, proxy
    finally:
        proxy.stop()
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def signed_in(outage):
    """A client signed in while the database answered; the proxy is mended afterwards."""
    app, proxy = outage
    proxy.restore()
    client = app.test_client()
    with app.app_context():
        response = client.post("/sign-in", data={"email": "lee.lead@force.example.org", "password": PASSWORD})
    assert response.status_code == 302
    yield client
    proxy.restore()


def _timed_get(app, client, path):
    started = time.monotonic()
    with app.app_context():
        response = client.get(path)
    return response, time.monotonic() - started


@pytest.mark.parametrize("cut", ["refuse", "stall"])
def test_healthz_answers_503_within_two_seconds_whatever_the_database_does(outage, signed_in, cut):
    app, proxy = outage
    assert _timed_get(app, signed_in, "/healthz")[0].get_json() == {"status": "ok", "database": "ok"}

    getattr(proxy, cut)()
    for _ in range(2):
        response, seconds = _timed_get(app, signed_in, "/healthz")
        assert (response.status_code, response.get_json()) == (503, {"status": "error", "database": "unreachable"})
        assert seconds < 2

    proxy.restore()
    deadline = time.monotonic() + 10
    while _timed_get(app, signed_in, "/healthz")[0].status_code != 200:
        assert time.monotonic() < deadline, "healthz did not recover"
        time.sleep(0.2)


def _assert_plain_error_page(response):
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert visible_text(page, "h1") == "Sorry, there is a problem with the service"
    reference = response.headers["X-Request-Id"]
    [first, second] = texts(page, "main p.govuk-body")
    assert first == "Try again later. Nothing you saved before this page has been lost."
    assert second.startswith("If the problem continues, tell your administrator it happened on ")
    assert second.endswith(f", reference {reference}.")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_page_asked_for_while_the_database_refuses_gets_the_plain_error_page(outage, signed_in):
    app, proxy = outage
    proxy.refuse()

    response, seconds = _timed_get(app, signed_in, "/")

    _assert_plain_error_page(response)
    assert seconds < 5


def test_a_new_connection_to_a_stalled_database_gives_up_after_the_connect_timeout(outage, signed_in):
    app, proxy = outage
    with app.app_context():
        db.engine.dispose()
    proxy.stall()

    response, seconds = _timed_get(app, signed_in, "/")

    _assert_plain_error_page(response)
    assert 1.5 < seconds < 5


def test_a_statement_running_longer_than_the_statement_timeout_is_cancelled(outage):
    app, proxy = outage
    proxy.restore()
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"):
            db.session.execute(text("SELECT pg_sleep(5)"))
        db.session.rollback()
        assert time.monotonic() - started < 3
        db.session.remove()
