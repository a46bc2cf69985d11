"""Database waits are settings: SQLite's busy timeout, PostgreSQL's connect and statement timeouts."""

from sqlalchemy import text

from tracker import create_app, database_engine_options
from tracker.extensions import db


def test_the_sqlite_busy_timeout_is_the_setting(tmp_path):
    app = create_app(
        "test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'busy.sqlite'}", "SQLITE_BUSY_TIMEOUT_SECONDS": 3}
    )
    with app.app_context():
        assert db.session.scalar(text("PRAGMA busy_timeout")) == 3000
        db.session.remove()


def test_postgresql_gets_connect_and_statement_timeouts_from_the_settings():
    config = {
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "DATABASE_CONNECT_TIMEOUT_SECONDS": 4,
        "DATABASE_STATEMENT_TIMEOUT_SECONDS": 20,
        "SQLITE_BUSY_TIMEOUT_SECONDS": 10,
    }

    options = database_engine_options(config, "postgresql+psycopg://db.example.org/tracker")

    assert options == {
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": 4, "options": "-c statement_timeout=20000"},
    }


def test_healthz_answers_without_touching_a_signed_in_session(client, auth):
    auth.sign_in("lead")
    with client.session_transaction() as session:
        before = dict(session)

    response = client.get("/healthz")

    assert (response.status_code, response.get_json()) == (200, {"status": "ok", "database": "ok"})
    assert response.headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        assert dict(session) == before
