"""Spreadsheets in and out, calendar feeds and the read-only JSON API.

Three blueprints: `exchange` (imports, exports, the template and API tokens), `calendar`
(the private iCalendar feed and its settings page) and `api` (/api/v1, bearer tokens only).
"""

from flask import Blueprint

bp = Blueprint("exchange", __name__, cli_group="exchange")
calendar_bp = Blueprint("calendar", __name__, cli_group=None)
api_bp = Blueprint("api", __name__, cli_group=None)

from tracker.exchange import account, api, cli, routes  # noqa: E402,F401
