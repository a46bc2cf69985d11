"""Parts of pages that are worked out once per change to the data, not once per request.

The dashboard and the rights grid count every action by a BRAG worked out for the day, the dearest
work the tracker does. Their rendered figures change only when the plan changes or the day turns,
so they are kept in the cache (Flask-Caching) under the day and the *data revision*: a number in
the database that every committed write to what those pages show moves on.

The revision is moved by the session itself, just before each commit that wrote anything (ORM
objects, bulk or Core statements, raw SQL through the session), in the same transaction as the
write: a reader sees the new rows and the new number together or neither. Bookkeeping that no kept
page shows (the scheduler's lease and job runs, the outbox, the audit log, sign-in attempts and
times, API token use, import progress, report build requests) leaves it alone: in production the scheduler alone writes
every 30 seconds, and every sign-in and API call writes, so counting those would keep nothing.
A table not named here counts as plan data, so a new table can only make the cache keep less. Taking its row lock
last, at commit, means two writers never wait on each other in a cycle. It starts from a random
number, so that emptying the tables or restoring a backup never brings back a number some cached
page was computed under.

A page computed while another transaction committed is not kept: the revision is read before and
after the work, and the result is stored only when both reads agree. Nor is a page kept that was
computed inside a transaction with writes of its own not yet committed.
"""

import secrets

from flask import current_app
from sqlalchemy import BigInteger, Integer, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import TextClause

from tracker.extensions import cache, db

ROW_ID = 1
WROTE = "tracker_wrote"
CSRF_FIELD = 'name="csrf_token"'
# Tables no kept page reads, and columns of shown tables that no kept page shows.
BOOKKEEPING_TABLES = frozenset(
    {
        "scheduler_lock",
        "job_run",
        "outbound_email",
        "audit_event",
        "sign_in_attempt",
        "password_reset_token",
        "api_token",
        "import_batch",
        "report_build",
        "data_revision",
    }
)
BOOKKEEPING_COLUMNS = {"user_account": frozenset({"last_sign_in_at", "session_version", "version_id"})}


class DataRevision(db.Model):
    """One row: a number that changes with every committed write."""

    __tablename__ = "data_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def _advance_statement(dialect_name):
    table = DataRevision.__table__
    insert = postgresql_insert if dialect_name == "postgresql" else sqlite_insert
    return (
        insert(table)
        .values(id=ROW_ID, value=secrets.randbits(62))
        .on_conflict_do_update(index_elements=[table.c.id], set_={"value": table.c.value + 1})
    )


def _has_pending_writes(session):
    return bool(
        session.info.get(WROTE) or ((session.new or session.dirty or session.deleted) and _writes_shown_data(session))
    )


@event.listens_for(Session, "do_orm_execute")
def _note_statement_writes(state):
    writes = state.is_insert or state.is_update or state.is_delete
    if _is_written_sql(state.statement) or (writes and not _is_bookkeeping(state.statement)):
        state.session.info[WROTE] = True


def _is_bookkeeping(statement):
    """Whether a Core insert, update or delete writes only what no kept page shows."""
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    if name in BOOKKEEPING_TABLES:
        return True
    quiet = BOOKKEEPING_COLUMNS.get(name)
    values = getattr(statement, "_values", None) or {}
    if quiet and statement.is_update and values:
        return {getattr(column, "key", column) for column in values} <= quiet
    return False


def _writes_shown_data(session):
    """Whether the objects about to be flushed change anything a kept page may show."""
    for obj in (*session.new, *session.deleted):
        if inspect(obj).mapper.local_table.name not in BOOKKEEPING_TABLES:
            return True
    return any(_changes_shown_columns(obj) for obj in session.dirty)


def _changes_shown_columns(obj):
    state = inspect(obj)
    name = state.mapper.local_table.name
    if name in BOOKKEEPING_TABLES:
        return False
    quiet = BOOKKEEPING_COLUMNS.get(name, frozenset())
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in quiet)


def _is_written_sql(statement):
    """Whether a textual statement may write: anything but a query."""
    return isinstance(statement, TextClause) and not statement.text.lstrip().upper().startswith(("SELECT", "WITH"))


@event.listens_for(Session, "before_flush")
def _note_flush(session, _flush_context, _instances):
    # Before the flush, while the session still knows which objects and columns it is writing.
    if _writes_shown_data(session):
        session.info[WROTE] = True


@event.listens_for(Session, "before_commit")
def _advance_on_commit(session):
    if not _has_pending_writes(session):
        return
    session.flush()
    bind = session.get_bind(mapper=DataRevision)
    session.execute(_advance_statement(bind.dialect.name))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_writes(session):
    session.info.pop(WROTE, None)


def advance_revision():
    """Move the revision on now and commit: for writes made around the session, such as a restore."""
    db.session.execute(_advance_statement(db.engine.dialect.name))
    db.session.commit()


def current_revision():
    """The data revision as this session sees it; None before anything has been written."""
    return db.session.scalar(select(DataRevision.value).where(DataRevision.id == ROW_ID))


def per_revision(name, compute, *, day, vary=()):
    """compute(), or what it gave last time for the same name, day, `vary` and data revision.

    `day` is the day the content was worked out for (the caller's today, which compute uses too);
    `vary` holds everything else the content depends on, such as what the reader may do.
    """
    if _has_pending_writes(db.session):
        return compute()
    before = current_revision()
    if before is None:
        return compute()
    key = ":".join(("revision", name, str(before), day.isoformat(), *map(str, vary)))
    found = cache.get(key)
    if found is not None:
        return found
    result = compute()
    if _holds_form_token(result):
        raise ValueError(f"{name} holds a form's CSRF token: forms belong outside content kept per revision")
    if current_revision() == before and not _has_pending_writes(db.session):
        cache.set(key, result, timeout=current_app.config["PAGE_CACHE_SECONDS"])
    return result


def _holds_form_token(result):
    # A token kept in the cache would outlive its time limit and the session it was made for, and a
    # form posted with it would lose what was typed.
    parts = result.values() if isinstance(result, dict) else (result,)
    return any(CSRF_FIELD in str(part) for part in parts)
