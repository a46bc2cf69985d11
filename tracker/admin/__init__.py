"""Administration: users and departments."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from tracker.admin import routes  # noqa: E402,F401
