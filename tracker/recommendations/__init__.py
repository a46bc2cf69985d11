"""Recommendations made to the force and the PCC, the actions that answer them and their response clocks."""

from flask import Blueprint

bp = Blueprint("recommendations", __name__)

from tracker.recommendations import import_routes, response_routes, routes, status_routes  # noqa: E402,F401
