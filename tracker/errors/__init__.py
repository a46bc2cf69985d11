"""Error pages: plain-English HTML for people, JSON for the API; never a traceback."""

from flask import current_app, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

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
        db.session.rollback()
        return render_error(500)

    for status in (400, 404, 405, 413, 429):
        app.register_error_handler(status, lambda error, status=status: render_error(status))
