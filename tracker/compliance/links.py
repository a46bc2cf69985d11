"""Links from the gap view into the improvement plan, whose pages belong to the plan feature."""

from flask import current_app, url_for


def _plan_url(endpoint, path, **values):
    """The plan's own route when it is registered, else its documented address."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return path


def new_action_url(right_number):
    """Where the chair creates an action with this right already linked."""
    return _plan_url("plan.new_action", f"/actions/new?right={right_number}", right=right_number)


def action_url(action):
    """The page of an open action (a gap.OpenAction)."""
    return _plan_url("plan.action_detail", f"/actions/{action.reference}", reference=action.reference)
