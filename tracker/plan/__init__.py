"""The improvement plan: actions, updates, requests, decisions, evidence and the dashboard."""

from flask import Blueprint

bp = Blueprint("plan", __name__)

from tracker.plan import decision_routes, manage_routes, progress_routes, routes  # noqa: E402,F401
