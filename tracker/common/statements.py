"""Counting the SQL statements a piece of work sends, to keep pages free of a query per row."""

from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event


@dataclass
class StatementLog:
    """The statements sent while a `counting_statements` block ran."""

    statements: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.statements)


@contextmanager
def counting_statements(engine):
    """Record every statement `engine` sends inside the block (executemany counts once)."""
    log = StatementLog()

    def _record(_connection, _cursor, statement, _parameters, _context, _executemany):
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", _record)
