"""Error pages: plain-English HTML for people, JSON for the API; never a traceback."""

from flask import current_app, g, jsonify, render_template, request
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape

from tracker.common.dates import date_time
from tracker.common.logs import request_id
from tracker.common.types import utcnow
from tracker.extensions import db

MESSAGES = {
    400: "The request could not be understood",
    403: "You do not have permission to do this",
    404: "Page not found",
    405: "This page cannot do that",
    413: "The file is too large",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
}


def wants_json():
    """True for API requests."""
    return request.path.startswith("/api/")


def render_error(status, **context):
    """Answer an error in the form the client wants."""
    if wants_json():
        return jsonify(error=MESSAGES.get(status, "Error"), status=status), status
    return render_template(f"errors/{status}.html", **context), status


def render_server_error():
    """The 500 page, drawn without the database: it may be the database that failed."""
    try:
        db.session.rollback()
    except Exception:  # a database that is down cannot roll back either
        current_app.logger.exception("Could not roll back after an error")
    if wants_json():
        return jsonify(error=MESSAGES[500], status=500), 500
    happened_at, reference = date_time(utcnow()), request_id()
    # The signed-in user is not loaded again (that needs the database), so the page shows no account.
    g._login_user = AnonymousUserMixin()
    try:
        page = render_template("errors/500.html", happened_at=happened_at, reference=reference)
    except Exception:  # the page must be answered even if its template cannot be drawn
        current_app.logger.exception("Could not draw the error page")
        page = (
            f'<!DOCTYPE html><html lang="en"><head><title>{MESSAGES[500]}</title></head><body>'
            f"<h1>{MESSAGES[500]}</h1><p>Try again later.</p><p>If the problem continues, tell your "
            f"administrator it happened on {escape(happened_at)}, reference {escape(reference)}.</p></body></html>"
        )
    return page, 500, {"Cache-Control": "no-store"}


def audit_refusal():
    """Record a refused request in the audit log, in its own transaction."""
    from tracker.audit.services import record

    try:
        db.session.rollback()
        actor = current_user._get_current_object() if current_user.is_authenticated else None
        record(
            "access.denied",
            actor=actor,
            summary=f"{request.method} {request.path} refused",
            changes={"endpoint": (None, request.endpoint)},
        )
        db.session.commit()
    except Exception:  # the refusal itself must still be answered
        current_app.logger.exception("Could not audit a refused request")
        db.session.rollback()


def register_errorhandlers(app):
    """Register a handler for each error page."""

    @app.errorhandler(403)
    def forbidden(error):
        audit_refusal()
        return render_error(403)

    @app.errorhandler(PermissionError)
    def refused_by_a_service(error):
        # A service's own permission check is the last line of defence: it answers as a route's does.
        current_app.logger.warning("Refused %s %s in a service: %s", request.method, request.path, error)
        audit_refusal()
        return render_error(403)

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        current_app.logger.warning("Refused %s %s: %s", request.method, request.path, error.description)
        return render_error(
            400, reason="Your form expired or was sent from another site. Go back, reload the page and try again."
        )

    @app.errorhandler(500)
    def internal_error(error):
        return render_server_error()

    for status in (400, 404, 405, 413, 429):
        app.register_error_handler(status, lambda error, status=status: render_error(status))
