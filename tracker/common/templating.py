"""Template filters and globals shared by every page."""

from flask import request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors

from tracker.common import dates
from tracker.common.proxies import external_url


def navigation_items():
    """The service navigation for the signed-in user's role."""
    if not current_user.is_authenticated:
        return []
    items = [("Dashboard", "main.dashboard")]
    for label, endpoint, predicate, _ in sorted(NAVIGATION, key=lambda item: item[3]):
        if predicate(current_user):
            items.append((label, endpoint))
    path = request.path
    links = [(label, url_for(endpoint)) for label, endpoint in items]
    # The longest matching link is the current one: /actions/mine is "My actions", not "Actions".
    matches = [href for _, href in links if path == href or (href != "/" and path.startswith(href))]
    current = max(matches, key=len, default=None)
    return [{"href": href, "text": label, "active": href == current, "current": path == href} for label, href in links]


# Features append (label, endpoint, predicate, order) as their blueprints are imported or registered.
NAVIGATION: list = []
PLAN_FIRST, FEATURES, ADMINISTRATION = 10, 50, 90


def add_navigation(label, endpoint, predicate=lambda user: True, order=FEATURES):
    """Add a link to the service navigation, shown to users for whom predicate is true.

    Links sort by order (the plan's first, administration last), then by when they were added,
    so the menu reads the same whatever order the modules happen to be imported in.
    """
    if all(existing[1] != endpoint for existing in NAVIGATION):
        NAVIGATION.append((label, endpoint, predicate, order))


def pluralise(count, singular, plural=None):
    """'1 action', '3 actions'."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def sentence(text):
    """The text with its first letter a capital, the rest left alone (month names stay capitalised)."""
    text = str(text or "")
    return text[:1].upper() + text[1:]


def register_template_helpers(app):
    """Filters and globals for every template."""
    app.jinja_env.filters["long_date"] = dates.long_date
    app.jinja_env.filters["short_date"] = dates.short_date
    app.jinja_env.filters["date_time"] = dates.date_time
    app.jinja_env.filters["pluralise"] = pluralise
    app.jinja_env.filters["sentence"] = sentence
    app.jinja_env.globals["navigation_items"] = navigation_items
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.globals["service_name"] = app.config["SERVICE_NAME"]
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def error_summary(form):
    """The error summary of a form; an error about the whole form links to its first field."""
    params = wtforms_errors(form)
    # A blank message would be a link without words (axe link-name); leave it out.
    params["errorList"] = [error for error in params["errorList"] if str(error.get("text", "")).strip()]
    first = next((field.id for field in form if field.type not in ("CSRFTokenField", "HiddenField")), None)
    for error in params["errorList"]:
        if error["href"] == "#" and first:
            error["href"] = f"#{first}"
    return params
