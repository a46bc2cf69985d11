"""Meetings of the groups that hold the plan: series, agendas proposed from the plan, recording in the room."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from tracker.meetings import acting_routes, agenda_routes, minutes_routes, routes, running_routes  # noqa: E402,F401
