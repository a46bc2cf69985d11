"""The health probe: does the database answer, asked in a way that never holds the probe up."""

import threading

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

_probe = {"engine": None, "running": None}
_lock = threading.Lock()


def _probe_engine(app):
    # Its own engine without a pool, so that a probe stuck on a stalled database holds none of the app's connections.
    if (
        _probe["engine"] is None
        or _probe["engine"].url.render_as_string(hide_password=False) != (app.config["SQLALCHEMY_DATABASE_URI"])
    ):
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        _probe["engine"] = create_engine(
            app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool, connect_args=options.get("connect_args", {})
        )
    return _probe["engine"]


def _ask(engine, outcome, done):
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        outcome["ok"] = True
    except Exception as error:  # any failure means the database does not answer
        outcome["error"] = error.__class__.__name__
    finally:
        done.set()


def database_answers(app):
    """True when the database answers SELECT 1 within HEALTHZ_TIMEOUT_SECONDS."""
    with _lock:
        running = _probe["running"]
        if running is not None and not running[1].is_set():
            # The last probe is still waiting: the database is not answering; do not pile up more.
            return False
        outcome, done = {}, threading.Event()
        _probe["running"] = (outcome, done)
        engine = _probe_engine(app)
    threading.Thread(target=_ask, args=(engine, outcome, done), daemon=True, name="healthz-probe").start()
    return done.wait(app.config["HEALTHZ_TIMEOUT_SECONDS"]) and outcome.get("ok", False)
