"""Scratch databases for the benchmark: created fresh, loaded with the demo plan, dropped afterwards."""

import logging
import os
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.common.dates import local_today
from tracker.demo.content import UPDATE_LINES
from tracker.extensions import db
from tracker.plan.models import Action, ActionUpdate, EntryKind, Rag, Status

BENCH_SEED = 2026
LONG_TIMELINE_ENTRIES = 50


def postgres_server():
    """The PostgreSQL server named by DATABASE_URL, or None to use SQLite files."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return None
    if not url.startswith(("postgres://", "postgresql")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (or leave it unset for SQLite).")
    url = url.replace("postgres://", "postgresql://", 1)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return make_url(url)


@contextmanager
def scratch_database(label, workdir, server=None):
    """Yield the URL of a new, empty database of our own; drop it afterwards."""
    if server is None:
        path = Path(workdir) / f"{label}.sqlite"
        _remove_sqlite(path)
        try:
            yield f"sqlite:///{path}"
        finally:
            _remove_sqlite(path)
        return
    name = f"tracker_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _remove_sqlite(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def bench_app(url, workdir, **overrides):
    """An app on a benchmark database, configured as the embedded default."""
    os.environ.setdefault("TRACKER_INSTANCE_PATH", str(Path(workdir) / "instance"))
    settings = {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False}
    app = create_app("embedded", settings | overrides)
    # Request log lines from in-process measurements would drown the table.
    logging.getLogger("tracker").setLevel(logging.WARNING)
    return app


def load_plan(url, workdir, *, actions, updates, users, seed=BENCH_SEED, long_timeline=True):
    """Migrate, load reference data and a demo plan; return facts about what was loaded."""
    from tracker.demo.plan import load_demo
    from tracker.reference.seed import load_reference_data

    app = bench_app(url, workdir)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        load_reference_data(app.config["CODE_EDITION"])
        load_demo(actions=actions, seed=seed, today=local_today(), updates_per_action=updates, users=users)
        long_reference = add_long_timeline() if actions and long_timeline else None
        db.session.commit()
        facts = {
            "actions": db.session.scalar(select(func.count(Action.id))),
            "updates": db.session.scalar(select(func.count(ActionUpdate.id))),
            "owners": db.session.scalar(select(func.count(func.distinct(Action.owner_id)))),
            "long_timeline_reference": long_reference,
            "load_seconds": round(time.perf_counter() - started, 2),
        }
        db.session.remove()
        db.engine.dispose()
    return facts


def add_long_timeline(entries=LONG_TIMELINE_ENTRIES):
    """Give the first open action exactly `entries` updates; return its reference."""
    action = db.session.scalar(
        select(Action).where(Action.status == Status.IN_PROGRESS.value).order_by(Action.id).limit(1)
    )
    existing = db.session.scalar(select(func.count(ActionUpdate.id)).where(ActionUpdate.action_id == action.id))
    first_day = local_today() - timedelta(days=entries + 1)
    rows = []
    for number in range(entries - existing):
        moment = datetime.combine(first_day + timedelta(days=number), clock(10), tzinfo=UTC)
        rows.append(
            {
                "action_id": action.id,
                "author_id": action.owner_id,
                "created_at": moment,
                "kind": EntryKind.UPDATE.value,
                "narrative": UPDATE_LINES[number % len(UPDATE_LINES)],
                "status": Status.IN_PROGRESS.value,
                "progress": action.progress,
                "declared_rag": Rag.GREEN.value,
            }
        )
    if rows:
        db.session.execute(insert(ActionUpdate.__table__), rows)
        db.session.execute(
            update(Action.__table__)
            .where(Action.__table__.c.id == action.id)
            .values(last_update_at=max(rows[-1]["created_at"], action.last_update_at or rows[-1]["created_at"]))
        )
    return action.reference
