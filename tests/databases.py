"""The test database: where it lives, one per pytest-xdist worker, and how it is emptied quickly.

SQLite lives on tmpfs (/dev/shm) when there is one, with `synchronous=OFF`: a test database
needs no protection against power loss, and fsyncing every commit was most of its cost. These
settings are for the tests only; the app's own pragmas (foreign keys, WAL, busy timeout) stay.

PostgreSQL: each xdist worker gets its own database beside the one TEST_DATABASE_URL names
(`<name>_gw0`, `<name>_gw1`...), created at the start of the session and dropped at its end.
"""

import os
import secrets
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

TMPFS = "/dev/shm"
# The number kept pages are looked up by (tracker/common/revision.py). Each test starts from a new
# random one, as the app does after the tables are emptied, never from a number an earlier test's
# pages were kept under in the same process.
REVISION_TABLE = "data_revision"


def xdist_worker():
    """This process's pytest-xdist worker name ("gw0"...), or "" when tests run in one process."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def scratch_directory():
    """A temporary directory for the session's files, on tmpfs where the machine has one."""
    base = TMPFS if os.path.isdir(TMPFS) and os.access(TMPFS, os.W_OK) else None
    return tempfile.TemporaryDirectory(prefix="tracker-test-", dir=base)


def _psycopg(url):
    url = make_url(url)
    return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url


@contextmanager
def session_database(tmp_dir):
    """Yield the database URL for this session (and worker), creating and dropping a worker's own."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if not configured:
        yield f"sqlite:///{os.path.join(tmp_dir, 'test.sqlite')}"
        return
    worker = xdist_worker()
    if not worker:
        yield configured
        return
    url = _psycopg(configured)
    name = f"{url.database}_{worker}"
    # The configured database is the one this session may connect to; the worker's is made from it.
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def speed_up_sqlite(engine):
    """Commit without fsync on the test's SQLite database (tests only; see the module's docstring)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_fsync(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()

    engine.dispose()


def empty_tables(connection, tables):
    """Delete every row of the given tables (children first) and restart their id sequences.

    On PostgreSQL, DELETE on the few rows a test leaves takes about 15 ms where TRUNCATE of the
    same 28 tables takes about 300 ms (TRUNCATE replaces each table's files). SQLite reuses ids
    from the highest one left, so an empty table starts again at 1 by itself.
    """
    if connection.dialect.name == "postgresql":
        # One round trip for all the tables: psycopg sends statements without parameters as one batch.
        connection.exec_driver_sql("; ".join(f'DELETE FROM "{table}"' for table in tables))
        connection.execute(
            text(
                "SELECT setval(c.oid, 1, false) FROM pg_class c"
                " WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"
            )
        )
        return
    connection.execute(text("PRAGMA foreign_keys=OFF"))
    for table in tables:
        connection.execute(text(f'DELETE FROM "{table}"'))
    connection.execute(text("PRAGMA foreign_keys=ON"))


@dataclass(frozen=True)
class TableRows:
    """Every row of a database's tables, and where each id sequence stood, as read by read_rows."""

    rows: tuple  # ((table, [row dicts]), ...), parents before children
    sequences: tuple  # PostgreSQL: ((sequence name, last value or None), ...)


def read_rows(connection, tables):
    """What the given tables hold (listed parents first), to put back later with put_rows."""
    rows = tuple((table, [dict(row._mapping) for row in connection.execute(select(table))]) for table in tables)
    sequences = ()
    if connection.dialect.name == "postgresql":
        sequences = tuple(
            connection.execute(
                text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
            )
        )
    return TableRows(rows, sequences)


def put_rows(connection, kept):
    """Make the tables hold exactly what read_rows read: empty them, insert the rows, set the sequences.

    Putting back a few hundred rows with one INSERT a table takes a few milliseconds, where loading
    the reference data through the ORM took 20 ms (SQLite) to 45 ms (PostgreSQL) a test, and the
    access matrix's world of users and records about 250 ms.
    """
    empty_tables(connection, [table.name for table, _ in reversed(kept.rows)])
    for table, rows in kept.rows:
        if table.name == REVISION_TABLE:
            rows = [{**row, "value": secrets.randbits(62)} for row in rows]
        if rows:
            connection.execute(table.insert(), rows)
    used = [(name, value) for name, value in kept.sequences if value is not None]
    if used:
        values = ", ".join(f"(:name{n}, :value{n})" for n in range(len(used)))
        parameters = {
            key: item
            for n, (name, value) in enumerate(used)
            for key, item in ((f"name{n}", name), (f"value{n}", value))
        }
        connection.execute(
            text(f"SELECT setval(name, value, true) FROM (VALUES {values}) AS kept(name, value)"), parameters
        )
