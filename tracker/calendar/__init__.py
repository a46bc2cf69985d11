"""Private iCalendar feeds of each user's due dates, and the page that makes their secret link."""

from flask import Blueprint

bp = Blueprint("calendar", __name__, cli_group=None)

from tracker.calendar import routes  # noqa: E402,F401
