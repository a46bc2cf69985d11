"""The audit log: append-only events, and the administrators' search of them."""

from flask import Blueprint

bp = Blueprint("audit", __name__)

from tracker.audit import routes  # noqa: E402,F401
