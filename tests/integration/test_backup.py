"""`tracker backup` and `tracker restore` round-trip every row of every table, and restore refuses what
it should: a file that is not a tracker database, one at another migration, or a database holding data.

The test works on whichever database the suite runs on: SQLite through its online backup API,
PostgreSQL through pg_dump and pg_restore.
"""

import sqlite3
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    Time,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.types import TypeDecorator

from tests.conftest import clean_database
from tests.database_state import changed_tables, row_counts, table_rows
from tests.factories import PASSWORD
from tracker.backup import migration_heads
from tracker.extensions import db as _db


def _value_for(column):
    """A value of the column's type that exercises it: accents, line breaks, every byte."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if column.foreign_keys:
        referred = next(iter(column.foreign_keys)).column
        return _db.session.scalar(select(func.min(referred)))
    if isinstance(kind, JSON):
        return {"columns": ["Référence", "Title"], "rows": 2, "ok": True}
    if isinstance(kind, LargeBinary):
        return bytes(range(256)) * 3
    if isinstance(kind, DateTime):
        return datetime(2026, 11, 30, 9, 15, 30, 250000, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2026, 11, 30)
    if isinstance(kind, Time):
        return time(14, 30)
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, Numeric):
        return Decimal("42.50")
    if isinstance(kind, Text):
        return "Première ligne – “quoted”\nSecond line\twith a tab"
    if isinstance(kind, String):
        return "Vérifié ✓ backup"[: kind.length or 40]
    raise AssertionError(f"no sample value for {column.table.name}.{column.name} ({kind!r})")


def fill_empty_tables():
    """Put one row, with every column set, into each table that is still empty."""
    for table in _db.metadata.sorted_tables:
        if _db.session.scalar(select(func.count()).select_from(table)):
            continue
        values = {
            column.name: _value_for(column)
            for column in table.columns
            if not (column.primary_key and isinstance(column.type, Integer) and not column.foreign_keys)
        }
        _db.session.execute(insert(table).values(**values))
    _db.session.commit()


def populate(runner, client, make):
    """A realistic plan plus sign-ins, refusals, mail, and a row in every other table."""
    assert runner.invoke(args=["tracker", "demo", "--actions", "8", "--seed", "3"]).exit_code == 0
    lead = make.user("lead")
    client.post("/sign-in", data={"email": lead.email, "password": "wrong password!"})
    client.post("/forgot-password", data={"email": lead.email})
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    client.get("/admin/users")
    fill_empty_tables()


def test_a_populated_database_round_trips_row_for_row(runner, client, make, db, tmp_path):
    populate(runner, client, make)
    original = table_rows()
    assert all(original.values()), f"empty tables: {[name for name, rows in original.items() if not rows]}"
    backup = tmp_path / "nightly" / "tracker.backup"

    made = runner.invoke(args=["tracker", "backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert f"Backed up the database to {backup}" in made.output and backup.stat().st_size > 0

    client.post("/sign-out")
    make.user("viewer")
    db.session.execute(_db.metadata.tables["evidence"].delete())
    db.session.commit()
    assert changed_tables(original, table_rows())

    restored = runner.invoke(args=["tracker", "restore", "--force", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert table_rows() == original
    assert db.session.scalar(select(func.count()).select_from(_db.metadata.tables["action"])) == 8


def test_restore_will_not_replace_a_database_holding_data_without_force(runner, make, db, tmp_path):
    make.user("chair", name="Kept Safe")
    backup = tmp_path / "tracker.backup"
    runner.invoke(args=["tracker", "backup", str(backup)])
    make.user("viewer")
    before = row_counts()
    refused = runner.invoke(args=["tracker", "restore", str(backup)])
    assert refused.exit_code != 0
    assert "The database already holds data (user_account)" in refused.output and "--force" in refused.output
    assert row_counts() == before


def test_a_freshly_initialised_database_takes_a_restore_without_force(runner, make, db, tmp_path):
    make.user("chair", name="Came Back")
    backup = tmp_path / "tracker.backup"
    runner.invoke(args=["tracker", "backup", str(backup)])
    original = table_rows()
    clean_database()
    restored = runner.invoke(args=["tracker", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert table_rows() == original


def test_restore_refuses_a_file_that_is_not_a_tracker_database(runner, db, tmp_path):
    junk = tmp_path / "minutes.docx"
    junk.write_bytes(b"PK\x03\x04 not a database at all")
    foreign = tmp_path / "other.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    for path in (junk, foreign):
        refused = runner.invoke(args=["tracker", "restore", "--force", str(path)])
        assert refused.exit_code != 0 and "is not a tracker" in refused.output, refused.output


def test_a_backup_from_another_migration_is_taken_but_not_restored(runner, make, db, tmp_path):
    """Backing up before an upgrade works; restoring that file into the upgraded tracker is refused."""
    make.user("chair")
    current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = 'older_0001'"))
    db.session.commit()
    backup = tmp_path / "before-upgrade.backup"
    try:
        taken = runner.invoke(args=["tracker", "backup", str(backup)])
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": current})
        db.session.commit()
    assert taken.exit_code == 0, taken.output
    before = table_rows()
    refused = runner.invoke(args=["tracker", "restore", "--force", str(backup)])
    assert refused.exit_code != 0
    assert "is at migration older_0001 but this version of the tracker needs" in refused.output
    assert ", ".join(sorted(migration_heads())) in refused.output
    assert table_rows() == before
