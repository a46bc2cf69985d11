"""Reference data: the victim journey's touchpoints, the Code's rights and the group's priorities."""

from flask import Blueprint

bp = Blueprint("reference", __name__)

from tracker.reference import routes  # noqa: E402,F401
