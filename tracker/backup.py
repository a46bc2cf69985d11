"""Back up and restore the whole database.

SQLite is copied page by page with its online backup API, so the tracker can keep running while a
backup is taken. PostgreSQL is dumped with pg_dump's custom format and restored with pg_restore.
A restore checks first that the file is a sound tracker database at this version's migration, and
will not replace a database that already holds people's work unless told to.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from urllib.request import pathname2url

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, inspect, select

from tracker.common.revision import advance_revision
from tracker.extensions import db

SQLITE_HEADER = b"SQLite format 3\x00"
# `tracker init` loads these (departments included, as owners of touchpoints); a database holding
# nothing else has no one's work in it to lose.
# data_revision only counts writes (tracker/common/revision.py).
REFERENCE_TABLES = {
    "alembic_version",
    "code_right",
    "priority",
    "touchpoint",
    "touchpoint_right",
    "department",
    "data_revision",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; str() says why and what to do."""


def migration_heads():
    """The migration revisions this version of the tracker expects the database to be at."""
    config = current_app.extensions["migrate"].migrate.get_config()
    return set(ScriptDirectory.from_config(config).get_heads())


def _check_revision(found, source):
    expected = migration_heads()
    if not found:
        raise BackupError(f"{source} is not a tracker database: it has no migration version.")
    if set(found) != expected:
        raise BackupError(
            f"{source} is at migration {', '.join(sorted(found))} but this version of the tracker needs "
            f"{', '.join(sorted(expected))}. Restore it with the tracker version that made it."
        )


def tables_with_data():
    """Names of the live database's tables that hold anything beyond reference data."""
    existing = set(inspect(db.engine).get_table_names())
    names = [
        table.name
        for table in db.metadata.sorted_tables
        if table.name in existing
        and table.name not in REFERENCE_TABLES
        and db.session.scalar(select(func.count()).select_from(table))
    ]
    db.session.rollback()
    return names


def _refuse_to_overwrite(force):
    if force:
        return
    holding = tables_with_data()
    if holding:
        raise BackupError(
            f"The database already holds data ({', '.join(holding[:5])}{', ...' if len(holding) > 5 else ''}). "
            "Restoring would replace all of it. Run again with --force if that is what you want."
        )


def backup_database(target):
    """Write a backup of the live database to target; return a sentence saying what was done."""
    target = Path(target)
    if db.engine.dialect.name == "sqlite":
        return backup_sqlite(target)
    if db.engine.dialect.name == "postgresql":
        return backup_postgresql(target)
    raise BackupError(f"Backups of {db.engine.dialect.name} databases are not supported.")


def restore_database(source, force=False):
    """Replace the live database with the backup at source; return a sentence saying what was done."""
    source = Path(source)
    if db.engine.dialect.name == "sqlite":
        said = restore_sqlite(source, force)
    elif db.engine.dialect.name == "postgresql":
        said = restore_postgresql(source, force)
    else:
        raise BackupError(f"Restoring {db.engine.dialect.name} databases is not supported.")
    # Figures a running tracker keeps for the data it had must not be shown for the restored data.
    advance_revision()
    return said


# SQLite


def _live_sqlite_path():
    database = db.engine.url.database
    return Path(database).resolve() if database and database != ":memory:" else None


def _open_read_only(path):
    return sqlite3.connect(f"file:{pathname2url(str(path.resolve()))}?mode=ro", uri=True)


def check_sqlite_backup(path, revision=True):
    """Raise BackupError unless path is an intact SQLite tracker database (at the expected migration)."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a tracker backup: it is not an SQLite database.")
    connection = _open_read_only(path)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged: SQLite's integrity check failed.")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        found = (
            [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
            if ("alembic_version" in tables)
            else []
        )
    finally:
        connection.close()
    if revision:
        _check_revision(found, path)
    elif not found:
        raise BackupError(f"{path} is not a tracker database: it has no migration version.")
    missing = {table.name for table in db.metadata.sorted_tables} - tables
    if missing:
        raise BackupError(f"{path} is not a complete tracker database: it lacks {', '.join(sorted(missing))}.")


def backup_sqlite(target):
    """Copy the live SQLite database to target with the online backup API."""
    live = _live_sqlite_path()
    if live is not None and target.resolve() == live:
        raise BackupError("Choose a backup file other than the live database itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite", dir=target.parent)
    os.close(handle)
    raw = db.engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        with copy:
            raw.driver_connection.backup(copy)
        copy.close()
        # A backup taken before an upgrade is at the older migration, and rightly so.
        check_sqlite_backup(Path(partial), revision=False)
        os.replace(partial, target)
    finally:
        raw.close()
        if os.path.exists(partial):
            os.unlink(partial)
    return f"Backed up the database to {target} ({target.stat().st_size} bytes)."


def restore_sqlite(source, force):
    """Copy the backup at source over the live SQLite database."""
    check_sqlite_backup(source)
    _refuse_to_overwrite(force)
    db.session.remove()
    backup = _open_read_only(source)
    raw = db.engine.raw_connection()
    try:
        backup.backup(raw.driver_connection)
    finally:
        raw.close()
        backup.close()
    db.engine.dispose()
    return f"Restored the database from {source}."


# PostgreSQL


def _postgres_environment():
    """libpq settings for the live database, so that no password appears on a command line."""
    url = db.engine.url
    settings = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    return dict(os.environ, **{key: value for key, value in settings.items() if value})


def _run(tool, *args):
    """Run a PostgreSQL client tool; raise BackupError with its own words when it fails."""
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed. Install the PostgreSQL client tools (postgresql-client).")
    result = subprocess.run([tool, *args], env=_postgres_environment(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def dump_revision(path):
    """The migration revisions recorded in a pg_dump custom-format file."""
    listing = _run("pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path))
    lines = listing.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("COPY ") and "alembic_version" in line]
    if not starts:
        return []
    revisions = []
    for line in lines[starts[0] + 1 :]:
        if line == "\\.":
            break
        revisions.append(line.strip())
    return revisions


def check_postgresql_backup(path, revision=True):
    """Raise BackupError unless path is a pg_dump of a tracker database (at the expected migration)."""
    try:
        _run("pg_restore", "--list", str(path))
    except BackupError as error:
        raise BackupError(f"{path} is not a tracker backup: pg_restore cannot read it.") from error
    if revision:
        _check_revision(dump_revision(path), path)


def backup_postgresql(target):
    """Dump the live PostgreSQL database to target in pg_dump's custom format."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}")
        check_postgresql_backup(partial, revision=False)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return f"Backed up the database to {target} ({target.stat().st_size} bytes)."


def restore_postgresql(source, force):
    """Replace the live PostgreSQL database's tables with those in the dump, in one transaction."""
    check_postgresql_backup(source)
    _refuse_to_overwrite(force)
    db.session.remove()
    db.engine.dispose()
    _run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        f"--dbname={db.engine.url.database}",
        str(source),
    )
    return f"Restored the database from {source}."
