"""Administration: users and departments."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from tracker.admin import leaver_routes, logo_routes, routes  # noqa: E402,F401
