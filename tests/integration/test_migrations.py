"""The migrations build the schema on SQLite and PostgreSQL, match the models, and go back down."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.extensions import db
from tracker.models import include_in_autogenerate


def _postgres_base():
    base = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    return base if base.startswith("postgres") else None


# PostgreSQL is tested whenever one is configured (`make test` passes TEST_DATABASE_URL on as
# TEST_POSTGRES_URL), and always in CI, where a missing one fails the run instead of passing it by.
KINDS = ["sqlite", "postgresql"] if _postgres_base() or os.environ.get("CI") else ["sqlite"]


@pytest.fixture(params=KINDS)
def empty_database(request, tmp_path):
    """A brand-new empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    base = _postgres_base()
    if base is None:
        pytest.fail("TEST_POSTGRES_URL or TEST_DATABASE_URL must name PostgreSQL in CI")
    url = make_url(
        base.replace("postgresql://", "postgresql+psycopg://", 1) if base.startswith("postgresql://") else base
    )
    name = f"tracker_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_matches_models_and_downgrade_empties(empty_database):
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_in_autogenerate}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations disagree: {differences}"
        assert "action" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()
        db.engine.dispose()
