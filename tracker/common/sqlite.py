"""SQLite settings: enforce foreign keys and let readers work while one process writes."""

from sqlalchemy import event


def enable_sqlite_pragmas(engine, busy_seconds=10):
    """Turn on foreign keys, WAL and a busy timeout for SQLite connections."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
