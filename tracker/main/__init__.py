"""The dashboard, health check and the site's own statements."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from tracker.main import floor, routes  # noqa: E402,F401
