"""Links from the gap view into the improvement plan, whose pages belong to the plan feature."""

from flask import current_app, url_for

# The plan's action page, under whichever of these names it is registered.
ACTION_PAGE_ENDPOINTS = ("plan.view_action", "plan.action", "plan.show_action", "plan.action_detail")


def new_action_url(right_number):
    """Where the chair creates an action with this right already linked."""
    if "plan.new_action" in current_app.view_functions:
        return url_for("plan.new_action", right=right_number)
    return f"/actions/new?right={right_number}"


def action_url(action):
    """The page of an open action (a gap.OpenAction), or None while the plan has no such page."""
    for endpoint in ACTION_PAGE_ENDPOINTS:
        if endpoint not in current_app.view_functions:
            continue
        for rule in current_app.url_map.iter_rules(endpoint):
            if "reference" in rule.arguments:
                return url_for(endpoint, reference=action.reference)
            if "action_id" in rule.arguments:
                return url_for(endpoint, action_id=action.id)
    return None
