"""What the database holds, read on a connection of its own, to prove what a request changed."""

from sqlalchemy import func, select

from tracker.extensions import db

# The data revision moves with every committed write, whatever was written (tracker/common/revision.py);
# tests that it does are in test_revision.py.
BOOKKEEPING = {"data_revision"}


def _tables(ignore):
    return [table for table in db.metadata.sorted_tables if table.name not in {*ignore, *BOOKKEEPING}]


def table_rows(ignore=()):
    """Every row of every table in primary-key order: {table name: [row tuples]}."""
    with db.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for table in _tables(ignore)
        }


def row_counts(ignore=()):
    """How many rows each table holds: {table name: count}."""
    with db.engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table)) for table in _tables(ignore)}


def changed_tables(before, after):
    """Names of the tables whose contents differ between two readings."""
    return sorted(name for name in before if before[name] != after.get(name))
