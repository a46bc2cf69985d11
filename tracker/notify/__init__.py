"""E-mail: the outbox, the SMTP sender, reminders and the scheduler."""

from flask import Blueprint

bp = Blueprint("notify", __name__)

from tracker.notify import routes  # noqa: E402,F401


def register_notify(app):
    """Wire mail into the app: receivers of the plan's signals, commands and the embedded scheduler."""
    from tracker.notify.cli import register_cli
    from tracker.notify.receivers import register_receivers
    from tracker.notify.scheduler import register_scheduler

    register_receivers()
    register_cli(app)
    register_scheduler(app)
