"""Fixtures: the app on a real database, a clean database per test, a client and a sign-in helper.

SQLite by default; PostgreSQL when TEST_DATABASE_URL is set (CI sets it). Under pytest-xdist each
worker has a database of its own (tests/databases.py).
"""

import os
import re

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from tests import factories
from tests.databases import empty_tables, put_rows, read_rows, scratch_directory, session_database, speed_up_sqlite
from tracker import create_app
from tracker.extensions import db as _db
from tracker.reference.seed import load_reference_data

REFERENCE_EDITION = "2020"

# Tests that cut PostgreSQL's TCP port are collected when PostgreSQL is configured, and always in
# CI, where a missing one fails the run instead of passing it by.
_POSTGRES = any(os.environ.get(name, "").startswith("postgres") for name in ("TEST_POSTGRES_URL", "TEST_DATABASE_URL"))
collect_ignore = [] if _POSTGRES or os.environ.get("CI") else ["integration/test_database_outage.py"]


class TrackerClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Without this, requests would share the test's app context (and so `g` and the cached
    signed-in user); afterwards the test's own session is expired so it reads fresh rows.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            # As a server does: send the whole body, then close, which runs work left for after the answer.
            response.get_data()
            response.close()
        _db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app():
    """One app per test session, its schema built by the real migrations."""
    with scratch_directory() as tmp_dir, session_database(tmp_dir) as database_url:
        app = create_app(
            "test",
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "WTF_CSRF_ENABLED": False,
                "TRACKER_TMP": tmp_dir,
            },
        )
        app.instance_path = tmp_dir
        app.test_client_class = TrackerClient
        with app.app_context():
            speed_up_sqlite(_db.engine)
            _reset_schema()
            upgrade()
        yield app
        with app.app_context():
            _db.engine.dispose()


def _reset_schema():
    """Start the session from an empty database."""
    if _db.engine.dialect.name == "postgresql":
        with _db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


_reference_rows = {}


def clean_database():
    """Empty every table and load the reference data again.

    The reference data is loaded through the app's own loader once a database, and put back from
    the rows it wrote before each later test.
    """
    _db.session.remove()
    url = _db.engine.url.render_as_string()
    kept = _reference_rows.get(url)
    if kept is not None:
        with _db.engine.begin() as connection:
            put_rows(connection, kept)
        return
    with _db.engine.begin() as connection:
        empty_tables(connection, [t.name for t in reversed(_db.metadata.sorted_tables)])
    load_reference_data(REFERENCE_EDITION)
    _db.session.commit()
    with _db.engine.connect() as connection:
        _reference_rows[url] = read_rows(connection, _db.metadata.sorted_tables)


@pytest.fixture()
def db(app):
    """A clean database with reference data, inside an app context."""
    with app.app_context():
        clean_database()
        yield _db
        _db.session.remove()


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture()
def make(db):
    """Factories for users, departments and actions (tests/factories.py)."""
    return factories.Factory(db)


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client, make):
        self._client = client
        self._make = make

    def sign_in(self, user_or_role="chair", password=factories.PASSWORD, **kwargs):
        """Sign in as the given user, or as a new user of the given role; return the user."""
        user = user_or_role
        if isinstance(user_or_role, str):
            user = self._make.user(role=user_or_role, **kwargs)
        response = self._client.post("/sign-in", data={"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return user

    def sign_out(self):
        return self._client.post("/sign-out")


@pytest.fixture()
def auth(client, make):
    return AuthActions(client, make)


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html):
    """The CSRF token in a rendered form."""
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token in page"
    return match.group(1) or match.group(2)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failed test: nothing may be skipped there."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is not allowed: {report.longrepr}"


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the app's database (the `app` fixture), not the page audits; for a second database's pass",
    )


def _for_the_second_database(item):
    """Tests that use the app's database, but not the page audits, which read markup the same on either."""
    return "app" in getattr(item, "fixturenames", ()) and item.get_closest_marker("page_audit") is None


def pytest_collection_modifyitems(config, items):
    """With --database-tests-only, leave out the tests that never touch the app's database, and the page audits."""
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if _for_the_second_database(item)]
    left_out = [item for item in items if not _for_the_second_database(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
